--- `:VaultlsGraph [local [depth]]`: the vault's link graph as one self-contained html page
--- (`vaultls graph --format html`, run as :VaultlsCheck runs `vaultls check`: the server's
--- command, in a folder outside the vault), written to a temporary file and opened with
--- `vim.ui.open` (the system's browser). `local`: the graph of the current note, `depth` links
--- around it (default 1). The page shows the notes as they are on disk.
local config = require('vaultls.config')
local check = require('vaultls.check')

local M = {}

local function notify(msg, level)
  vim.notify('vaultls: ' .. msg, level or vim.log.levels.INFO)
end

--- The `vaultls graph` command line: the server command without its `serve`.
---@param root string the vault, absolute
---@param out string the html file to write
---@param note string? absolute path of the note of a local graph
---@param depth integer?
---@return string[]
function M.graph_cmd(root, out, note, depth)
  local cmd = config.current().cmd
  if type(cmd) ~= 'table' or #cmd == 0 then
    cmd = config.defaults.cmd
  end
  cmd = vim.list_extend({}, cmd)
  if cmd[#cmd] == 'serve' then
    table.remove(cmd)
  end
  vim.list_extend(cmd, { 'graph', root, '--format', 'html', '-o', out })
  if note then
    vim.list_extend(cmd, { '--note', note, '--depth', tostring(depth or 1) })
  end
  return cmd
end

--- Writes the page and opens it; `opts.on_done(path)` is called with the file written (nil
--- when it failed), after `vim.ui.open` was asked to open it.
---@param opts { local_graph: boolean?, depth: integer?, on_done: fun(path: string?)? }?
function M.open(opts)
  opts = opts or {}
  local done = opts.on_done or function() end
  local bufnr = vim.api.nvim_get_current_buf()
  local root = check.current_root(bufnr)
  if not root then
    notify('no vault found for this buffer', vim.log.levels.ERROR)
    return done(nil)
  end
  root = vim.fs.normalize(vim.fn.fnamemodify(root, ':p'))
  local note ---@type string?
  if opts.local_graph then
    local name = vim.api.nvim_buf_get_name(bufnr)
    if name == '' or not name:lower():match('%.md$') then
      notify('the local graph is of a note: open one first', vim.log.levels.ERROR)
      return done(nil)
    end
    note = vim.fs.normalize(vim.fn.fnamemodify(name, ':p'))
  end
  local out = vim.fn.tempname() .. '.html'
  local cmd = M.graph_cmd(root, out, note, opts.depth)
  if vim.fn.executable(cmd[1]) ~= 1 then
    notify(('%s is not executable (see :checkhealth vaultls)'):format(cmd[1]), vim.log.levels.ERROR)
    return done(nil)
  end
  local ok_spawn, err = pcall(vim.system, cmd, { text = true, cwd = config.safe_cwd() }, function(res)
    vim.schedule(function()
      if res.code ~= 0 then
        local msg = vim.trim(res.stderr or '')
        notify(('graph failed (exit %d): %s'):format(res.code, msg ~= '' and msg or table.concat(cmd, ' ')), vim.log.levels.ERROR)
        return done(nil)
      end
      local _, open_err = vim.ui.open(out)
      if open_err then
        notify(('wrote %s, but could not open it: %s'):format(out, open_err), vim.log.levels.WARN)
      end
      done(out)
    end)
  end)
  if not ok_spawn then
    notify(tostring(err), vim.log.levels.ERROR)
    done(nil)
  end
end

--- Defines :VaultlsGraph (called from commands.lua).
function M.create()
  vim.api.nvim_create_user_command('VaultlsGraph', function(args)
    local which, depth = args.fargs[1], tonumber(args.fargs[2] or '')
    if which ~= nil and which ~= 'local' then
      return notify('usage: :VaultlsGraph [local [depth]]', vim.log.levels.ERROR)
    end
    M.open({ local_graph = which == 'local', depth = depth })
  end, {
    nargs = '*',
    complete = function()
      return { 'local' }
    end,
    desc = 'vaultls: open the link graph (of the vault, or `local`: of this note) in the browser',
  })
end

return M
