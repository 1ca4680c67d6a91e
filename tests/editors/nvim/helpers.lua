-- Shared helpers for the headless Neovim tests, run by tests/editors/test_neovim.py as
--   `nvim --headless -u NONE -i NONE -l tests/editors/nvim/<test>.lua`
-- or, for tests that type keys (typeahead needs Neovim's main loop, which `-l` never
-- enters), with VAULTLS_LOOP=1 as
--   `nvim --headless -u NONE -i NONE -c 'luafile tests/editors/nvim/<test>.lua'`
-- where the test body runs in a coroutine and H.wait() yields to the main loop.
-- A script loads this file with dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua').
--
-- Environment set by the pytest side:
--   VAULTLS_TEST_VAULT   the copy of examples/vault to work on
--   VAULTLS_NVIM_PLUGIN  editors/neovim (put on 'runtimepath')
--   VAULTLS_ROUTE        setup | enable | legacy (how the server is configured; legacy is
--                        setup() on the 0.10 route: see H.as_neovim_010)
--   VAULTLS_SETTINGS     optional JSON: settings passed to setup()
local H = {}

H.vault = assert(os.getenv('VAULTLS_TEST_VAULT'), 'VAULTLS_TEST_VAULT not set')
H.plugin = assert(os.getenv('VAULTLS_NVIM_PLUGIN'), 'VAULTLS_NVIM_PLUGIN not set')
H.route = os.getenv('VAULTLS_ROUTE') or 'setup'
H.timeout = tonumber(os.getenv('VAULTLS_WAIT_MS') or '') or 10000

local function out(s)
  io.stdout:write(s, '\n')
  io.stdout:flush()
end
H.out = out

--- Everything worth seeing when a test fails.
function H.dump_state()
  out('--- :messages')
  local ok, msgs = pcall(vim.api.nvim_exec2, 'messages', { output = true })
  out(ok and msgs.output or tostring(msgs))
  out('--- notifications')
  for _, n in ipairs(H.notifications) do
    out(('[%s] %s'):format(n.level or '?', n.msg))
  end
  out('--- buffers')
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(b) then
      out(('%d %s ft=%s'):format(b, vim.api.nvim_buf_get_name(b), vim.bo[b].filetype))
    end
  end
  out('--- current buffer lines')
  for i, l in ipairs(vim.api.nvim_buf_get_lines(0, 0, 40, false)) do
    out(('%3d| %s'):format(i - 1, l))
  end
  out('--- diagnostics')
  for _, d in ipairs(vim.diagnostic.get()) do
    out(('%s:%d:%d %s [%s/%s]'):format(vim.api.nvim_buf_get_name(d.bufnr), d.lnum, d.col, d.message, tostring(d.source), tostring(d.code)))
  end
  out('--- clients')
  for _, c in ipairs(vim.lsp.get_clients()) do
    out(('%d %s root=%s enc=%s stopped=%s'):format(c.id, c.name, tostring(c.root_dir), tostring(c.offset_encoding), tostring(c:is_stopped())))
  end
  out('--- quickfix')
  out(vim.inspect(vim.fn.getqflist({ title = 1, items = 1 })))
end

--- Notifications are recorded (and printed) so that tests can look at them.
H.notifications = {}
vim.notify = function(msg, level)
  table.insert(H.notifications, { msg = msg, level = level })
  out(('notify[%s]: %s'):format(tostring(level), msg))
end

H.loop = os.getenv('VAULTLS_LOOP') == '1'

local function finish(ok, err)
  if ok then
    out('OK')
    H.stop_clients()
    os.exit(0)
  end
  out('FAIL: ' .. tostring(err))
  H.dump_state()
  os.exit(1)
end

--- Runs the test body; exits 0 on success, 1 (after dumping the state) on any error.
function H.run(body)
  if not H.loop then
    return finish(xpcall(body, debug.traceback))
  end
  -- Main-loop mode: the body is a coroutine; a watchdog ends a test that hangs.
  vim.defer_fn(function()
    finish(false, 'watchdog: the test did not finish in ' .. (2 * H.timeout) .. ' ms')
  end, 2 * H.timeout)
  local co = coroutine.create(function()
    finish(xpcall(body, debug.traceback))
  end)
  vim.schedule(function()
    local ok, err = coroutine.resume(co)
    if not ok then
      finish(false, err)
    end
  end)
end

function H.stop_clients()
  for _, c in ipairs(vim.lsp.get_clients()) do
    c:stop(true)
  end
end

--- Waits for cond() to return a truthy value; errors with `what` on timeout. In a coroutine
--- (main-loop mode) it yields between polls, so that typed keys get processed.
function H.wait(what, cond, ms)
  ms = ms or H.timeout
  local co = coroutine.running()
  if co then
    local deadline = vim.uv.now() + ms
    while true do
      local result = cond()
      if result then
        return result
      end
      if vim.uv.now() > deadline then
        error('timed out waiting for ' .. what, 2)
      end
      vim.defer_fn(function()
        local ok, err = coroutine.resume(co)
        if not ok then
          finish(false, err)
        end
      end, 20)
      coroutine.yield()
    end
  end
  local result
  local ok = vim.wait(ms, function()
    result = cond()
    return result and true or false
  end, 20)
  if not ok then
    error('timed out waiting for ' .. what, 2)
  end
  return result
end

function H.eq(expected, actual, what)
  if not vim.deep_equal(expected, actual) then
    error(('%s: expected %s, got %s'):format(what or 'value', vim.inspect(expected), vim.inspect(actual)), 2)
  end
end

function H.truthy(v, what)
  if not v then
    error((what or 'value') .. ' is false/nil', 2)
  end
  return v
end

--- Makes this Neovim 0.11 look like 0.10 to the plugin, for the rest of the run: no
--- vim.lsp.config, no vim.lsp.enable (both new in 0.11). setup() then takes the 0.10 route
--- (FileType autocommand + vim.lsp.start). Only the route: the rest of 0.11 stays as it is
--- (client methods, vim.str_byteindex's signature).
function H.as_neovim_010()
  vim.lsp.config, vim.lsp.enable = nil, nil
  assert(vim.lsp.config == nil and vim.lsp.enable == nil, 'vim.lsp.config/enable still there')
end

--- Records every vim.lsp.start(config, opts) call (a deep copy of both) in H.started, then
--- starts as usual. Both routes end in it: vim.lsp.enable (0.11) and the plugin's FileType
--- autocommand (0.10).
H.started = {}
function H.spy_lsp_start()
  local start = vim.lsp.start
  vim.lsp.start = function(config, opts)
    table.insert(H.started, { config = vim.deepcopy(config), opts = vim.deepcopy(opts) })
    return start(config, opts)
  end
end

--- A copy of `v` that vim.json.encode() takes: functions become '<function>'; an empty
--- vim.empty_dict() stays one (encoded {}), a plain empty table is encoded [].
function H.jsonable(v)
  if type(v) == 'function' then
    return '<function>'
  end
  if type(v) ~= 'table' then
    return v
  end
  local copy = getmetatable(v) == getmetatable(vim.empty_dict()) and vim.empty_dict() or {}
  for k, x in pairs(v) do
    copy[k] = H.jsonable(x)
  end
  return copy
end

--- Lays out the editor the way a user's config would: filetype detection on,
--- editors/neovim on 'runtimepath', the LSP log under $XDG_STATE_HOME, then the route.
function H.init(opts)
  opts = opts or {}
  vim.cmd('filetype on')
  vim.opt.runtimepath:prepend(H.plugin)
  vim.lsp.log.set_level(vim.log.levels.DEBUG)
  local route = opts.route or H.route
  local settings = os.getenv('VAULTLS_SETTINGS')
  settings = settings and settings ~= '' and vim.json.decode(settings) or nil
  local setup_opts = { settings = settings, capabilities = opts.capabilities, on_attach = opts.on_attach }
  if route == 'setup' then
    require('vaultls').setup(setup_opts)
  elseif route == 'legacy' then
    H.as_neovim_010()
    require('vaultls').setup(setup_opts)
  elseif route == 'enable' then
    -- No setup(): lsp/vaultls.lua from 'runtimepath' and plugin/vaultls.lua's commands.
    if settings or opts.capabilities then
      vim.lsp.config('vaultls', { settings = settings and { vaultls = settings }, capabilities = opts.capabilities })
    end
    vim.cmd('runtime plugin/vaultls.lua')
    vim.lsp.enable('vaultls')
  else
    error('unknown route ' .. route)
  end
  vim.cmd.cd(H.vault)
end

function H.path(rel)
  return H.vault .. '/' .. rel
end

--- Opens a note of the vault in the current window; returns its buffer.
function H.open(rel)
  vim.cmd.edit(vim.fn.fnameescape(H.path(rel)))
  local buf = vim.api.nvim_get_current_buf()
  H.eq('markdown', vim.bo[buf].filetype, 'filetype of ' .. rel)
  return buf
end

--- Waits until a vaultls client is attached to `buf` and initialized; returns it.
function H.attach(buf)
  buf = buf or vim.api.nvim_get_current_buf()
  return H.wait('vaultls to attach to buffer ' .. buf, function()
    local c = vim.lsp.get_clients({ bufnr = buf, name = 'vaultls' })[1]
    return c and c.initialized and c or nil
  end)
end

--- A synchronous request; errors on an LSP error or a timeout.
function H.request(client, method, params, buf)
  local resp, err = client:request_sync(method, params, H.timeout, buf or 0)
  if not resp then
    error(('%s: no response (%s)'):format(method, tostring(err)), 2)
  end
  if resp.err then
    error(('%s: error %s'):format(method, vim.inspect(resp.err)), 2)
  end
  return resp.result
end

--- Sets the cursor (1-based line, 0-based byte column) in the current window.
function H.cursor(line, col)
  vim.api.nvim_win_set_cursor(0, { line, col })
end

--- Position params for the cursor, in the client's position encoding.
function H.pos_params(client)
  return vim.lsp.util.make_position_params(0, client.offset_encoding)
end

--- TextDocumentPositionParams for (0-based line, 0-based byte column) of `buf`, the column
--- converted to the client's position encoding. Unlike the cursor in normal mode, the
--- column may be at the end of the line (where insert mode would be).
function H.params_at(client, buf, lnum, bytecol)
  local line = H.line(buf, lnum)
  return {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = lnum, character = vim.str_utfindex(line, client.offset_encoding, bytecol, false) },
  }
end

--- Replaces the lines [first, last) (0-based) of `buf`; an edit the server sees.
function H.set_lines(buf, first, last, lines)
  vim.api.nvim_buf_set_lines(buf, first, last, false, lines)
end

--- Appends a line at the end of `buf`; returns its 0-based line number.
function H.append(buf, line)
  local n = vim.api.nvim_buf_line_count(buf)
  local last = vim.api.nvim_buf_get_lines(buf, n - 1, n, false)[1]
  if n == 1 and last == '' then
    H.set_lines(buf, 0, 1, { line })
    return 0
  end
  H.set_lines(buf, n, n, { line })
  return n
end

--- vaultls diagnostics of `buf` with a given code.
function H.diags(buf, code)
  return vim.tbl_filter(function(d)
    return d.source == 'vaultls' and (code == nil or d.code == code)
  end, vim.diagnostic.get(buf))
end

--- Completion items (list) from a CompletionList or CompletionItem[] result.
function H.items(result)
  if result == nil then
    return {}
  end
  return result.items or result
end

function H.labels(items)
  local labels = {}
  for _, it in ipairs(items) do
    labels[#labels + 1] = it.label
  end
  table.sort(labels)
  return labels
end

--- Applies a completion item's textEdit (TextEdit or InsertReplaceEdit) to `buf`.
function H.apply_completion(client, buf, item)
  local te = H.truthy(item.textEdit, 'textEdit of ' .. item.label)
  local edit = { range = te.range or te.replace, newText = te.newText }
  vim.lsp.util.apply_text_edits({ edit }, buf, client.offset_encoding)
  if item.additionalTextEdits then
    vim.lsp.util.apply_text_edits(item.additionalTextEdits, buf, client.offset_encoding)
  end
end

function H.line(buf, lnum0)
  return vim.api.nvim_buf_get_lines(buf, lnum0, lnum0 + 1, true)[1]
end

return H
