--- The running vaultls clients: start one for a buffer with vim.lsp.start() (the 0.10
--- route, and how `:VaultlsRestart` re-attaches buffers on every version), list them,
--- restart them.
local config = require('vaultls.config')

local M = {}

local has_011 = vim.fn.has('nvim-0.11') == 1

local function notify(msg, level)
  vim.notify('vaultls: ' .. msg, level or vim.log.levels.INFO)
end

-- Client methods are called with `:` from 0.11 on; 0.10 has closures called with `.`.
local function client_stop(client, force)
  if has_011 then
    client:stop(force)
  else
    client.stop(force)
  end
end

--- Starts (or reuses) a client for `bufnr` with vim.lsp.start(), the root_dir resolved:
--- the configuration's own (a folder, or a function as vim.lsp.config allows), else the
--- vault root found from its root_markers.
---@param bufnr integer
---@param cfg table? default: the configuration in force (vaultls.config.current())
function M.start(bufnr, cfg)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not vim.api.nvim_buf_is_valid(bufnr) or vim.bo[bufnr].buftype ~= '' then
    return
  end
  if vim.api.nvim_buf_get_name(bufnr) == '' then
    return
  end
  cfg = vim.deepcopy(cfg or config.current())
  cfg.name = cfg.name or config.name
  local function go(root)
    cfg.root_dir = root
    vim.lsp.start(cfg, { bufnr = bufnr })
  end
  if type(cfg.root_dir) == 'function' then
    cfg.root_dir(bufnr, function(root)
      vim.schedule(function()
        go(root)
      end)
    end)
  elseif type(cfg.root_dir) == 'string' then
    go(cfg.root_dir)
  else
    go(config.find_root(bufnr, cfg.root_markers))
  end
end

---@param filter table? as for vim.lsp.get_clients(), the name being vaultls
---@return table[] running vaultls clients
function M.clients(filter)
  filter = vim.tbl_extend('force', { name = config.name }, filter or {})
  return vim.lsp.get_clients(filter)
end

--- Stops every vaultls client and starts it again for the buffers it served.
---@param on_done fun(client_ids: integer[])?
function M.restart(on_done)
  local clients = M.clients()
  local bufs = {}
  for _, client in ipairs(clients) do
    for buf in pairs(client.attached_buffers or {}) do
      bufs[buf] = true
    end
  end
  local cur = vim.api.nvim_get_current_buf()
  local fts = (config.options or config.defaults).filetypes
  if vim.tbl_contains(fts, vim.bo[cur].filetype) then
    bufs[cur] = true
  end
  for _, client in ipairs(clients) do
    client_stop(client)
  end

  local function restart_bufs()
    local cfg = config.current()
    for buf in pairs(bufs) do
      if vim.api.nvim_buf_is_valid(buf) and vim.api.nvim_buf_is_loaded(buf) then
        M.start(buf, cfg)
      end
    end
    local ids = vim.tbl_map(function(c)
      return c.id
    end, M.clients())
    if #ids > 0 then
      notify('restarted')
    end
    if on_done then
      on_done(ids)
    end
  end

  -- Wait for the old servers to exit (forced after 2 s) before starting new ones: a client
  -- leaves vim.lsp.get_clients() at once, but its process takes a moment to go.
  local waited = 0
  local timer = assert(vim.uv.new_timer())
  timer:start(0, 50, vim.schedule_wrap(function()
    local alive = vim.tbl_filter(function(c)
      return vim.lsp.get_client_by_id(c.id) ~= nil
    end, clients)
    if #alive == 0 or waited >= 3000 then
      timer:stop()
      timer:close()
      restart_bufs()
      return
    end
    waited = waited + 50
    if waited == 2000 then
      for _, c in ipairs(alive) do
        client_stop(c, true)
      end
    end
  end))
end

return M
