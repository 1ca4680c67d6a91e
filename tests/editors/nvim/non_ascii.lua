-- Multi-byte text (3-byte CJK, a 4-byte emoji = 2 UTF-16 units) before a link.
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  H.init()
  local buf = H.open(os.getenv('VAULTLS_T_NOTE'))
  local client = H.attach(buf)
  local target = os.getenv('VAULTLS_T_TARGET')
  local pre = '日本語 🎉 '

  -- Diagnostic: Neovim turns the server's column into bytes; it must land on `[[`.
  local lnum = H.append(buf, pre .. '[[Nowhere Else]] 🎉 [[Nowhere Either]]')
  local line = H.line(buf, lnum)
  local d = H.wait('two dangling-link diagnostics on the non-ASCII line', function()
    local ds = vim.tbl_filter(function(x)
      return x.lnum == lnum
    end, H.diags(buf, 'dangling-link'))
    return #ds == 2 and ds or nil
  end)
  table.sort(d, function(a, b)
    return a.col < b.col
  end)
  local first = line:find('[[Nowhere Else]]', 1, true) - 1
  local second = line:find('[[Nowhere Either]]', 1, true) - 1
  -- The range covers the link, from `[[` (or from its target, just after) to `]]`.
  H.truthy(d[1].col == first or d[1].col == first + 2, ('first col %d, `[[` at byte %d'):format(d[1].col, first))
  H.truthy(d[2].col == second or d[2].col == second + 2, ('second col %d, `[[` at byte %d'):format(d[2].col, second))
  local first_end = first + #'[[Nowhere Else]]'
  H.truthy(d[1].end_col == first_end or d[1].end_col == first_end - 2,
    ('first end_col %d, `]]` ends at byte %d'):format(d[1].end_col, first_end))

  -- Completion: the edit replaces exactly the typed prefix after `[[`.
  local typed = target:sub(1, 2)
  local clnum = H.append(buf, pre .. '[[' .. typed)
  local params = H.params_at(client, buf, clnum, #(pre .. '[[' .. typed))
  local items = H.items(H.request(client, 'textDocument/completion', params, buf))
  local item
  for _, it in ipairs(items) do
    if it.label == target then
      item = it
    end
  end
  H.truthy(item, 'completion item ' .. target)
  H.apply_completion(client, buf, item)
  H.eq(pre .. '[[' .. target .. ']]', H.line(buf, clnum), 'completed non-ASCII line')
  H.out('encoding=' .. client.offset_encoding)
end)
