-- Semantic tokens reach Neovim: the dangling link is a `wikilink` with the `unresolved`
-- modifier, a resolved one has no such modifier, and the plugin links the modifier's group;
-- once the missing note is created, the link loses the modifier.
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  H.init()
  local buf = H.open(os.getenv('VAULTLS_T_NOTE'))
  local client = H.attach(buf)
  local function token_at(lnum, needle)
    local col = H.line(buf, lnum):find(needle, 1, true) + 2 -- inside the link's target
    for _, t in ipairs(vim.lsp.semantic_tokens.get_at_pos(buf, lnum, col) or {}) do
      if t.type == 'wikilink' then
        return t
      end
    end
  end
  local dangling_line = tonumber(os.getenv('VAULTLS_T_DANGLING_LINE'))
  local dangling = H.wait('the dangling link token', function()
    return token_at(dangling_line, '[[' .. os.getenv('VAULTLS_T_DANGLING'))
  end)
  H.truthy(dangling.modifiers.unresolved, 'the dangling link is unresolved: ' .. vim.inspect(dangling))
  local resolved = token_at(tonumber(os.getenv('VAULTLS_T_RESOLVED_LINE')), '[[' .. os.getenv('VAULTLS_T_RESOLVED'))
  H.truthy(resolved and not resolved.modifiers.unresolved, 'the resolved link is not: ' .. vim.inspect(resolved))
  H.eq('DiagnosticUnnecessary', vim.api.nvim_get_hl(0, { name = '@lsp.mod.unresolved.markdown' }).link, 'default link')
  H.out('tokens: ' .. vim.inspect({ dangling = dangling.modifiers, resolved = resolved.modifiers }))

  -- The missing note is created outside Neovim: the server asks for the tokens again
  -- (workspace/semanticTokens/refresh), and the link is drawn as a resolved one.
  H.wait('the watched-files registration', function()
    return client.dynamic_capabilities:get('workspace/didChangeWatchedFiles') ~= nil
  end)
  local f = assert(io.open(H.path(os.getenv('VAULTLS_T_DANGLING') .. '.md'), 'w'))
  f:write('# Created outside Neovim\n')
  f:close()
  H.wait('the link to lose `unresolved` once its note exists', function()
    local t = token_at(dangling_line, '[[' .. os.getenv('VAULTLS_T_DANGLING'))
    return t and not t.modifiers.unresolved
  end)
end)
