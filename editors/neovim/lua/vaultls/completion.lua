--- Neovim 0.11's built-in completion (vim.lsp.completion) inserts only the first word of an
--- item's plain-text textEdit (neovim/neovim#37949, fixed later), so accepting
--- `Permanent Revolution]]` gives `[[Permanent`. After an accepted vaultls item this puts in
--- the rest of the edit. It does nothing when the whole text was inserted (a fixed Neovim,
--- or a completion plugin such as nvim-cmp or blink.cmp that applies the edit itself).
local config = require('vaultls.config')

local M = {}

--- The CompleteDone handler.
function M.complete_done()
  if vim.v.event and vim.v.event.reason and vim.v.event.reason ~= 'accept' then
    return
  end
  local done = vim.v.completed_item
  local lsp_data = type(done) == 'table' and type(done.user_data) == 'table' and vim.tbl_get(done.user_data, 'nvim', 'lsp')
  if type(lsp_data) ~= 'table' or type(lsp_data.completion_item) ~= 'table' then
    return
  end
  local client = vim.lsp.get_client_by_id(lsp_data.client_id)
  local item = lsp_data.completion_item
  if not client or client.name ~= config.name or item.insertTextFormat == 2 or type(item.textEdit) ~= 'table' then
    return
  end
  local word, new_text = done.word or '', item.textEdit.newText or ''
  if word == '' or word == new_text or new_text:sub(1, #word) ~= word or new_text:find('\n') then
    return
  end
  local row, col = unpack(vim.api.nvim_win_get_cursor(0))
  local line = vim.api.nvim_get_current_line()
  if line:sub(col - #word + 1, col) ~= word then
    return
  end
  local rest = new_text:sub(#word + 1)
  vim.api.nvim_buf_set_text(0, row - 1, col, row - 1, col, { rest })
  vim.api.nvim_win_set_cursor(0, { row, col + #rest })
end

--- Installs the CompleteDone fix above on buffers that vaultls attaches to (once).
function M.create_autocmds()
  local group = vim.api.nvim_create_augroup('vaultls.completion', { clear = true })
  vim.api.nvim_create_autocmd('LspAttach', {
    group = group,
    callback = function(args)
      local client = vim.lsp.get_client_by_id(args.data and args.data.client_id or -1)
      if not client or client.name ~= config.name or vim.b[args.buf].vaultls_complete_done then
        return
      end
      vim.b[args.buf].vaultls_complete_done = true
      vim.api.nvim_create_autocmd('CompleteDone', {
        group = group,
        buffer = args.buf,
        callback = M.complete_done,
        desc = 'vaultls: complete multi-word note names (vim.lsp.completion in Neovim 0.11)',
      })
    end,
  })
end

return M
