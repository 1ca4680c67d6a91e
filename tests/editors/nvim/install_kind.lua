-- :checkhealth names how vaultls was installed, from where the command lives: fake installs
-- laid out as pipx, uv tool, a venv and a plain pip install make them.
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  vim.opt.runtimepath:prepend(H.plugin)
  local health = require('vaultls.health')
  local root = vim.fn.tempname()
  local function install(prefix, venv)
    vim.fn.mkdir(root .. '/' .. prefix .. '/bin', 'p')
    vim.fn.writefile({ '#!/bin/sh' }, root .. '/' .. prefix .. '/bin/vaultls')
    if venv then
      vim.fn.writefile({ 'home = /usr/bin' }, root .. '/' .. prefix .. '/pyvenv.cfg')
    end
    return root .. '/' .. prefix .. '/bin/vaultls'
  end
  -- pipx and uv link the command into ~/.local/bin.
  vim.fn.mkdir(root .. '/home/.local/bin', 'p')
  local pipx_link = root .. '/home/.local/bin/vaultls'
  assert(vim.uv.fs_symlink(install('home/.local/share/pipx/venvs/vaultls', true), pipx_link))
  local uv_link = root .. '/home/.local/bin/vaultls-uv'
  assert(vim.uv.fs_symlink(install('home/.local/share/uv/tools/vaultls', true), uv_link))
  for _, case in ipairs({
    { pipx_link, 'pipx' },
    { uv_link, 'uv' },
    { install('project/.venv', true), 'venv' },
    { install('usr/local', false), 'PATH' },
  }) do
    local kind, detail = health.install_kind(case[1])
    H.out(('%s: %s (%s)'):format(case[1], kind, detail))
    H.eq(case[2], kind, 'install kind of ' .. case[1])
  end
end)
