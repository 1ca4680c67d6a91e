--- Completion of vaultls links with Neovim's own insert-mode completion (vim.lsp.completion,
--- and `<C-x><C-o>` through vim.lsp.omnifunc), so that every way of taking an item leaves the
--- whole link in the buffer.
---
--- Neovim inserts an item's `word`, which for a plain-text textEdit is only the first word of
--- its text (neovim/neovim#37949): `[[Permanent` for `Permanent Revolution]]`. It inserts it
--- when an item is accepted with <C-y>, but also when one is selected with <C-n> and then
--- Enter (or any other key) is typed, and when `<C-x><C-o>` finds a single match: the last
--- two end the completion with the reason "discard". After any of them this puts in the rest
--- of the item's text (and replaces the rest of a name the cursor was in, as the item's
--- textEdit does). Nothing happens when the whole text is there already (a fixed Neovim, or a
--- completion plugin such as nvim-cmp or blink.cmp, which apply the edit themselves), nor
--- after <C-e> ("cancel": the typed text is put back).
---
--- With Neovim's default 'completeopt' (menu,popup) the first item is inserted as soon as
--- the menu opens after `[[`, and what is typed next lands after it (`[[Marx]]Perm`). Unless
--- the user has set 'completeopt', vaultls buffers get a buffer-local 'menu,menuone,noselect,popup':
--- the menu opens with nothing inserted, typing narrows it, <C-n>/<C-p> pick an item.
local config = require('vaultls.config')

local M = {}

--- The 'completeopt' a vaultls buffer gets while the user has not set one.
M.completeopt = 'menu,menuone,noselect,popup'

--- The characters after the cursor that the item's textEdit replaced: when the link is
--- already closed (a `]]` follows before any `[[`), the rest of the name up to `|`, `#` or
--- `]` (what the server's edit range covers; see features/completion.py).
local function replaced_after(rest)
  local close_at = rest:find(']]', 1, true)
  local reopen_at = rest:find('[[', 1, true)
  if not close_at or (reopen_at and reopen_at < close_at) then
    return 0
  end
  local stop = rest:find('[|#%]]')
  return stop and stop - 1 or 0
end

--- The CompleteDone handler.
function M.complete_done()
  local reason = vim.v.event and vim.v.event.reason
  if reason ~= nil and reason ~= 'accept' and reason ~= 'discard' then
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
  if word == '' or new_text:sub(1, #word) ~= word or new_text:find('\n') then
    return
  end
  local row, col = unpack(vim.api.nvim_win_get_cursor(0))
  local line = vim.api.nvim_get_current_line()
  if col < #word or line:sub(col - #word + 1, col) ~= word then
    return -- the item is not what was inserted before the cursor
  end
  local after = replaced_after(line:sub(col + 1))
  if word == new_text and after == 0 then
    return
  end
  local start = col - #word
  vim.api.nvim_buf_set_text(0, row - 1, start, row - 1, col + after, { new_text })
  vim.api.nvim_win_set_cursor(0, { row, start + #new_text })
end

--- A buffer-local 'completeopt' without insertion while the user's is Neovim's default;
--- none (again) once the user has set one.
function M.local_completeopt(buf)
  local ok, info = pcall(vim.api.nvim_get_option_info2, 'completeopt', {})
  if not ok or not info.global_local then
    return -- Neovim 0.10: 'completeopt' is global only; the README says what to set
  end
  local own = vim.bo[buf].completeopt
  if vim.go.completeopt == info.default then
    if own == '' then
      vim.bo[buf].completeopt = M.completeopt
    end
  elseif own == M.completeopt then
    vim.bo[buf].completeopt = ''
  end
end

--- Installs the CompleteDone fix and the 'completeopt' above on buffers that vaultls
--- attaches to (once).
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
      M.local_completeopt(args.buf)
      vim.api.nvim_create_autocmd('CompleteDone', {
        group = group,
        buffer = args.buf,
        callback = M.complete_done,
        desc = 'vaultls: complete the whole link whichever way an item was taken',
      })
      vim.api.nvim_create_autocmd('InsertEnter', {
        group = group,
        buffer = args.buf,
        callback = function(ev)
          M.local_completeopt(ev.buf)
        end,
        desc = "vaultls: no automatic insertion in 'completeopt' unless the user set one",
      })
    end,
  })
end

return M
