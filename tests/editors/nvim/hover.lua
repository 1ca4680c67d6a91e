-- Hover on a link returns a Markdown preview of the target note.
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  H.init()
  local buf = H.open(os.getenv('VAULTLS_T_NOTE'))
  local client = H.attach(buf)
  local lnum = tonumber(os.getenv('VAULTLS_T_LINE'))
  local expect = os.getenv('VAULTLS_T_EXPECT')
  H.cursor(lnum + 1, H.line(buf, lnum):find('[[', 1, true) + 2)
  local result = H.truthy(H.request(client, 'textDocument/hover', H.pos_params(client), buf), 'hover result')
  local text = table.concat(vim.lsp.util.convert_input_to_markdown_lines(result.contents), '\n')
  H.truthy(text:find(expect, 1, true), ('%q in the hover text:\n%s'):format(expect, text))
  -- And as a user sees it: vim.lsp.buf.hover() opens a floating window with it.
  vim.lsp.buf.hover()
  local float = H.wait('the hover window', function()
    for _, win in ipairs(vim.api.nvim_list_wins()) do
      if vim.api.nvim_win_get_config(win).relative ~= '' then
        return win
      end
    end
  end)
  local shown = table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(float), 0, -1, false), '\n')
  H.truthy(shown:find(expect, 1, true), ('%q in the hover window:\n%s'):format(expect, shown))
end)
