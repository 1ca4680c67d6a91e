-- :VaultlsCheck runs `vaultls check --format json` on the vault and fills the quickfix list
-- with absolute file names and byte columns (converted from UTF-16).
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  H.init()
  H.open(os.getenv('VAULTLS_T_NOTE'))
  local before = vim.fn.getqflist({ id = 0 }).id
  vim.cmd('VaultlsCheck')
  local qf = H.wait('the quickfix list', function()
    local q = vim.fn.getqflist({ id = 0, title = 1, items = 1 })
    return q.id ~= before and q or nil
  end)
  H.truthy(qf.title:find('vaultls', 1, true), 'quickfix title ' .. qf.title)
  local got = {}
  for _, it in ipairs(qf.items) do
    got[#got + 1] = {
      filename = vim.fs.normalize(vim.api.nvim_buf_get_name(it.bufnr)),
      lnum = it.lnum,
      col = it.col,
      type = it.type,
      text = it.text,
    }
  end
  for _, want in ipairs(vim.json.decode(os.getenv('VAULTLS_T_EXPECT'))) do
    local found = false
    for _, g in ipairs(got) do
      if g.filename == vim.fs.normalize(want.filename) and g.lnum == want.lnum and vim.tbl_contains(want.cols, g.col) then
        found = true
        H.truthy(g.text:find('dangling-link', 1, true), 'code in the text: ' .. g.text)
        H.eq('W', g.type, 'type')
      end
    end
    if not found then
      error(('no quickfix item %s in %s'):format(vim.inspect(want), vim.inspect(got)))
    end
  end
  -- The list is open.
  H.truthy(vim.fn.getqflist({ winid = 0 }).winid ~= 0, 'quickfix window open')
end)
