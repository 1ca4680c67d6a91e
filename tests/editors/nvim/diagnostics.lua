-- A dangling link gets a `dangling-link` diagnostic; fixing the link clears it.
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  H.init()
  local buf = H.open(os.getenv('VAULTLS_T_NOTE'))
  H.attach(buf)
  local lnum = tonumber(os.getenv('VAULTLS_T_LINE'))
  local dangling, fix = os.getenv('VAULTLS_T_DANGLING'), os.getenv('VAULTLS_T_FIX')
  local function on_line()
    return vim.tbl_filter(function(x)
      return x.lnum == lnum
    end, H.diags(buf, 'dangling-link'))[1]
  end
  local d = H.wait('a dangling-link diagnostic on line ' .. lnum, on_line)
  local line = H.line(buf, lnum)
  local start = line:find('[[' .. dangling, 1, true)
  H.truthy(d.col >= start - 1 and d.col <= start - 1 + 2, ('diagnostic column %d at [[ (byte %d)'):format(d.col, start - 1))
  H.eq(vim.diagnostic.severity.WARN, d.severity, 'default severity')
  -- Fix the link: point it at an existing note.
  local fixed = line:gsub(vim.pesc('[[' .. dangling), '[[' .. fix, 1)
  H.set_lines(buf, lnum, lnum + 1, { fixed })
  H.wait('the dangling-link diagnostic to clear', function()
    return not on_line()
  end)
  -- Break it again: it comes back (the fix was seen as an edit, not a fluke).
  H.set_lines(buf, lnum, lnum + 1, { line })
  H.wait('the dangling-link diagnostic to return', on_line)
end)
