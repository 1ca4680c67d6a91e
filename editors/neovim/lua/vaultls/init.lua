--- vaultls for Neovim: language server set-up, `:VaultlsCheck`, `:VaultlsRestart`.
---
--- require('vaultls').setup({
---   cmd = { 'vaultls', 'serve' },                 -- how to start the server
---   filetypes = { 'markdown' },
---   root_markers = { '.obsidian', '.vaultls.toml', '.git' },
---   settings = { diagnostics = { danglingLinks = 'warning' } }, -- no `vaultls` key here
---   capabilities = {},                            -- merged over Neovim's defaults
---   on_attach = function(client, bufnr) end,
---   cmd_cwd = nil,                                -- the server's working folder (default below)
--- })
---
--- On Neovim 0.11+ this is `vim.lsp.config('vaultls', ...)` + `vim.lsp.enable('vaultls')`;
--- on 0.10 a FileType autocommand calls `vim.lsp.start()` with the vault root found from
--- `root_markers`.
---
--- The server and `vaultls check` run with a working folder outside the vault (`safe_cwd()`:
--- Neovim's cache folder), not Neovim's default, the folder Neovim was started in (usually
--- the vault): a vault may come from a stranger, and no program should pick up files from it
--- by being started inside it. `vaultls check` is given the vault's absolute path.

local M = {}

M.name = 'vaultls'

local has_011 = vim.fn.has('nvim-0.11') == 1
local has_010 = vim.fn.has('nvim-0.10') == 1

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

--- The options of the last setup() call (nil before).
M.options = nil

--- true when setup() chose the FileType autocommand + vim.lsp.start() route.
M._legacy = false

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

local function copy_list(t)
  return t and vim.list_extend({}, t) or nil
end

--- The vault root for a buffer or path: the nearest folder, walking up, that holds the
--- first of `markers` found (so `.obsidian` wins over an enclosing repository's `.git`).
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

--- The configuration given to the LSP client by setup().
---@param opts table
---@return table
local function lsp_config(opts)
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

--- The LSP configuration in force: vim.lsp.config's (0.11) or setup()'s (0.10).
---@return table
function M.current_config()
  if has_011 and not M._legacy then
    local cfg = vim.lsp.config[M.name]
    if cfg then
      return cfg
    end
  end
  return lsp_config(M.options or M.defaults)
end

--- Starts (or reuses) a client for `bufnr` with vim.lsp.start(): the 0.10 route, and how
--- `:VaultlsRestart` re-attaches buffers on every version.
---@param bufnr integer
---@param config table?
function M.start(bufnr, config)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not vim.api.nvim_buf_is_valid(bufnr) or vim.bo[bufnr].buftype ~= '' then
    return
  end
  if vim.api.nvim_buf_get_name(bufnr) == '' then
    return
  end
  config = vim.deepcopy(config or M.current_config())
  config.name = config.name or M.name
  local function go(root)
    config.root_dir = root
    vim.lsp.start(config, { bufnr = bufnr })
  end
  if type(config.root_dir) == 'function' then
    config.root_dir(bufnr, function(root)
      vim.schedule(function()
        go(root)
      end)
    end)
  elseif type(config.root_dir) == 'string' then
    go(config.root_dir)
  else
    go(M.find_root(bufnr, config.root_markers))
  end
end

--- Set up vaultls. See the top of this file for the options.
---@param opts table?
function M.setup(opts)
  if not has_010 then
    notify('Neovim 0.10 or newer is needed', vim.log.levels.ERROR)
    return
  end
  opts = opts or {}
  local merged = vim.deepcopy(M.defaults)
  for k, v in pairs(opts) do
    merged[k] = v
  end
  M.options = merged
  -- `_legacy = true` takes the 0.10 route on 0.11 too (used by the tests).
  M._legacy = not has_011 or opts._legacy == true

  local config = lsp_config(merged)
  if not M._legacy then
    config.name = nil
    vim.lsp.config(M.name, config)
    vim.lsp.enable(M.name)
  else
    local group = vim.api.nvim_create_augroup('vaultls', { clear = true })
    vim.api.nvim_create_autocmd('FileType', {
      group = group,
      pattern = merged.filetypes,
      callback = function(args)
        M.start(args.buf, config)
      end,
      desc = 'vaultls: start or attach the language server',
    })
    -- Buffers opened before setup().
    for _, buf in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(buf) and vim.tbl_contains(merged.filetypes, vim.bo[buf].filetype) then
        M.start(buf, config)
      end
    end
  end
  M.create_commands()
  M.create_autocmds()
end

---@return table[] running vaultls clients
function M.clients(filter)
  filter = vim.tbl_extend('force', { name = M.name }, filter or {})
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
  local fts = (M.options or M.defaults).filetypes
  if vim.tbl_contains(fts, vim.bo[cur].filetype) then
    bufs[cur] = true
  end
  for _, client in ipairs(clients) do
    client_stop(client)
  end

  local function restart_bufs()
    local config = M.current_config()
    for buf in pairs(bufs) do
      if vim.api.nvim_buf_is_valid(buf) and vim.api.nvim_buf_is_loaded(buf) then
        M.start(buf, config)
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

--- The vault root for `:VaultlsCheck`: the running client's root for the current buffer,
--- else the markers' root of the buffer, else of the current directory.
---@return string?
function M.current_root(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  for _, client in ipairs(M.clients({ bufnr = bufnr })) do
    if client.root_dir then
      return client.root_dir
    end
    local folders = client.workspace_folders
    if folders and folders[1] then
      return vim.uri_to_fname(folders[1].uri)
    end
  end
  local markers = M.current_config().root_markers
  return M.find_root(bufnr, markers) or M.find_root(assert(vim.uv.cwd()), markers)
end

--- The `vaultls check` command line: the server command without its `serve`.
---@param root string
---@return string[]
function M.check_cmd(root)
  local cmd = M.current_config().cmd
  if type(cmd) ~= 'table' or #cmd == 0 then
    cmd = M.defaults.cmd
  end
  cmd = vim.list_extend({}, cmd)
  if cmd[#cmd] == 'serve' then
    table.remove(cmd)
  end
  return vim.list_extend(cmd, { 'check', root, '--format', 'json' })
end

local qf_type = { error = 'E', warning = 'W', information = 'I', info = 'I', hint = 'N' }

--- UTF-16 column (what `vaultls check` prints) to a byte column.
---@param line string?
---@param col integer
---@return integer
local function byte_col(line, col)
  if not line or col <= 0 then
    return math.max(col, 0)
  end
  local ok, res
  if has_011 then
    ok, res = pcall(vim.str_byteindex, line, 'utf-16', col, false)
  else
    ok, res = pcall(vim.str_byteindex, line, col, true)
  end
  if ok and res then
    return res
  end
  return #line
end

--- Quickfix items from the JSON that `vaultls check --format json` prints.
---@param root string
---@param problems table[]
---@return table[]
function M.quickfix_items(root, problems)
  local lines_cache = {}
  local function line_of(fname, lnum)
    local lines = lines_cache[fname]
    if not lines then
      local buf = vim.fn.bufnr(fname)
      if buf ~= -1 and vim.api.nvim_buf_is_loaded(buf) then
        lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
      elseif vim.fn.filereadable(fname) == 1 then
        lines = vim.fn.readfile(fname)
      else
        lines = {}
      end
      lines_cache[fname] = lines
    end
    return lines[lnum + 1]
  end

  -- `path` is relative to the vault root that `vaultls check` found from `root`: the same
  -- folder, unless `root` is a repository inside a vault (then it is a parent).
  local function resolve(rel)
    local dir = root
    while dir do
      local fname = vim.fs.normalize(dir .. '/' .. rel)
      if vim.uv.fs_stat(fname) then
        return fname
      end
      local parent = vim.fs.dirname(dir)
      dir = parent ~= dir and parent or nil
    end
    return vim.fs.normalize(root .. '/' .. rel)
  end

  local items = {}
  for _, p in ipairs(problems) do
    local fname = resolve(p.path)
    local s = p.range and p.range.start or { line = 0, character = 0 }
    local e = p.range and p.range['end'] or s
    local text = p.message or ''
    if p.code and p.code ~= vim.NIL then
      text = ('%s [%s]'):format(text, p.code)
    end
    items[#items + 1] = {
      filename = fname,
      lnum = s.line + 1,
      col = byte_col(line_of(fname, s.line), s.character) + 1,
      end_lnum = e.line + 1,
      end_col = byte_col(line_of(fname, e.line), e.character) + 1,
      type = qf_type[p.severity] or '',
      text = text,
    }
  end
  return items
end

--- Runs `vaultls check --format json` on the vault and fills the quickfix list.
---@param opts { root: string?, open: boolean?, on_done: fun(ok: boolean, items: table[]?)? }?
function M.check(opts)
  opts = opts or {}
  local done = opts.on_done or function() end
  local root = opts.root and opts.root ~= '' and vim.fn.fnamemodify(opts.root, ':p') or M.current_root()
  if not root then
    notify('no vault found for this buffer (give a folder: :VaultlsCheck {dir})', vim.log.levels.ERROR)
    return done(false)
  end
  -- Absolute: `vaultls check` runs outside the vault (`safe_cwd()`).
  root = vim.fs.normalize(vim.fn.fnamemodify(root, ':p'))
  local cmd = M.check_cmd(root)
  if vim.fn.executable(cmd[1]) ~= 1 then
    notify(('%s is not executable (see :checkhealth vaultls)'):format(cmd[1]), vim.log.levels.ERROR)
    return done(false)
  end
  local title = 'vaultls check ' .. root
  local ok_spawn, err = pcall(vim.system, cmd, { text = true, cwd = M.safe_cwd() }, function(res)
    vim.schedule(function()
      if res.code ~= 0 and res.code ~= 1 then
        local msg = vim.trim(res.stderr or '')
        notify(('check failed (exit %d): %s'):format(res.code, msg ~= '' and msg or table.concat(cmd, ' ')), vim.log.levels.ERROR)
        return done(false)
      end
      local ok, problems = pcall(vim.json.decode, res.stdout or '', { luanil = { object = true, array = true } })
      if not ok or type(problems) ~= 'table' then
        notify('could not read the output of ' .. table.concat(cmd, ' '), vim.log.levels.ERROR)
        return done(false)
      end
      local items = M.quickfix_items(root, problems)
      vim.fn.setqflist({}, ' ', { title = title, items = items })
      if opts.open ~= false then
        if #items > 0 then
          vim.cmd('botright copen')
        else
          notify('no problems in ' .. root)
        end
      end
      done(true, items)
    end)
  end)
  if not ok_spawn then
    notify(tostring(err), vim.log.levels.ERROR)
    return done(false)
  end
end

--- Neovim 0.11's built-in completion (vim.lsp.completion) inserts only the first word of an
--- item's plain-text textEdit (neovim/neovim#37949, fixed later), so accepting
--- `Permanent Revolution]]` gives `[[Permanent`. After an accepted vaultls item this puts in
--- the rest of the edit. It does nothing when the whole text was inserted (a fixed Neovim,
--- or a completion plugin such as nvim-cmp or blink.cmp that applies the edit itself).
function M._complete_done()
  if vim.v.event and vim.v.event.reason and vim.v.event.reason ~= 'accept' then
    return
  end
  local done = vim.v.completed_item
  local lsp_data = type(done) == 'table' and type(done.user_data) == 'table' and vim.tbl_get(done.user_data, 'nvim', 'lsp')
  if type(lsp_data) ~= 'table' or type(lsp_data.completion_item) ~= 'table' then
    return
  end
  local client = vim.lsp.get_client_by_id(lsp_data.client_id)
  local item = lsp_data.completion_item
  if not client or client.name ~= M.name or item.insertTextFormat == 2 or type(item.textEdit) ~= 'table' then
    return
  end
  local word, new_text = done.word or '', item.textEdit.newText or ''
  if word == '' or word == new_text or new_text:sub(1, #word) ~= word or new_text:find('\n') then
    return
  end
  local row, col = unpack(vim.api.nvim_win_get_cursor(0))
  local line = vim.api.nvim_get_current_line()
  if line:sub(col - #word + 1, col) ~= word then
    return
  end
  local rest = new_text:sub(#word + 1)
  vim.api.nvim_buf_set_text(0, row - 1, col, row - 1, col, { rest })
  vim.api.nvim_win_set_cursor(0, { row, col + #rest })
end

--- Installs the CompleteDone fix above on buffers that vaultls attaches to (once).
function M.create_autocmds()
  local group = vim.api.nvim_create_augroup('vaultls.completion', { clear = true })
  vim.api.nvim_create_autocmd('LspAttach', {
    group = group,
    callback = function(args)
      local client = vim.lsp.get_client_by_id(args.data and args.data.client_id or -1)
      if not client or client.name ~= M.name or vim.b[args.buf].vaultls_complete_done then
        return
      end
      vim.b[args.buf].vaultls_complete_done = true
      vim.api.nvim_create_autocmd('CompleteDone', {
        group = group,
        buffer = args.buf,
        callback = M._complete_done,
        desc = 'vaultls: complete multi-word note names (vim.lsp.completion in Neovim 0.11)',
      })
    end,
  })
end

--- Defines :VaultlsCheck [dir] and :VaultlsRestart (also done by plugin/vaultls.lua).
function M.create_commands()
  vim.api.nvim_create_user_command('VaultlsCheck', function(args)
    M.check({ root = args.args })
  end, { nargs = '?', complete = 'dir', desc = 'vaultls: check the vault, fill the quickfix list' })
  vim.api.nvim_create_user_command('VaultlsRestart', function()
    M.restart()
  end, { nargs = 0, desc = 'vaultls: restart the language server' })
end

return M
