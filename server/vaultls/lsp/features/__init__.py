"""LSP features, one module each: thin translations between the model and LSP that take the
server first (`ls`) and change its state only through its methods. `vaultls.lsp.app` registers
them (through `vaultls.lsp.registry`, which guards every handler)."""
