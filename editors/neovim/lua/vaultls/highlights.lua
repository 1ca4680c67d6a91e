--- Default colours for vaultls's semantic tokens. Neovim highlights each token with the groups
--- `@lsp.type.<type>.markdown` and `@lsp.mod.<modifier>.markdown` (`:help lsp-semantic-highlight`);
--- the custom types below have no colour of their own, so each is linked to the tree-sitter
--- group of what it is. `default = true`: a colour scheme or the user's own `nvim_set_hl`
--- wins. A dangling link (`unresolved`) is drawn as unnecessary code is, faded, as Obsidian
--- draws unresolved links. `property` (frontmatter keys) is LSP's own type and has Neovim's
--- default (`@property`); `ambiguous` has no colour unless you give it one.
local M = {}

M.links = {
  ['@lsp.type.wikilink.markdown'] = '@markup.link',
  ['@lsp.type.link.markdown'] = '@markup.link',
  ['@lsp.type.embed.markdown'] = '@markup.link',
  ['@lsp.type.tag.markdown'] = '@tag',
  ['@lsp.type.blockId.markdown'] = '@label',
  ['@lsp.type.callout.markdown'] = '@type',
  ['@lsp.type.footnote.markdown'] = '@markup.link.label',
  ['@lsp.mod.unresolved.markdown'] = 'DiagnosticUnnecessary',
}

--- Links the groups (again after `:colorscheme`, which clears them).
function M.define()
  for group, target in pairs(M.links) do
    vim.api.nvim_set_hl(0, group, { link = target, default = true })
  end
end

--- Defines the groups now and after every change of colour scheme.
function M.setup()
  M.define()
  vim.api.nvim_create_autocmd('ColorScheme', {
    group = vim.api.nvim_create_augroup('vaultls.highlights', { clear = true }),
    callback = M.define,
    desc = "vaultls: default colours for the server's semantic tokens",
  })
end

return M
