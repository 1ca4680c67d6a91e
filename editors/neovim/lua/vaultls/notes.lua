--- Daily notes and notes from templates: `:VaultlsToday [day]` and `:VaultlsNew {title} [template]`.
--- Each asks the server (`vaultls.openDailyNote`, `vaultls.newNote`); the server sends one
--- workspace edit that creates the note with its template, then window/showDocument opens it.
--- Neovim applies such an edit to a buffer it neither writes nor creates on disk (a CreateFile
--- with ignoreIfExists only adds a buffer), so once the server answers that it created the
--- note, the buffer is written here (its folder made first), as "Create note" does
--- (commands.lua). Works with Neovim 0.10 and 0.11 (both answer applyEdit and showDocument).
local M = {}

--- The vaultls client of the current buffer, else the first one running.
local function client()
  local clients = vim.lsp.get_clients({ name = 'vaultls', bufnr = 0 })
  if #clients == 0 then
    clients = vim.lsp.get_clients({ name = 'vaultls' })
  end
  return clients[1]
end

local function request(c, params, handler)
  if vim.fn.has('nvim-0.11') == 1 then
    return c:request('workspace/executeCommand', params, handler, 0)
  end
  return c.request('workspace/executeCommand', params, handler, 0)
end

local function request_sync(c, params)
  if vim.fn.has('nvim-0.11') == 1 then
    return c:request_sync('workspace/executeCommand', params, 2000, 0)
  end
  return c.request_sync('workspace/executeCommand', params, 2000, 0)
end

--- Writes the buffer of a note the server just created (see the module's comment).
local function write_created(uri)
  local fname = vim.uri_to_fname(uri)
  local buf = vim.fn.bufnr(fname)
  if buf == -1 or not vim.api.nvim_buf_is_loaded(buf) or vim.fn.filereadable(fname) == 1 then
    return
  end
  local n = vim.api.nvim_buf_line_count(buf)
  if n > 1 and vim.api.nvim_buf_get_lines(buf, n - 1, n, false)[1] == '' then
    -- The template ends with a newline: Neovim keeps it as an empty last line ('eol' adds one).
    vim.api.nvim_buf_set_lines(buf, n - 1, n, false, {})
  end
  vim.fn.mkdir(vim.fs.dirname(fname), 'p')
  local ok, err = pcall(vim.api.nvim_buf_call, buf, function()
    vim.cmd('silent write')
  end)
  if not ok then
    vim.notify('vaultls: could not write ' .. fname .. ': ' .. tostring(err), vim.log.levels.ERROR)
  end
end

--- Runs a server command that makes a note; `done(result)` is called with its answer.
local function run(command, arguments, done)
  local c = client()
  if not c then
    vim.notify('vaultls: no vaultls server is running (open a note of a vault first)', vim.log.levels.WARN)
    return
  end
  if c.root_dir then
    table.insert(arguments, vim.uri_from_fname(c.root_dir))
  end
  request(c, { command = command, arguments = arguments }, function(err, result)
    if err then
      vim.notify('vaultls: ' .. command .. ' failed: ' .. tostring(err.message or err), vim.log.levels.ERROR)
    elseif type(result) == 'table' and result.created and type(result.uri) == 'string' then
      write_created(result.uri)
    end
    if done then
      done(result)
    end
  end)
end

--- `:VaultlsToday [day]`: day is an offset (`1`, `-1`), a date (`2026-12-24`) or a word (`tomorrow`).
function M.today(day, done)
  local arg = (day == nil or day == '') and 0 or (tonumber(day) or day)
  run('vaultls.openDailyNote', { arg }, done)
end

--- The template names the server knows (for completion and to tell a template from a title word).
function M.templates()
  local c = client()
  if not c then
    return {}
  end
  local answer = request_sync(c, { command = 'vaultls.listTemplates', arguments = { c.root_dir and vim.uri_from_fname(c.root_dir) or nil } })
  return answer and type(answer.result) == 'table' and answer.result or {}
end

--- `:VaultlsNew {title} [template]`: the last word is the template when one has that name.
function M.new(fargs, done)
  local words = vim.deepcopy(fargs)
  local template = nil
  if #words > 1 and vim.tbl_contains(M.templates(), words[#words]) then
    template = table.remove(words)
  end
  local wanted = { title = table.concat(words, ' ') }
  if template then
    wanted.template = template
  end
  run('vaultls.newNote', { wanted }, done)
end

--- Defines the two commands (called from commands.lua).
function M.create()
  vim.api.nvim_create_user_command('VaultlsToday', function(args)
    M.today(args.args)
  end, { nargs = '?', desc = "vaultls: open (create) today's daily note, or another day's" })
  vim.api.nvim_create_user_command('VaultlsNew', function(args)
    M.new(args.fargs)
  end, {
    nargs = '+',
    complete = function(lead, line)
      if #vim.split(vim.trim(line), '%s+') < 2 then
        return {}
      end
      return vim.tbl_filter(function(name)
        return name:find(lead, 1, true) == 1
      end, M.templates())
    end,
    desc = 'vaultls: a new note {title} from [template]',
  })
end

return M
