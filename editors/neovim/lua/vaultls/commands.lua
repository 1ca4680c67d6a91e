--- The user commands :VaultlsCheck [dir] and :VaultlsRestart.
local M = {}

--- Defines the commands (done by setup() and by plugin/vaultls.lua).
function M.create()
  vim.api.nvim_create_user_command('VaultlsCheck', function(args)
    require('vaultls').check({ root = args.args })
  end, { nargs = '?', complete = 'dir', desc = 'vaultls: check the vault, fill the quickfix list' })
  vim.api.nvim_create_user_command('VaultlsRestart', function()
    require('vaultls').restart()
  end, { nargs = 0, desc = 'vaultls: restart the language server' })
end

return M
