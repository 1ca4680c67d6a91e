-- As a user types: with vim.lsp.completion enabled (autotrigger), typing `[[` in insert
-- mode opens the completion menu, typing more narrows it, <C-y> accepts the selected item,
-- and the line reads `[[Target]]` (a name with a space: Neovim 0.11 itself inserts only
-- its first word; the plugin's CompleteDone fix puts in the rest). Runs in main-loop mode
-- (VAULTLS_LOOP=1).
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  H.init()
  local buf = H.open(os.getenv('VAULTLS_T_NOTE'))
  local client = H.attach(buf)
  local target = os.getenv('VAULTLS_T_TARGET')
  vim.o.completeopt = 'menuone,noinsert'
  vim.lsp.completion.enable(true, client.id, buf, { autotrigger = true })

  local lnum = vim.api.nvim_buf_line_count(buf) -- 1-based: the empty last line
  H.cursor(lnum, 0)
  local function menu()
    local info = vim.fn.complete_info({ 'items', 'selected', 'pum_visible' })
    local words = vim.tbl_map(function(it)
      return it.abbr ~= '' and it.abbr or it.word
    end, info.items)
    return info, words
  end

  vim.api.nvim_feedkeys(vim.keycode('i[['), 'n', false)
  H.wait('the completion menu after typing [[', function()
    return menu().pum_visible == 1
  end)
  H.out('menu after [[: ' .. table.concat(select(2, menu()), ', '))

  vim.api.nvim_feedkeys(target:sub(1, 3), 'n', false)
  H.wait(('%q selected after typing %q'):format(target, target:sub(1, 3)), function()
    local info = menu()
    local sel = info.pum_visible == 1 and info.items[info.selected + 1]
    return sel and (sel.abbr == target or sel.word:sub(1, #target) == target)
  end)
  H.out('menu after ' .. target:sub(1, 3) .. ': ' .. table.concat(select(2, menu()), ', '))

  vim.api.nvim_feedkeys(vim.keycode('<C-y><Esc>'), 'n', false)
  H.wait('normal mode', function()
    return vim.api.nvim_get_mode().mode == 'n'
  end)
  H.eq('[[' .. target .. ']]', H.line(buf, lnum - 1), 'line after accepting')
end)
