-- "Create note" on a dangling link (vim.lsp.buf.code_action): the note is written to disk at
-- the vault root (Obsidian's default place) and opened, and no buffer is left modified (`:q`
-- would fail with E162 on a hidden, unsaved one).
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  H.init()
  local buf = H.open(os.getenv('VAULTLS_T_NOTE'))
  H.attach(buf)
  local lnum = tonumber(os.getenv('VAULTLS_T_LINE'))
  local dangling = os.getenv('VAULTLS_T_DANGLING')
  local created = vim.fs.normalize(H.path(dangling .. '.md'))
  H.wait('a dangling-link diagnostic on line ' .. lnum, function()
    return vim.tbl_filter(function(d)
      return d.lnum == lnum
    end, H.diags(buf, 'dangling-link'))[1]
  end)
  H.cursor(lnum + 1, H.line(buf, lnum):find('[[' .. dangling, 1, true) + 2)
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action)
      -- the plain one; "Create note … from template …" is offered beside it
      return action.title == 'Create note ' .. dangling .. '.md'
    end,
  })
  H.wait('the new note to open', function()
    return vim.fs.normalize(vim.api.nvim_buf_get_name(0)) == created
  end)
  local file = H.truthy(io.open(created, 'r'), created .. ' on disk')
  local text = file:read('*a')
  file:close()
  H.eq('# ' .. dangling .. '\n', text, 'the new note on disk')
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    H.eq(false, vim.bo[b].modified, 'modified flag of ' .. vim.api.nvim_buf_get_name(b))
  end
  H.eq(true, vim.bo.buflisted, 'the new note is a listed buffer')
end)
