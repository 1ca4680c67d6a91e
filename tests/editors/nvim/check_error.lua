-- Exit status 2 (usage error) from `vaultls check` is reported as an error message and
-- leaves the quickfix list alone. The command is a stand-in that exits 2.
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  H.init({ route = 'enable' })
  vim.lsp.config('vaultls', { cmd = { 'sh', '-c', 'echo "usage: vaultls check PATH" >&2; exit 2', 'serve' } })
  vim.fn.setqflist({}, ' ', { title = 'untouched' })
  local done
  require('vaultls').check({ root = H.vault, on_done = function(ok) done = { ok } end })
  H.wait('the check to finish', function() return done end)
  H.eq(false, done[1], 'check result')
  H.eq('untouched', vim.fn.getqflist({ title = 1 }).title, 'quickfix title')
  local n = H.notifications[#H.notifications]
  H.truthy(n and n.level == vim.log.levels.ERROR, 'an error notification')
  H.truthy(n.msg:find('exit 2', 1, true) and n.msg:find('usage: vaultls check', 1, true), 'message: ' .. n.msg)
  -- And the command form with a folder that is no vault root still reports, never throws.
  vim.cmd('VaultlsCheck ' .. vim.fn.fnameescape(H.vault))
  H.wait('the second notification', function() return #H.notifications >= 2 end)
end)
