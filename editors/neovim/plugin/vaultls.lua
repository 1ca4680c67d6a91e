-- Commands for vaultls; the language server itself starts from require('vaultls').setup()
-- or from vim.lsp.enable('vaultls') with lsp/vaultls.lua.
if vim.g.loaded_vaultls then
  return
end
vim.g.loaded_vaultls = true

if vim.fn.has('nvim-0.10') == 0 then
  return
end

-- Cheap: require('vaultls') only defines functions.
require('vaultls').create_commands()
require('vaultls').create_autocmds()
