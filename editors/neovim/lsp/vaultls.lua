-- Neovim 0.11+ runtime configuration for vaultls, the language server for
-- Obsidian-style Markdown vaults.
--
-- With `editors/neovim` on 'runtimepath' (or this file copied to
-- `~/.config/nvim/lsp/vaultls.lua`), this is all it takes:
--
--   vim.lsp.enable('vaultls')
--
-- Override any field with vim.lsp.config(), for example:
--
--   vim.lsp.config('vaultls', {
--     settings = { vaultls = { diagnostics = { danglingLinks = 'error' } } },
--   })

-- The server's working folder: outside the vault (Neovim's default is the folder it was
-- started in, usually the vault, which may come from a stranger).
local function outside_cwd()
  local dir = vim.fs.normalize(vim.fn.stdpath('cache') .. '/vaultls')
  if vim.fn.isdirectory(dir) == 0 then
    pcall(vim.fn.mkdir, dir, 'p', tonumber('700', 8))
  end
  return vim.fn.isdirectory(dir) == 1 and dir or (vim.uv.os_tmpdir() or '/')
end

---@type vim.lsp.Config
return {
  cmd = { 'vaultls', 'serve' },
  cmd_cwd = outside_cwd(),
  filetypes = { 'markdown' },
  -- Searched in this order, each all the way up: a vault inside a Git repository
  -- is found by its `.obsidian` folder before the repository's `.git`.
  root_markers = { '.obsidian', '.vaultls.toml', '.git' },
  -- Sent as the `vaultls` section of `workspace/configuration`. Keys left out keep
  -- the server's value (its default, or the vault's `.vaultls.toml`):
  --   diagnostics = { danglingLinks = 'warning' }, -- 'error'|'warning'|'information'|'hint'|'off'
  --   links = { resolveAliases = true },
  --   exclude = { 'templates/**' },
  -- (vim.empty_dict() so that an empty section is sent as {} and not as [].)
  settings = { vaultls = vim.empty_dict() },
  capabilities = {
    workspace = {
      -- Let the server watch the vault for notes created, renamed or deleted
      -- outside Neovim (Neovim turns this off by default on Linux).
      didChangeWatchedFiles = { dynamicRegistration = true },
    },
  },
}
