--- `:VaultlsMentions`: the unlinked mentions of the current note (where other notes of the vault
--- name it in plain text, by its name or an alias, without a link) in the quickfix list. The
--- server finds them (`vaultls.unlinkedMentions`); on each one, the code action "Link to
--- [[Name]]" (`vim.lsp.buf.code_action()`) links it, and on the note's title or frontmatter
--- "Link all N unlinked mentions of this note" links them all. Works with Neovim 0.10 and 0.11.
local M = {}

--- The vaultls client of buffer `buf`.
local function client_of(buf)
  return vim.lsp.get_clients({ name = 'vaultls', bufnr = buf })[1]
end

--- Fills the quickfix list with `locations` (LSP Locations) and opens it.
local function show(locations, encoding, name)
  local items = vim.lsp.util.locations_to_items(locations, encoding)
  vim.fn.setqflist({}, ' ', { title = 'vaultls: unlinked mentions of ' .. name, items = items })
  if #items > 0 then
    vim.cmd('botright copen')
  else
    vim.notify('vaultls: no unlinked mentions of ' .. name, vim.log.levels.INFO)
  end
end

--- Asks the server for the current note's unlinked mentions and shows them.
function M.mentions()
  local buf = vim.api.nvim_get_current_buf()
  local c = client_of(buf)
  if not c then
    vim.notify('vaultls: no vaultls server for this buffer (open a note of a vault)', vim.log.levels.WARN)
    return
  end
  local name = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(buf), ':t:r')
  local params = { command = 'vaultls.unlinkedMentions', arguments = { vim.uri_from_bufnr(buf) } }
  local function handler(err, result)
    if err then
      vim.notify('vaultls: unlinked mentions failed: ' .. tostring(err.message or err), vim.log.levels.ERROR)
      return
    end
    show(type(result) == 'table' and result or {}, c.offset_encoding or 'utf-16', name)
  end
  if vim.fn.has('nvim-0.11') == 1 then
    c:request('workspace/executeCommand', params, handler, buf)
  else
    c.request('workspace/executeCommand', params, handler, buf)
  end
end

--- Defines :VaultlsMentions.
function M.create()
  vim.api.nvim_create_user_command('VaultlsMentions', M.mentions, {
    nargs = 0,
    desc = 'vaultls: unlinked mentions of this note in the quickfix list',
  })
end

return M
