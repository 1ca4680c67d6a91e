-- The README's "Links" snippet, run as written (VAULTLS_T_SNIPPET is the Lua block cut out of
-- editors/neovim/README.md): "N backlinks" shows above the note's title; running the lens
-- (vim.lsp.codelens.run, through the plugin's vaultls.showReferences) fills the quickfix list
-- with those backlinks.
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  H.init()
  dofile(os.getenv('VAULTLS_T_SNIPPET'))
  local buf = H.open(os.getenv('VAULTLS_T_NOTE'))
  H.attach(buf)
  local title_line = tonumber(os.getenv('VAULTLS_T_TITLE_LINE'))
  local expect = os.getenv('VAULTLS_T_EXPECT')
  local lens = H.wait('the resolved code lens above the title', function()
    for _, l in ipairs(vim.lsp.codelens.get(buf)) do
      if l.range.start.line == title_line and l.command and l.command.title ~= '' then
        return l
      end
    end
  end)
  H.eq(expect, lens.command.title, 'lens title')
  H.cursor(title_line + 1, 0)
  local before = vim.fn.getqflist({ id = 0 }).id
  vim.lsp.codelens.run()
  local qf = H.wait('the quickfix list', function()
    local q = vim.fn.getqflist({ id = 0, title = 1, items = 1 })
    return q.id ~= before and q or nil
  end)
  H.eq(tonumber(expect:match('^(%d+)')), #qf.items, 'quickfix items')
  H.truthy(qf.title:find('backlinks', 1, true), 'quickfix title ' .. qf.title)
end)
