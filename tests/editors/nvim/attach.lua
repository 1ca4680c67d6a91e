-- The client attaches with the vault as root, sends the file-watcher capability, and the
-- server's dynamic registration of workspace/didChangeWatchedFiles arrives.
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  H.init()
  local buf = H.open(os.getenv('VAULTLS_T_NOTE'))
  local client = H.attach(buf)
  H.eq(vim.fs.normalize(H.vault), vim.fs.normalize(client.root_dir), 'root_dir')
  H.eq(true, vim.tbl_get(client.capabilities, 'workspace', 'didChangeWatchedFiles', 'dynamicRegistration'),
    'didChangeWatchedFiles.dynamicRegistration sent')
  H.truthy(vim.tbl_contains({ 'utf-8', 'utf-16', 'utf-32' }, client.offset_encoding), 'offset encoding')
  H.wait('the server to register workspace/didChangeWatchedFiles', function()
    return client.dynamic_capabilities:get('workspace/didChangeWatchedFiles') ~= nil
  end)
  -- A second note of the same vault reuses the client.
  vim.cmd.edit(vim.fn.fnameescape(H.path(os.getenv('VAULTLS_T_NOTE'))))
  H.eq(1, #vim.lsp.get_clients({ name = 'vaultls' }), 'one client')
  H.out('route=' .. H.route .. ' encoding=' .. client.offset_encoding)
end)
