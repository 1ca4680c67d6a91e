--- The client-side half of the link graph: `vaultls.showReferences`, the command of the
--- server's code lenses ("3 backlinks", "1 link"), puts the Locations it carries in the
--- quickfix list and opens it, as `vim.lsp.buf.references()` does.
local M = {}

--- @param command lsp.Command arguments: { uri, position, locations }
--- @param ctx table the handler context (`client_id`, `bufnr`)
function M.show_references(command, ctx)
  local args = command.arguments or {}
  local locations = type(args[3]) == 'table' and args[3] or {}
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  local encoding = client and client.offset_encoding or 'utf-16'
  local items = vim.lsp.util.locations_to_items(locations, encoding)
  vim.fn.setqflist({}, ' ', { title = 'vaultls: ' .. (command.title or 'references'), items = items })
  if #items > 0 then
    vim.cmd('botright copen')
  else
    vim.notify('vaultls: no links', vim.log.levels.INFO)
  end
end

return M
