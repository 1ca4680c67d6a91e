--- vaultls for Neovim: language server set-up, `:VaultlsCheck`, `:VaultlsRestart`.
---
--- require('vaultls').setup({
---   cmd = { 'vaultls', 'serve' },                 -- how to start the server
---   filetypes = { 'markdown' },
---   root_markers = { '.obsidian', '.vaultls.toml', '.git' },
---   settings = { diagnostics = { danglingLinks = 'warning' } }, -- no `vaultls` key here
---   capabilities = {},                            -- merged over Neovim's defaults
---   on_attach = function(client, bufnr) end,
---   cmd_cwd = nil,                                -- the server's working folder (default below)
--- })
---
--- setup() builds one client configuration (vaultls.config.build). Where Neovim has
--- vim.lsp.config (0.11+) it goes to `vim.lsp.config('vaultls', ...)` + `vim.lsp.enable('vaultls')`;
--- on 0.10 a FileType autocommand hands it to `vim.lsp.start()` with the vault root found from
--- `root_markers`.
---
--- The server and `vaultls check` run with a working folder outside the vault (`safe_cwd()`:
--- Neovim's cache folder), not Neovim's default, the folder Neovim was started in (usually
--- the vault): a vault may come from a stranger, and no program should pick up files from it
--- by being started inside it. `vaultls check` is given the vault's absolute path.
---
--- The modules, one job each:
---   vaultls.config      the client configuration, setup()'s state, root and cwd helpers
---   vaultls.client      vim.lsp.start() for a buffer, the running clients, restart
---   vaultls.check       :VaultlsCheck (vaultls check --format json -> quickfix list)
---   vaultls.completion  whole links with Neovim's own completion (CompleteDone, completeopt)
---   vaultls.commands    the user commands
---   vaultls.health      :checkhealth vaultls
--- This module is the public entry: setup() and the functions below.

local config = require('vaultls.config')
local client = require('vaultls.client')
local check = require('vaultls.check')
local completion = require('vaultls.completion')
local commands = require('vaultls.commands')

local M = {}

M.name = config.name

--- Defaults, also used by `:VaultlsCheck` when setup() was never called.
M.defaults = config.defaults

--- The options of the last setup() call (nil before).
M.options = nil

M.capabilities = config.capabilities
M.safe_cwd = config.safe_cwd
M.find_root = config.find_root
--- The LSP configuration in force: vim.lsp.config's (0.11) or setup()'s (0.10).
M.current_config = config.current

M.start = client.start
M.clients = client.clients
M.restart = client.restart

M.current_root = check.current_root
M.check_cmd = check.check_cmd
M.quickfix_items = check.quickfix_items
M.check = check.check

M._complete_done = completion.complete_done
M.create_autocmds = completion.create_autocmds
--- Defines :VaultlsCheck [dir] and :VaultlsRestart (also done by plugin/vaultls.lua).
M.create_commands = commands.create

--- The 0.10 route: a FileType autocommand that starts (or reuses) a client for each buffer
--- of `filetypes` with vim.lsp.start(), and the same for the buffers already open.
---@param cfg table the configuration from vaultls.config.build()
---@param filetypes string[]
local function start_on_filetype(cfg, filetypes)
  local group = vim.api.nvim_create_augroup('vaultls', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = filetypes,
    callback = function(args)
      M.start(args.buf, cfg)
    end,
    desc = 'vaultls: start or attach the language server',
  })
  -- Buffers opened before setup().
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.tbl_contains(filetypes, vim.bo[buf].filetype) then
      M.start(buf, cfg)
    end
  end
end

--- Set up vaultls. See the top of this file for the options.
---@param opts table?
function M.setup(opts)
  if vim.fn.has('nvim-0.10') ~= 1 then
    vim.notify('vaultls: Neovim 0.10 or newer is needed', vim.log.levels.ERROR)
    return
  end
  opts = opts or {}
  local merged = vim.deepcopy(config.defaults)
  for k, v in pairs(opts) do
    merged[k] = v
  end
  config.options = merged
  M.options = merged

  local cfg = config.build(merged)
  if config.has_lsp_config() then
    config.route = 'config'
    cfg.name = nil
    vim.lsp.config(M.name, cfg)
    vim.lsp.enable(M.name)
  else
    config.route = 'start'
    start_on_filetype(cfg, merged.filetypes)
  end
  M.create_commands()
  M.create_autocmds()
end

return M
