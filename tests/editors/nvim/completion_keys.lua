-- Taking a completion item by typing keys, as a user does (main-loop mode, VAULTLS_LOOP=1):
-- whichever way an item is taken, the line ends up with the whole link.
--
-- VAULTLS_T_COMPLETEOPT  a 'completeopt' the user set ('' = Neovim's default, untouched)
-- VAULTLS_T_AUTOTRIGGER  1: vim.lsp.completion.enable(..., { autotrigger = true }); 0: no
--                        completion set up at all (only `<C-x><C-o>`, vim.lsp.omnifunc)
-- VAULTLS_T_LINE         the last line of the note before typing ('' = empty)
-- VAULTLS_T_COL          0-based byte column of the cursor on it (normal mode) before typing
-- VAULTLS_T_STEPS        JSON list of steps: { keys = '...' } typed as a user would,
--                        { menu = true } waits for the popup menu, { item = 'Label' } waits
--                        until it lists that label, { line = '...' } checks the line now
-- VAULTLS_T_EXPECT       the line once <Esc> has left insert mode
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  local completeopt = os.getenv('VAULTLS_T_COMPLETEOPT') or ''
  if completeopt ~= '' then
    vim.o.completeopt = completeopt
  end
  H.init()
  local buf = H.open(os.getenv('VAULTLS_T_NOTE'))
  local client = H.attach(buf)
  if os.getenv('VAULTLS_T_AUTOTRIGGER') == '1' then
    vim.lsp.completion.enable(true, client.id, buf, { autotrigger = true })
  end
  H.eq('v:lua.vim.lsp.omnifunc', vim.bo[buf].omnifunc, 'omnifunc')

  local lnum = vim.api.nvim_buf_line_count(buf) -- 1-based: the last line
  H.set_lines(buf, lnum - 1, lnum, { os.getenv('VAULTLS_T_LINE') or '' })
  H.cursor(lnum, tonumber(os.getenv('VAULTLS_T_COL') or '0'))
  local lines_before = vim.api.nvim_buf_line_count(buf)

  local function labels()
    local info = vim.fn.complete_info({ 'items', 'pum_visible' })
    return info.pum_visible == 1, vim.tbl_map(function(it)
      return it.abbr ~= '' and it.abbr or it.word
    end, info.items)
  end

  for _, step in ipairs(vim.json.decode(os.getenv('VAULTLS_T_STEPS'))) do
    if step.keys then
      vim.api.nvim_feedkeys(vim.keycode(step.keys), 'nt', false)
      local typed_at = vim.uv.now()
      H.wait('keys typed: ' .. step.keys, function() -- a user's pause between keys
        return vim.uv.now() - typed_at > 150
      end)
    elseif step.menu then
      H.wait('the completion menu', function()
        return (labels())
      end)
    elseif step.item then
      H.wait(('%q in the completion menu'):format(step.item), function()
        local visible, items = labels()
        return visible and vim.tbl_contains(items, step.item)
      end)
    elseif step.line then
      H.wait(('the line to read %q'):format(step.line), function()
        return H.line(buf, lnum - 1) == step.line
      end, 2000)
    end
    H.out(('after %s: %q, menu: %s'):format(vim.inspect(step), H.line(buf, lnum - 1), table.concat(select(2, labels()), ', ')))
  end

  vim.api.nvim_feedkeys(vim.keycode('<Esc>'), 'nt', false)
  H.wait('normal mode', function()
    return vim.api.nvim_get_mode().mode == 'n'
  end)
  H.out(('lines: %d before, %d after'):format(lines_before, vim.api.nvim_buf_line_count(buf)))
  H.eq(os.getenv('VAULTLS_T_EXPECT'), H.line(buf, lnum - 1), 'the line')
end)
