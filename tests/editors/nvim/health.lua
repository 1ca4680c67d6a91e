-- :checkhealth vaultls reports the Neovim version, the server and its version, the vault root.
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  H.init()
  local buf = H.open(os.getenv('VAULTLS_T_NOTE'))
  H.attach(buf)
  vim.cmd('checkhealth vaultls')
  local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  H.out(text)
  local v = vim.version()
  for _, want in ipairs({
    ('Neovim %d.%d.%d'):format(v.major, v.minor, v.patch),
    'vaultls 0.1.0',
    'vault root of',
    H.vault,
  }) do
    H.truthy(text:find(want, 1, true), ('%q in the health report'):format(want))
  end
  H.truthy(not text:find('ERROR', 1, true), 'no ERROR in the health report')
end)
