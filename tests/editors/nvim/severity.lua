-- Settings passed to setup() reach the server: the dangling link's severity follows them.
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  H.init()
  local buf = H.open(os.getenv('VAULTLS_T_NOTE'))
  H.attach(buf)
  local want = vim.diagnostic.severity[os.getenv('VAULTLS_T_SEVERITY')]
  H.wait('a dangling-link diagnostic with severity ' .. os.getenv('VAULTLS_T_SEVERITY'), function()
    local d = H.diags(buf, 'dangling-link')[1]
    return d and d.severity == want
  end)
end)
