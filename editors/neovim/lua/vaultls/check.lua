--- `:VaultlsCheck`: runs `vaultls check --format json` on the vault in the background and fills
--- the quickfix list with its problems (absolute file names, byte columns).
---
--- On a large vault the list has tens of thousands of items: it is built a slice at a time, with
--- Neovim's event loop running in between, so the editor never waits for it. No file is looked
--- up as a buffer (`bufnr()` matches a name against every buffer, and the quickfix list adds one
--- unlisted buffer per file, so a second run used to cost buffers × files); the lines needed to
--- turn UTF-16 columns into byte columns are read from disk, where `vaultls check` read them.
local config = require('vaultls.config')
local client = require('vaultls.client')

local M = {}

local has_011 = vim.fn.has('nvim-0.11') == 1

--- How long one slice of the quickfix list should take, in milliseconds, before the event loop
--- runs again. Adding items to the list costs more the more buffers there are (one per file),
--- so the number of items per slice adapts to what the last slice took.
local SLICE_MS = 15

--- The roots being checked now: a second :VaultlsCheck of one says so until the first is done.
local running = {}

local function notify(msg, level)
  vim.notify('vaultls: ' .. msg, level or vim.log.levels.INFO)
end

--- "1 problem", "2 problems".
---@param n integer
---@param word string
---@return string
local function count(n, word)
  return ('%d %s%s'):format(n, word, n == 1 and '' or 's')
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

--- A converter of problems to quickfix items for one vault root. It keeps the lines of the
--- last file it read (`vaultls check` lists a file's problems together), and only for a file
--- with non-ASCII text: in ASCII text a UTF-16 column is the byte column.
---@param root string
---@param cwd string? the folder `vaultls check` ran in (its `vault` fields are relative to it)
---@return fun(p: table): table
local function item_maker(root, cwd)
  local base ---@type string?
  local last_fname, last_lines ---@type string?, string[]|false|nil
  -- `vault` (the vault root relative to `cwd`) to the absolute root, once per vault. `vaultls
  -- check` made it relative to its real working folder, hence the real path of `cwd`.
  local real_cwd = cwd and (vim.uv.fs_realpath(cwd) or cwd)
  local real_root = vim.fs.normalize(vim.uv.fs_realpath(root) or root)
  local vault_roots = {} ---@type table<string, string>

  local function vault_root(vault)
    local dir = vault_roots[vault]
    if not dir then
      local absolute = vault:sub(1, 1) == '/' or vault:match('^%a:[/\\]') ~= nil
      dir = vim.fs.normalize(vim.fn.simplify(absolute and vault or (real_cwd .. '/' .. vault)))
      -- The checked folder itself keeps the name it was given (not its real path).
      dir = dir == real_root and vim.fs.normalize(root) or dir
      vault_roots[vault] = dir
    end
    return dir
  end

  -- Without a `vault` field (vaultls before 0.2): `path` is relative to the vault root that
  -- `vaultls check` found from `root`: the same folder, unless `root` is a repository inside a
  -- vault (then it is a parent). Found once.
  local function guess(rel)
    if base then
      return vim.fs.normalize(base .. '/' .. rel)
    end
    local dir = root
    while dir do
      local fname = vim.fs.normalize(dir .. '/' .. rel)
      if vim.uv.fs_stat(fname) then
        base = dir
        return fname
      end
      local parent = vim.fs.dirname(dir)
      dir = parent ~= dir and parent or nil
    end
    return vim.fs.normalize(root .. '/' .. rel)
  end

  local function resolve(p)
    if real_cwd and type(p.vault) == 'string' then
      return vault_root(p.vault) .. '/' .. p.path
    end
    return guess(p.path)
  end

  --- The file's lines, or false when its columns need no conversion (ASCII, or unreadable).
  local function lines_of(fname)
    if fname ~= last_fname then
      last_fname, last_lines = fname, false
      local f = io.open(fname, 'rb')
      if f then
        local text = f:read('*a') or ''
        f:close()
        if text:find('[\128-\255]') then
          last_lines = vim.split(text, '\n', { plain = true })
        end
      end
    end
    return last_lines
  end

  return function(p)
    local fname = resolve(p)
    local s = p.range and p.range.start or { line = 0, character = 0 }
    local e = p.range and p.range['end'] or s
    local scol, ecol = s.character, e.character
    local lines = lines_of(fname)
    if lines then
      scol, ecol = byte_col(lines[s.line + 1], scol), byte_col(lines[e.line + 1], ecol)
    end
    local text = p.message or ''
    if p.code and p.code ~= vim.NIL then
      text = ('%s [%s]'):format(text, p.code)
    end
    return {
      filename = fname,
      lnum = s.line + 1,
      col = scol + 1,
      end_lnum = e.line + 1,
      end_col = ecol + 1,
      type = qf_type[p.severity] or '',
      text = text,
    }
  end
end

--- Quickfix items from the JSON that `vaultls check --format json` prints (all at once).
---@param root string
---@param problems table[]
---@param cwd string? the folder `vaultls check` ran in
---@return table[]
function M.quickfix_items(root, problems, cwd)
  local make = item_maker(root, cwd)
  local items = {}
  for i, p in ipairs(problems) do
    items[i] = make(p)
  end
  return items
end

local json_opts = { luanil = { object = true, array = true } }

--- The problems in the output of `vaultls check --format json`, one at a time: next() gives
--- the next problem, nil at the end, and raises on text that is not a problem. The format has
--- one object per line, so a line is decoded when it is needed (decoding the whole output at
--- once holds the editor up on a large vault); any other layout is decoded whole.
---@param text string
---@return fun(): table?
local function problem_reader(text)
  local first = text:match('^%[\n(.-)\n')
  if not (first and first:match('^%s*{.*}%s*,?$')) then
    local ok, problems = pcall(vim.json.decode, text, json_opts)
    if not ok or type(problems) ~= 'table' then
      error('not a JSON array of problems', 0)
    end
    local i = 0
    return function()
      i = i + 1
      return problems[i]
    end
  end
  local pos = 3 -- after "[\n"
  return function()
    while pos <= #text do
      local nl = text:find('\n', pos, true) or #text + 1
      local line = text:sub(pos, nl - 1)
      pos = nl + 1
      local object = line:match('^%s*({.*})%s*,?%s*$')
      if object then
        local problem = vim.json.decode(object, json_opts)
        if type(problem) ~= 'table' then
          error('not a problem: ' .. object, 0)
        end
        return problem
      elseif not line:match('^%s*%]?%s*$') then
        error('not a problem: ' .. line, 0)
      end
    end
    return nil
  end
end

--- Fills a new quickfix list with the problems of `text` (the output of `vaultls check`), a
--- slice at a time with the event loop running in between; then calls done(summary), or
--- fail(message) if the output could not be read.
---@param root string
---@param cwd string the folder `vaultls check` ran in
---@param title string
---@param text string
---@param done fun(summary: { problems: integer, notes: integer, id: integer })
---@param fail fun(message: string)
local function fill_quickfix(root, cwd, title, text, done, fail)
  local ok_reader, next_problem = pcall(problem_reader, text)
  if not ok_reader then
    return fail(tostring(next_problem))
  end
  local make = item_maker(root, cwd)
  local problems, notes, last_path = 0, 0, nil
  local id ---@type integer?
  local limit = 256 -- items in the next slice
  local function slice()
    local started = vim.uv.hrtime()
    local items = {}
    local p = next_problem()
    while p do
      items[#items + 1] = make(p)
      if p.path ~= last_path then
        notes, last_path = notes + 1, p.path
      end
      if #items >= limit then
        break
      end
      p = next_problem()
    end
    problems = problems + #items
    if id == nil then
      vim.fn.setqflist({}, ' ', { title = title, items = items })
      id = vim.fn.getqflist({ id = 0 }).id
    elseif #items > 0 then
      vim.fn.setqflist({}, 'a', { id = id, items = items })
    end
    local took = (vim.uv.hrtime() - started) / 1e6
    if took > 2 * SLICE_MS then
      limit = math.max(16, math.floor(limit / 2))
    elseif took < SLICE_MS / 2 then
      limit = math.min(8192, limit * 2)
    end
    return p == nil
  end
  local function step()
    local ok, finished = pcall(slice)
    if not ok then
      fail('could not read the output of vaultls check: ' .. tostring(finished))
    elseif finished then
      done({ problems = problems, notes = notes, id = id })
    else
      -- A timer, not vim.schedule(): keys typed meanwhile are handled before the next slice.
      vim.defer_fn(step, 0)
    end
  end
  step()
end

--- Runs `vaultls check --format json` on the vault in the background and fills the quickfix
--- list; says "checking…" when it starts and how many problems it found when it is done. The
--- quickfix window opens without taking the cursor (you may be typing by then).
---@param opts { root: string?, open: boolean?, on_done: fun(ok: boolean, summary: { problems: integer, notes: integer, id: integer }?)? }?
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
  if running[root] then
    notify(('still checking %s'):format(root), vim.log.levels.WARN)
    return done(false)
  end
  local cmd = M.check_cmd(root)
  if vim.fn.executable(cmd[1]) ~= 1 then
    notify(('%s is not executable (see :checkhealth vaultls)'):format(cmd[1]), vim.log.levels.ERROR)
    return done(false)
  end
  local title = 'vaultls check ' .. root
  local function finish(ok, summary)
    running[root] = nil
    done(ok, summary)
  end
  local function failed(msg)
    notify(msg, vim.log.levels.ERROR)
    finish(false)
  end
  local function filled(summary)
    if summary.problems == 0 then
      notify('no problems in ' .. root)
      return finish(true, summary)
    end
    local found = count(summary.problems, 'problem')
    vim.fn.setqflist({}, 'a', { id = summary.id, title = ('%s: %s'):format(title, found) })
    notify(('%s in %s'):format(found, count(summary.notes, 'note')))
    if opts.open ~= false then
      local win = vim.api.nvim_get_current_win()
      vim.cmd('botright copen')
      if vim.api.nvim_win_is_valid(win) then
        vim.api.nvim_set_current_win(win)
      end
    end
    finish(true, summary)
  end

  running[root] = true
  notify(('checking %s…'):format(root))
  local cwd = config.safe_cwd()
  local ok_spawn, err = pcall(vim.system, cmd, { text = true, cwd = cwd }, function(res)
    vim.schedule(function()
      if res.code ~= 0 and res.code ~= 1 then
        local msg = vim.trim(res.stderr or '')
        return failed(('check failed (exit %d): %s'):format(res.code, msg ~= '' and msg or table.concat(cmd, ' ')))
      end
      fill_quickfix(root, cwd, title, res.stdout or '', filled, failed)
    end)
  end)
  if not ok_spawn then
    failed(tostring(err))
  end
end

return M
