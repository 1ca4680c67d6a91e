"""The language server: `server.py` holds the state, `features/` translate model ⇄ LSP."""
