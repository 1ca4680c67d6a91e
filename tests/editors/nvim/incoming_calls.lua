-- vim.lsp.buf.incoming_calls() on a note fills the quickfix list with its backlinks: one item
-- per link, at the link's line and byte column in the linking note.
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  H.init()
  local buf = H.open(os.getenv('VAULTLS_T_NOTE'))
  H.attach(buf)
  H.cursor(1, 0)
  local before = vim.fn.getqflist({ id = 0 }).id
  vim.lsp.buf.incoming_calls()
  local qf = H.wait('the quickfix list', function()
    local q = vim.fn.getqflist({ id = 0, title = 1, items = 1 })
    return q.id ~= before and #q.items > 0 and q or nil
  end)
  local got = {}
  for _, it in ipairs(qf.items) do
    got[#got + 1] = { filename = vim.fs.normalize(vim.api.nvim_buf_get_name(it.bufnr)), lnum = it.lnum, col = it.col }
  end
  table.sort(got, function(a, b)
    return a.filename .. string.format('%05d%05d', a.lnum, a.col) < b.filename .. string.format('%05d%05d', b.lnum, b.col)
  end)
  local want = vim.json.decode(os.getenv('VAULTLS_T_EXPECT'))
  for _, w in ipairs(want) do
    w.filename = vim.fs.normalize(w.filename)
  end
  H.eq(want, got, 'incoming calls in the quickfix list')
end)
