--- The user commands :VaultlsCheck [dir] and :VaultlsRestart, and the client-side half of the
--- server command `vaultls.openNote`.
local M = {}

--- "Create note" is a code action whose edit creates the note (a CreateFile and its first
--- line) and whose command `vaultls.openNote` then asks the server to show it. Neovim applies
--- such an edit to a buffer that is neither written nor shown: the file is not on disk, and
--- `:q` fails with E162 on the hidden, modified buffer. So before the command goes to the
--- server, the note's buffer is written (its folder made first, as Obsidian makes it); the
--- server then answers with window/showDocument, which opens it.
---@param command lsp.Command
---@param ctx table the handler context (`client_id`, `bufnr`)
function M.open_note(command, ctx)
  local uri = command.arguments and command.arguments[1]
  if type(uri) == 'string' and uri:match('^file:') then
    local fname = vim.uri_to_fname(uri)
    local buf = vim.fn.bufnr(fname)
    if buf ~= -1 and vim.api.nvim_buf_is_loaded(buf) and vim.bo[buf].modified then
      local n = vim.api.nvim_buf_line_count(buf)
      if vim.fn.filereadable(fname) == 0 and n > 1 and vim.api.nvim_buf_get_lines(buf, n - 1, n, false)[1] == '' then
        -- The edit's text ends with a newline, which Neovim keeps as an empty last line and
        -- would write as a second one ('eol' adds the first).
        vim.api.nvim_buf_set_lines(buf, n - 1, n, false, {})
      end
      vim.fn.mkdir(vim.fs.dirname(fname), 'p')
      local ok, err = pcall(vim.api.nvim_buf_call, buf, function()
        vim.cmd('silent write')
      end)
      if not ok then
        vim.notify('vaultls: could not write ' .. fname .. ': ' .. tostring(err), vim.log.levels.ERROR)
      end
    end
  end
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if client then
    local params = { command = command.command, arguments = command.arguments }
    if vim.fn.has('nvim-0.11') == 1 then
      client:request('workspace/executeCommand', params, nil, ctx.bufnr)
    else
      client.request('workspace/executeCommand', params, nil, ctx.bufnr)
    end
  end
end

--- Defines the commands (done by setup() and by plugin/vaultls.lua).
function M.create()
  vim.api.nvim_create_user_command('VaultlsCheck', function(args)
    require('vaultls').check({ root = args.args })
  end, { nargs = '?', complete = 'dir', desc = 'vaultls: check the vault, fill the quickfix list' })
  vim.api.nvim_create_user_command('VaultlsRestart', function()
    require('vaultls').restart()
  end, { nargs = 0, desc = 'vaultls: restart the language server' })
  vim.lsp.commands['vaultls.openNote'] = M.open_note
  vim.lsp.commands['vaultls.showReferences'] = require('vaultls.link_graph').show_references
  require('vaultls.highlights').setup()
  require('vaultls.notes').create() -- :VaultlsToday, :VaultlsNew (notes.lua)
  require('vaultls.graph').create() -- :VaultlsGraph [local [depth]] (graph.lua)
  require('vaultls.mentions').create() -- :VaultlsMentions (mentions.lua)
end

return M
