-- Multi-byte text before links (3-byte CJK characters; an emoji, 4 bytes in UTF-8 and two
-- UTF-16 units): diagnostics land on the right byte columns and a completion edit lands
-- right, whatever position encoding was negotiated.
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  local encodings = os.getenv('VAULTLS_T_ENCODINGS') or ''
  local capabilities = nil
  if encodings ~= '' then
    capabilities = { general = { positionEncodings = vim.split(encodings, ',') } }
  end
  H.init({ capabilities = capabilities })
  local buf = H.open(os.getenv('VAULTLS_T_NOTE'))
  local client = H.attach(buf)
  local lnum = tonumber(os.getenv('VAULTLS_T_LINE'))
  local target = os.getenv('VAULTLS_T_TARGET')

  -- Break two links on the non-ASCII line: `[[X]]` becomes `[[Xzz]]`, which is no note.
  local line = H.line(buf, lnum)
  local broken = {}
  for _, name in ipairs(vim.json.decode(os.getenv('VAULTLS_T_BREAK'))) do
    line = line:gsub(vim.pesc('[[' .. name .. ']]'), '[[' .. name .. 'zz]]', 1)
    broken[#broken + 1] = '[[' .. name .. 'zz]]'
  end
  H.set_lines(buf, lnum, lnum + 1, { line })
  local ds = H.wait(#broken .. ' dangling-link diagnostics on the non-ASCII line', function()
    local found = vim.tbl_filter(function(d)
      return d.lnum == lnum
    end, H.diags(buf, 'dangling-link'))
    return #found == #broken and found or nil
  end)
  table.sort(ds, function(a, b)
    return a.col < b.col
  end)
  for i, link in ipairs(broken) do
    local start = line:find(link, 1, true) - 1 -- byte offset of `[[`
    local stop = start + #link -- byte offset after `]]`
    -- The range covers the link: from `[[` or its target (2 bytes on) to `]]` or its end.
    local d = ds[i]
    H.truthy(d.col == start or d.col == start + 2,
      ('%s: diagnostic col %d, the link starts at byte %d'):format(link, d.col, start))
    H.truthy(d.end_col == stop or d.end_col == stop - 2,
      ('%s: diagnostic end_col %d, the link ends at byte %d'):format(link, d.end_col, stop))
    H.out(('%s at bytes %d-%d: diagnostic %d-%d'):format(link, start, stop, d.col, d.end_col))
  end

  -- Completion at the end of `日本語 🎉 [[Pre`: the edit replaces exactly `Pre`.
  local pre = '日本語 🎉 '
  local typed = target:sub(1, 3)
  local clnum = H.append(buf, pre .. '[[' .. typed)
  local params = H.params_at(client, buf, clnum, #(pre .. '[[' .. typed))
  local items = H.items(H.request(client, 'textDocument/completion', params, buf))
  local item
  for _, it in ipairs(items) do
    if it.label == target then
      item = it
    end
  end
  H.truthy(item, ('completion item %q among %s'):format(target, vim.inspect(H.labels(items))))
  H.apply_completion(client, buf, item)
  H.eq(pre .. '[[' .. target .. ']]', H.line(buf, clnum), 'completed non-ASCII line')
  H.out('encoding=' .. client.offset_encoding)
  if encodings ~= '' then
    H.eq(encodings, client.offset_encoding, 'negotiated position encoding')
  end
end)
