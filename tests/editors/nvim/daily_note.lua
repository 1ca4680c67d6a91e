-- :VaultlsToday (issue 21): today's daily note is created from the vault's daily template
-- (examples/vault: Daily/, Templates/Daily.md), written to disk and opened; no buffer is left
-- modified. Then :VaultlsToday again only opens it, and :VaultlsNew makes a note from a template.
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  H.init()
  local buf = H.open(os.getenv('VAULTLS_T_NOTE'))
  H.attach(buf)
  local today = os.date('%Y-%m-%d')
  local created = vim.fs.normalize(H.path('Daily/' .. today .. '.md'))
  H.eq(0, vim.fn.filereadable(created), created .. ' before :VaultlsToday')
  vim.cmd('VaultlsToday')
  H.wait("today's note to open", function()
    return vim.fs.normalize(vim.api.nvim_buf_get_name(0)) == created
  end)
  H.wait("today's note on disk", function()
    return vim.fn.filereadable(created) == 1 and vim.fn.getfsize(created) > 0
  end)
  local file = H.truthy(io.open(created, 'r'), created .. ' on disk')
  local text = file:read('*a')
  file:close()
  H.truthy(text:find('# ' .. today .. '\n', 1, true), 'the title heading in ' .. text)
  H.truthy(text:find("created: '" .. today .. "'\n", 1, true), 'the filled created property in ' .. text)
  H.truthy(text:find('## Tasks', 1, true), 'the template body in ' .. text)
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    H.eq(false, vim.bo[b].modified, 'modified flag of ' .. vim.api.nvim_buf_get_name(b))
  end

  -- Again from another note: it is only shown, as it is.
  vim.cmd('edit ' .. vim.fn.fnameescape(H.path(os.getenv('VAULTLS_T_NOTE'))))
  vim.cmd('VaultlsToday')
  H.wait("today's note to open again", function()
    return vim.fs.normalize(vim.api.nvim_buf_get_name(0)) == created
  end)
  local again = io.open(created, 'r')
  H.eq(text, again:read('*a'), 'the note after a second :VaultlsToday')
  again:close()

  -- :VaultlsNew {title} [template]
  local person = vim.fs.normalize(H.path('Ada Lovelace.md'))
  vim.cmd('VaultlsNew Ada Lovelace Daily')
  H.wait('the new note to open', function()
    return vim.fs.normalize(vim.api.nvim_buf_get_name(0)) == person
  end)
  H.wait('the new note on disk', function()
    return vim.fn.filereadable(person) == 1 and vim.fn.getfsize(person) > 0
  end)
  local new = io.open(person, 'r')
  H.truthy(new:read('*a'):find('# Ada Lovelace\n', 1, true), 'the title in the new note')
  new:close()
end)
