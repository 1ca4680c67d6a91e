--- :checkhealth vaultls
local M = {}

local health = vim.health

--- The buffer :checkhealth was started from (it opens its own buffer first).
local function origin_buffer()
  local alt = vim.fn.bufnr('#')
  if alt > 0 and vim.api.nvim_buf_is_valid(alt) and vim.bo[alt].buftype == '' then
    return alt
  end
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    local buf = vim.api.nvim_win_get_buf(win)
    if vim.bo[buf].buftype == '' and vim.api.nvim_buf_get_name(buf) ~= '' then
      return buf
    end
  end
  return nil
end

--- How the `vaultls` at `exe` was installed: pipx, uv tool, a venv (editable from a checkout
--- or not), or neither (pip into a Python's own site-packages). Returns a kind and a detail.
function M.install_kind(exe)
  local real = vim.uv.fs_realpath(exe) or exe
  local function has(pattern)
    return real:find(pattern) ~= nil or exe:find(pattern) ~= nil
  end
  local prefix = vim.fs.dirname(vim.fs.dirname(real))
  local venv = vim.uv.fs_stat(prefix .. '/pyvenv.cfg') ~= nil
  if has('[/\\]pipx[/\\]venvs[/\\]') then
    return 'pipx', 'pipx venv ' .. prefix .. ' (upgrade: pipx upgrade vaultls, or pipx install --force <source>)'
  elseif has('[/\\]uv[/\\]tools[/\\]') then
    return 'uv', 'uv tool ' .. prefix .. ' (upgrade: uv tool install --reinstall <source>)'
  elseif venv then
    local editable = nil
    for _, file in ipairs(vim.fn.glob(prefix .. '/lib*/python*/site-packages/vaultls-*.dist-info/direct_url.json', false, true)) do
      local ok, info = pcall(vim.json.decode, table.concat(vim.fn.readfile(file), '\n'))
      if ok and type(info) == 'table' and type(info.dir_info) == 'table' and info.dir_info.editable then
        editable = info.url
      end
    end
    if editable then
      return 'venv', ('venv %s, editable install of %s (pip install -e)'):format(prefix, editable)
    end
    return 'venv', 'venv ' .. prefix
  end
  return 'PATH', 'not in a venv (pip install into that Python, or a system package): ' .. real
end

function M.check()
  health.start('vaultls: Neovim')
  local v = vim.version()
  local version = ('%d.%d.%d'):format(v.major, v.minor, v.patch)
  if vim.fn.has('nvim-0.11') == 1 then
    health.ok('Neovim ' .. version .. ' (vim.lsp.config + vim.lsp.enable)')
  elseif vim.fn.has('nvim-0.10') == 1 then
    health.ok('Neovim ' .. version .. ' (FileType autocommand + vim.lsp.start)')
  else
    health.error('Neovim ' .. version .. ': vaultls needs 0.10 or newer')
    return
  end

  local vaultls = require('vaultls')
  health.start('vaultls: server')
  local config = vaultls.current_config()
  local cmd = config.cmd
  if type(cmd) ~= 'table' or #cmd == 0 then
    health.warn('the server command is not a list; cannot check it', { 'Set cmd = { "vaultls", "serve" }' })
  else
    health.info('command: ' .. table.concat(cmd, ' '))
    local exe = cmd[1]
    if vim.fn.executable(exe) ~= 1 then
      health.error(('`%s` is not executable'):format(exe), {
        'Install the server (vaultls is not on PyPI yet): pipx install git+https://github.com/vaultls/vaultls',
        'or uv tool install git+https://github.com/vaultls/vaultls, or from a clone: pipx install /path/to/vaultls',
        "Or point setup({ cmd = { '/path/to/vaultls', 'serve' } }) at it",
      })
    else
      local version_cmd = vim.list_extend({}, cmd)
      if version_cmd[#version_cmd] == 'serve' then
        table.remove(version_cmd)
      end
      table.insert(version_cmd, '--version')
      local ok, res = pcall(function()
        return vim.system(version_cmd, { text = true, cwd = vaultls.safe_cwd() }):wait(5000)
      end)
      if ok and res.code == 0 then
        local path = vim.fn.exepath(exe)
        health.ok(('`%s` found: %s (%s)'):format(exe, vim.trim(res.stdout or ''), path))
        local _, detail = M.install_kind(path)
        health.info('installed with: ' .. detail)
      else
        local err = ok and vim.trim((res.stderr or '') .. (res.stdout or '')) or tostring(res)
        health.error(('`%s --version` failed: %s'):format(table.concat(version_cmd, ' '), err))
      end
    end
  end

  health.start('vaultls: vault')
  local buf = origin_buffer()
  if not buf then
    health.info('no file buffer: open a note to see its vault root')
  else
    local name = vim.api.nvim_buf_get_name(buf)
    local root = vaultls.find_root(buf, config.root_markers)
    if root then
      health.ok(('vault root of %s: %s'):format(vim.fn.fnamemodify(name, ':~:.'), root))
    else
      health.warn(('no vault root for %s'):format(name), {
        'root markers: ' .. table.concat(config.root_markers or {}, ', '),
        'Create a .vaultls.toml (or .obsidian/) at the top of the vault',
      })
    end
  end
  local clients = vaultls.clients()
  if #clients == 0 then
    health.info('no vaultls client is running')
  end
  for _, client in ipairs(clients) do
    health.ok(
      ('client %d: root %s, position encoding %s, %d %s'):format(
        client.id,
        client.root_dir or '(none)',
        client.offset_encoding or '?',
        vim.tbl_count(client.attached_buffers or {}),
        vim.tbl_count(client.attached_buffers or {}) == 1 and 'buffer' or 'buffers'
      )
    )
  end
end

return M
