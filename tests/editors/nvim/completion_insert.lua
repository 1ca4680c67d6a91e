-- Accepting an item (its textEdit applied as Neovim applies it) gives `[[Target]]`, both
-- when `]]` has to be added and when it is already there.
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  H.init()
  local buf = H.open(os.getenv('VAULTLS_T_NOTE'))
  local client = H.attach(buf)
  local target, prefix = os.getenv('VAULTLS_T_TARGET'), os.getenv('VAULTLS_T_PREFIX')
  local cases = {
    -- lnum (0-based), cursor byte column, expected line
    { 2, #('See [[' .. prefix), 'See [[' .. target .. ']]' },
    { 3, #('Also [[' .. prefix), 'Also [[' .. target .. ']] here' },
  }
  for _, case in ipairs(cases) do
    local lnum, col, expected = case[1], case[2], case[3]
    local params = H.params_at(client, buf, lnum, col)
    local items = H.items(H.request(client, 'textDocument/completion', params, buf))
    local item
    for _, it in ipairs(items) do
      if it.label == target then
        item = it
      end
    end
    H.truthy(item, ('item %q in %s'):format(target, vim.inspect(H.labels(items))))
    H.apply_completion(client, buf, item)
    H.eq(expected, H.line(buf, lnum), 'line after accepting ' .. target)
  end
end)
