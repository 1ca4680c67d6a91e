-- :VaultlsRestart stops the client and attaches a new one to the same buffers.
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  H.init()
  local buf = H.open(os.getenv('VAULTLS_T_NOTE'))
  local old = H.attach(buf)
  local old_id = old.id
  local t0 = vim.uv.hrtime()
  vim.cmd('VaultlsRestart')
  H.wait('the old client to exit', function()
    return vim.lsp.get_client_by_id(old_id) == nil
  end)
  H.out(('old client gone after %.0f ms'):format((vim.uv.hrtime() - t0) / 1e6))
  local new = H.wait('a new client on the buffer', function()
    local c = vim.lsp.get_clients({ bufnr = buf, name = 'vaultls' })[1]
    return c and c.id ~= old_id and c.initialized and c or nil
  end)
  H.out(('new client initialized after %.0f ms'):format((vim.uv.hrtime() - t0) / 1e6))
  H.truthy(old:is_stopped(), 'old client stopped')
  H.eq(vim.fs.normalize(H.vault), vim.fs.normalize(new.root_dir), 'root_dir of the new client')
  H.eq(1, #vim.lsp.get_clients({ name = 'vaultls' }), 'one client after restart')
  -- The new client works: diagnostics arrive again.
  H.wait('diagnostics from the new client', function()
    return #vim.diagnostic.get(buf, { namespace = vim.lsp.diagnostic.get_namespace(new.id) }) > 0
  end)
end)
