-- What a route hands to vim.lsp.start, and that it works: the pytest side runs this once on
-- the 0.11 route (setup() -> vim.lsp.config + vim.lsp.enable) and once on the 0.10 route
-- (setup() without vim.lsp.config/enable: FileType autocommand + vim.lsp.start; see
-- H.as_neovim_010) and compares the two reports, written as JSON to $VAULTLS_T_OUT:
--   started     the configuration of the first vim.lsp.start() call (spied on)
--   registered  vim.lsp.config.vaultls as resolved (0.11 route only)
--   root_dir    the attached client's root
-- The client must attach, call setup()'s on_attach, and complete `[[` with the target note.
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  H.spy_lsp_start()
  local attached = {}
  H.init({
    on_attach = function(client, bufnr)
      attached[#attached + 1] = { client = client.id, buf = bufnr }
    end,
  })
  local buf = H.open(os.getenv('VAULTLS_T_NOTE'))
  local client = H.attach(buf)
  H.eq({ { client = client.id, buf = buf } }, attached, "setup()'s on_attach calls")
  H.truthy(#H.started >= 1, 'a vim.lsp.start() call')

  local lnum = tonumber(os.getenv('VAULTLS_T_LINE'))
  local params = H.params_at(client, buf, lnum, #H.line(buf, lnum)) -- after `[[`
  local labels = H.labels(H.items(H.request(client, 'textDocument/completion', params, buf)))
  local target = os.getenv('VAULTLS_T_TARGET')
  H.truthy(vim.tbl_contains(labels, target), ('%q among the completion labels %s'):format(target, vim.inspect(labels)))

  local report = {
    route = H.route,
    started = H.jsonable(H.started[1].config),
    starts = #H.started,
    registered = vim.lsp.config and H.jsonable(vim.lsp.config.vaultls) or vim.NIL,
    root_dir = client.root_dir,
    cmd_cwd = client.config.cmd_cwd,
  }
  local f = assert(io.open(os.getenv('VAULTLS_T_OUT'), 'w'))
  f:write(vim.json.encode(report))
  f:close()
  H.out(('route=%s starts=%d root=%s completion items=%d'):format(H.route, #H.started, client.root_dir, #labels))
end)
