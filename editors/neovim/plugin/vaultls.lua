-- Commands for vaultls; the language server itself starts from require('vaultls').setup()
-- or from vim.lsp.enable('vaultls') with lsp/vaultls.lua.
if vim.g.loaded_vaultls then
  return
end
vim.g.loaded_vaultls = true

if vim.fn.has('nvim-0.10') == 0 then
  return
end

vim.api.nvim_create_user_command('VaultlsCheck', function(args)
  require('vaultls').check({ root = args.args })
end, { nargs = '?', complete = 'dir', desc = 'vaultls: check the vault, fill the quickfix list' })

vim.api.nvim_create_user_command('VaultlsRestart', function()
  require('vaultls').restart()
end, { nargs = 0, desc = 'vaultls: restart the language server' })
