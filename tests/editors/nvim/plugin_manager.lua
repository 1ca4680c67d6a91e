-- Loads the plugin as a plugin manager does from a local clone, then checks it works and that
-- :checkhealth says which vaultls it found and how it was installed.
--   VAULTLS_T_MANAGER=lazy    lazy.nvim's `{ dir = '.../editors/neovim', ft = 'markdown', opts = {} }`:
--                             on the first Markdown buffer the folder goes on 'runtimepath', its
--                             plugin/ files are sourced, setup(opts) is called, and FileType is
--                             triggered again for the buffer
--   VAULTLS_T_MANAGER=packer  packer's `use '/path/to/vaultls/editors/neovim'`: a link in
--                             site/pack/packer/start/, loaded with the start packages
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  local manager = os.getenv('VAULTLS_T_MANAGER')
  vim.cmd('filetype on')
  if manager == 'packer' then
    local start = vim.fn.stdpath('data') .. '/site/pack/packer/start'
    vim.fn.mkdir(start, 'p')
    assert(vim.uv.fs_symlink(H.plugin, start .. '/vaultls'))
    vim.opt.packpath:prepend(vim.fn.stdpath('data') .. '/site')
    vim.cmd('packloadall') -- what Neovim does at startup (skipped here by -u NONE)
    H.truthy(vim.g.loaded_vaultls, 'plugin/vaultls.lua was sourced')
    require('vaultls').setup({})
  end
  vim.cmd.cd(H.vault)
  local buf = H.open(os.getenv('VAULTLS_T_NOTE'))
  if manager == 'lazy' then
    H.truthy(not vim.g.loaded_vaultls, 'nothing loaded before the first Markdown buffer')
    vim.opt.runtimepath:append(H.plugin)
    for _, file in ipairs(vim.fn.glob(H.plugin .. '/plugin/**/*.{vim,lua}', false, true)) do
      vim.cmd.source(file)
    end
    require('vaultls').setup({})
    vim.api.nvim_exec_autocmds('FileType', { buffer = buf, modeline = false })
  end
  H.attach(buf)
  H.eq(2, vim.fn.exists(':VaultlsCheck'), ':VaultlsCheck exists')
  H.eq(2, vim.fn.exists(':VaultlsRestart'), ':VaultlsRestart exists')

  vim.cmd('checkhealth vaultls')
  local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  H.out(text)
  local exe = vim.fn.exepath('vaultls')
  for _, want in ipairs({ 'vaultls 0.1.0 (' .. exe .. ')', 'installed with: venv ' }) do
    H.truthy(text:find(want, 1, true), ('%q in the health report'):format(want))
  end
  H.truthy(not text:find('ERROR', 1, true), 'no ERROR in the health report')
end)
