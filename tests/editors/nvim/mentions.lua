-- :VaultlsMentions on a note fills the quickfix list with its unlinked mentions (plain text in
-- other notes that names it): one item each, at its line and byte column.
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  H.init()
  local buf = H.open(os.getenv('VAULTLS_T_NOTE'))
  H.attach(buf)
  local before = vim.fn.getqflist({ id = 0 }).id
  vim.cmd('VaultlsMentions')
  local qf = H.wait('the quickfix list', function()
    local q = vim.fn.getqflist({ id = 0, title = 1, items = 1 })
    return q.id ~= before and #q.items > 0 and q or nil
  end)
  H.eq('vaultls: unlinked mentions of Petrograd', qf.title, 'the quickfix title')
  local got = {}
  for _, it in ipairs(qf.items) do
    got[#got + 1] = { filename = vim.fs.normalize(vim.api.nvim_buf_get_name(it.bufnr)), lnum = it.lnum, col = it.col }
  end
  local want = vim.json.decode(os.getenv('VAULTLS_T_EXPECT'))
  for _, w in ipairs(want) do
    w.filename = vim.fs.normalize(w.filename)
  end
  H.eq(want, got, 'unlinked mentions in the quickfix list')
end)
