--- The LSP client configuration of vaultls, one table for both routes: setup() hands it to
--- vim.lsp.config() on Neovim 0.11+ and to vim.lsp.start() (root_dir resolved per buffer)
--- on 0.10. Also the state of the last setup() call, and the helpers the configuration
--- needs: the client capabilities, the working folder, the vault root.
local M = {}

M.name = 'vaultls'

--- Defaults, also used by `:VaultlsCheck` when setup() was never called.
M.defaults = {
  cmd = { 'vaultls', 'serve' },
  filetypes = { 'markdown' },
  root_markers = { '.obsidian', '.vaultls.toml', '.git' },
  settings = nil,
  init_options = nil,
  capabilities = nil,
  on_attach = nil,
  cmd_cwd = nil,
}

--- The options of the last setup() call, merged over the defaults (nil before).
M.options = nil

--- How the last setup() started the server: 'config' (vim.lsp.config + vim.lsp.enable) or
--- 'start' (FileType autocommand + vim.lsp.start); nil before setup().
M.route = nil

--- Whether this Neovim has vim.lsp.config and vim.lsp.enable (0.11+).
---@return boolean
function M.has_lsp_config()
  return vim.lsp.config ~= nil and vim.lsp.enable ~= nil
end

--- Client capabilities: Neovim's defaults with file watching turned on (Neovim leaves
--- `workspace.didChangeWatchedFiles.dynamicRegistration` off on Linux), then `extra`.
---@param extra table?
---@return table
function M.capabilities(extra)
  local caps = vim.lsp.protocol.make_client_capabilities()
  caps = vim.tbl_deep_extend('force', caps, {
    workspace = { didChangeWatchedFiles = { dynamicRegistration = true } },
  })
  if extra then
    caps = vim.tbl_deep_extend('force', caps, extra)
  end
  return caps
end

--- A working folder outside any vault for the processes vaultls starts: `stdpath('cache')`
--- /vaultls (made, private, when missing), else the temporary folder.
---@return string
function M.safe_cwd()
  local dir = vim.fs.normalize(vim.fn.stdpath('cache') .. '/vaultls')
  if vim.fn.isdirectory(dir) == 0 then
    pcall(vim.fn.mkdir, dir, 'p', tonumber('700', 8))
  end
  if vim.fn.isdirectory(dir) == 1 then
    return dir
  end
  return vim.uv.os_tmpdir() or '/'
end

--- The vault root for a buffer or path: the nearest folder, walking up, that holds the
--- first of `markers` found (so `.obsidian` wins over an enclosing repository's `.git`).
--- The same search as vim.lsp.enable's `root_markers` on 0.11.
---@param source integer|string buffer number or path
---@param markers string[]?
---@return string?
function M.find_root(source, markers)
  markers = markers or (M.options and M.options.root_markers) or M.defaults.root_markers
  local path
  if type(source) == 'number' then
    if not vim.api.nvim_buf_is_valid(source) or vim.bo[source].buftype ~= '' then
      return nil
    end
    path = vim.api.nvim_buf_get_name(source)
    if path == '' then
      return nil
    end
  else
    path = source
  end
  path = vim.fn.fnamemodify(path, ':p')
  local start = vim.fn.isdirectory(path) == 1 and path or vim.fn.fnamemodify(path, ':h')
  for _, marker in ipairs(markers) do
    local found = vim.fs.find(marker, { upward = true, path = start, limit = 1 })
    if found[1] then
      return vim.fs.dirname(found[1])
    end
  end
  return nil
end

local function copy_list(t)
  return t and vim.list_extend({}, t) or nil
end

--- The client configuration for the options `opts` (setup()'s, merged over the defaults):
--- name, cmd, cmd_cwd, filetypes, root_markers, settings, init_options, capabilities,
--- on_attach. No root_dir: vim.lsp.enable finds it from root_markers (0.11), and the 0.10
--- route resolves it per buffer (vaultls.client.start).
---@param opts table
---@return table
function M.build(opts)
  local settings = opts.settings
  local init_options = opts.init_options
  if init_options == nil and settings ~= nil and next(settings) ~= nil then
    init_options = vim.deepcopy(settings)
  end
  return {
    name = M.name,
    cmd = copy_list(opts.cmd),
    filetypes = copy_list(opts.filetypes),
    root_markers = copy_list(opts.root_markers),
    -- vim.empty_dict(): an empty section goes out as {} rather than [].
    settings = { vaultls = (settings and next(settings)) and vim.deepcopy(settings) or vim.empty_dict() },
    init_options = init_options,
    capabilities = M.capabilities(opts.capabilities),
    on_attach = opts.on_attach,
    cmd_cwd = opts.cmd_cwd or M.safe_cwd(),
  }
end

--- The LSP configuration in force: vim.lsp.config's (0.11 route, or no setup() at all on
--- 0.11), else the one built from setup()'s options (0.10 route) or the defaults.
---@return table
function M.current()
  if M.route ~= 'start' and M.has_lsp_config() then
    local cfg = vim.lsp.config[M.name]
    if cfg then
      return cfg
    end
  end
  return M.build(M.options or M.defaults)
end

return M
