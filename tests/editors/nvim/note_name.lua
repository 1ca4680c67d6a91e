-- A note with a non-ASCII file name: Neovim sends its URI percent-encoded in lower case
-- (file:///.../%e6%97%a5...). An edit must reach the server like any other: a dangling link
-- typed into it gets a diagnostic, and removing it clears the diagnostic.
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  H.init()
  local buf = H.open(os.getenv('VAULTLS_T_NOTE'))
  H.attach(buf)
  H.out('uri: ' .. vim.uri_from_bufnr(buf))
  local lnum = H.append(buf, 'A new link to [[Nowhere Yet]].')
  H.wait('a dangling-link diagnostic for the typed link', function()
    return vim.tbl_filter(function(d)
      return d.lnum == lnum
    end, H.diags(buf, 'dangling-link'))[1]
  end)
  H.set_lines(buf, lnum, lnum + 1, {})
  H.wait('the diagnostic to clear', function()
    return #H.diags(buf, 'dangling-link') == 0
  end)
end)
