-- Completion at the end of a line (after `[[`, or `[[Note#`) lists the expected labels.
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  H.init()
  local buf = H.open(os.getenv('VAULTLS_T_NOTE'))
  local client = H.attach(buf)
  local lnum = tonumber(os.getenv('VAULTLS_T_LINE'))
  local line = H.line(buf, lnum)
  local params = H.params_at(client, buf, lnum, #line) -- after `[[`
  local items = H.items(H.request(client, 'textDocument/completion', params, buf))
  local labels = H.labels(items)
  for _, name in ipairs(vim.json.decode(os.getenv('VAULTLS_T_EXPECT'))) do
    if not vim.tbl_contains(labels, name) then
      error(('%q not among the completion labels %s'):format(name, vim.inspect(labels)))
    end
  end
  H.out(('%d items'):format(#items))
end)
