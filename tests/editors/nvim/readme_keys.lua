-- The README's "Key mappings, diagnostics and indexing progress" snippet, run as written
-- (VAULTLS_T_SNIPPET is the Lua block cut out of editors/neovim/README.md): `gd` is mapped in
-- vaultls buffers and jumps to the linked note, the diagnostic settings are in force, and the
-- statusline shows the server's indexing progress while it indexes.
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  H.init()
  -- The statusline as it is drawn on each progress report (before the snippet's redraw, which
  -- takes the message: vim.lsp.status() gives each message once).
  local shown = {}
  vim.api.nvim_create_autocmd('LspProgress', {
    callback = function()
      shown[#shown + 1] = vim.api.nvim_eval_statusline(vim.o.statusline, { maxwidth = 300 }).str
    end,
  })
  dofile(os.getenv('VAULTLS_T_SNIPPET'))
  local buf = H.open(os.getenv('VAULTLS_T_NOTE'))
  H.attach(buf)
  H.wait('an indexing message in the statusline', function()
    for _, line in ipairs(shown) do
      if line:find('vaultls: indexing', 1, true) then
        H.out('statusline: ' .. line)
        return true
      end
    end
  end)

  local config = vim.diagnostic.config()
  H.truthy(config.virtual_text, 'virtual_text')
  H.eq(true, config.severity_sort, 'severity_sort')

  local gd = vim.fn.maparg('gd', 'n', false, true)
  H.eq(1, gd.buffer, 'gd is a buffer-local mapping')
  H.cursor(tonumber(os.getenv('VAULTLS_T_LINE')) + 1, tonumber(os.getenv('VAULTLS_T_COL')))
  gd.callback()
  local target = vim.fs.normalize(H.path(os.getenv('VAULTLS_T_TARGET')))
  H.wait('gd to open ' .. target, function()
    return vim.fs.normalize(vim.api.nvim_buf_get_name(0)) == target
  end)
end)
