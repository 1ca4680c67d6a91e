--- `:VaultlsCheck`: runs `vaultls check --format json` on the vault and fills the quickfix
--- list with its problems (absolute file names, byte columns).
local config = require('vaultls.config')
local client = require('vaultls.client')

local M = {}

local has_011 = vim.fn.has('nvim-0.11') == 1

local function notify(msg, level)
  vim.notify('vaultls: ' .. msg, level or vim.log.levels.INFO)
end

--- The vault root for `:VaultlsCheck`: the running client's root for the current buffer,
--- else the markers' root of the buffer, else of the current directory.
---@param bufnr integer?
---@return string?
function M.current_root(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  for _, c in ipairs(client.clients({ bufnr = bufnr })) do
    if c.root_dir then
      return c.root_dir
    end
    local folders = c.workspace_folders
    if folders and folders[1] then
      return vim.uri_to_fname(folders[1].uri)
    end
  end
  local markers = config.current().root_markers
  return config.find_root(bufnr, markers) or config.find_root(assert(vim.uv.cwd()), markers)
end

--- The `vaultls check` command line: the server command without its `serve`.
---@param root string
---@return string[]
function M.check_cmd(root)
  local cmd = config.current().cmd
  if type(cmd) ~= 'table' or #cmd == 0 then
    cmd = config.defaults.cmd
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
  local ok_spawn, err = pcall(vim.system, cmd, { text = true, cwd = config.safe_cwd() }, function(res)
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

return M
