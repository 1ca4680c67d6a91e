-- vim.lsp.buf.definition() on [[Note#Heading]] opens the note at the heading's line.
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  H.init()
  local buf = H.open(os.getenv('VAULTLS_T_NOTE'))
  H.attach(buf)
  local lnum = tonumber(os.getenv('VAULTLS_T_LINE'))
  local target = vim.fs.normalize(os.getenv('VAULTLS_T_TARGET'))
  local heading_line = tonumber(os.getenv('VAULTLS_T_HEADING_LINE'))
  local col = H.line(buf, lnum):find('[[', 1, true) + 3 -- inside the link's target
  H.cursor(lnum + 1, col)
  vim.lsp.buf.definition()
  H.wait('the jump to ' .. target, function()
    return vim.fs.normalize(vim.api.nvim_buf_get_name(0)) == target
  end)
  H.eq(heading_line + 1, vim.api.nvim_win_get_cursor(0)[1], 'cursor line in the target')
end)
