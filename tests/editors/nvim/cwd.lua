-- The server and :VaultlsCheck run with a working folder outside the vault (a vault may come
-- from a stranger), and the quickfix list still names the vault's files. The pytest side puts
-- a `vaultls` first on PATH that logs its working folder and arguments, then runs the real one.
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  H.init()
  -- Neovim itself sits in the vault (H.init cds there), as when started from it.
  H.eq(vim.fs.normalize(H.vault), vim.fs.normalize(assert(vim.uv.cwd())), 'cwd of Neovim')
  local buf = H.open(os.getenv('VAULTLS_T_NOTE'))
  local client = H.attach(buf)
  H.out('cmd_cwd=' .. tostring(client.config.cmd_cwd))
  local before = vim.fn.getqflist({ id = 0 }).id
  vim.cmd('VaultlsCheck')
  local qf = H.wait('the quickfix list', function()
    local q = vim.fn.getqflist({ id = 0, items = 1 })
    return q.id ~= before and q or nil
  end)
  H.truthy(#qf.items > 0, 'quickfix items')
  local want = vim.fs.normalize(H.path(os.getenv('VAULTLS_T_NOTE')))
  local found = false
  for _, it in ipairs(qf.items) do
    local name = vim.fs.normalize(vim.api.nvim_buf_get_name(it.bufnr))
    H.truthy(vim.uv.fs_stat(name), 'an existing file in the quickfix list: ' .. name)
    found = found or name == want
  end
  H.truthy(found, 'a quickfix item for ' .. want)
  -- Jumping to the first item opens a file of the vault.
  vim.cmd('cfirst')
  local jumped = vim.fs.normalize(vim.api.nvim_buf_get_name(0))
  H.truthy(vim.startswith(jumped, vim.fs.normalize(H.vault) .. '/'), 'jumped into the vault: ' .. jumped)
end)
