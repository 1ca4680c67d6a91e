-- :VaultlsCheck on a vault of a few thousand notes, twice (the second run used to freeze Neovim
-- for minutes): the command returns at once and says "checking…"; Neovim keeps evaluating
-- expressions while `vaultls check` runs and while the quickfix list is filled; the end says
-- how many problems in how many notes; and no buffer is loaded or listed for the files of the
-- list (Vim's quickfix keeps a file as an unlisted, unloaded buffer entry, as :grep does: the
-- second run adds none).
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  H.init()
  local root = vim.fs.normalize(os.getenv('VAULTLS_T_ROOT'))
  local want = os.getenv('VAULTLS_T_EXPECT') -- "N problems in M notes"
  local title = 'vaultls check ' .. root
  local function buffers()
    local all, listed, loaded = vim.api.nvim_list_bufs(), 0, 0
    for _, b in ipairs(all) do
      if vim.bo[b].buftype ~= 'quickfix' then -- the quickfix window's own buffer
        listed = listed + (vim.bo[b].buflisted and 1 or 0)
        loaded = loaded + (vim.api.nvim_buf_is_loaded(b) and 1 or 0)
      end
    end
    return { all = #all, listed = listed, loaded = loaded }
  end
  local before = buffers()
  local win = vim.api.nvim_get_current_win()

  -- An expression evaluated every 10 ms by a timer; its ticks show the editor is not held up.
  local ticks, filling, longest, last = 0, 0, 0, vim.uv.hrtime()
  local timer = assert(vim.uv.new_timer())
  timer:start(10, 10, vim.schedule_wrap(function()
    local now = vim.uv.hrtime()
    longest = math.max(longest, (now - last) / 1e6)
    last = now
    H.eq(2, vim.api.nvim_eval('1 + 1'), 'an expression')
    ticks = ticks + 1
    -- The check's list exists but is not finished (its title gets the count at the end).
    if vim.fn.getqflist({ title = 1 }).title == title then
      filling = filling + 1
    end
  end))

  local after_first
  for run = 1, 2 do
    local seen = #H.notifications
    ticks, filling, longest, last = 0, 0, 0, vim.uv.hrtime()
    local t0 = vim.uv.hrtime()
    vim.cmd('VaultlsCheck ' .. vim.fn.fnameescape(root))
    local returned = (vim.uv.hrtime() - t0) / 1e6
    H.truthy(H.notifications[seen + 1] and H.notifications[seen + 1].msg:find('checking', 1, true), 'a "checking…" notification')
    H.truthy(vim.fn.getqflist({ title = 1 }).title:find(': ', 1, true) == nil or run == 2, 'no finished list yet')
    local done = H.wait('the check to finish', function()
      for i = seen + 1, #H.notifications do
        if H.notifications[i].msg:find(' in ', 1, true) and H.notifications[i].msg:find('problem', 1, true) then
          return H.notifications[i]
        end
      end
    end)
    H.out(('run %d: the command returned in %.0f ms; %d timer ticks, %d while the list was filled; longest gap %.0f ms'):format(
      run, returned, ticks, filling, longest))
    H.eq('vaultls: ' .. want, done.msg, 'the notification')
    H.truthy(ticks > 0, 'the timer ran while vaultls check ran')
    H.truthy(filling > 0, 'the timer ran while the quickfix list was filled')
    -- Not a speed target: a bound far above a slow machine's gaps and far below a freeze.
    H.truthy(longest < 2000, ('Neovim was held up for %.0f ms'):format(longest))
    local qf = vim.fn.getqflist({ title = 1, size = 0 })
    H.truthy(qf.title:find(title, 1, true), 'quickfix title ' .. qf.title)
    H.eq(tonumber(want:match('^(%d+)')), qf.size, 'quickfix items')
    -- The list is open, and the cursor stayed where it was.
    H.truthy(vim.fn.getqflist({ winid = 0 }).winid ~= 0, 'quickfix window open')
    H.eq(win, vim.api.nvim_get_current_win(), 'current window')
    local now = buffers()
    H.out(('run %d: buffers %s -> %s'):format(run, vim.inspect(before), vim.inspect(now)))
    H.eq(before.listed, now.listed, 'listed buffers')
    H.eq(before.loaded, now.loaded, 'loaded buffers')
    if run == 1 then
      after_first = now
    else
      H.eq(after_first.all, now.all, 'buffers after the second run')
    end
  end
  timer:stop()
  timer:close()
end)
