"""The language server: `server.py` holds the state and the operations that change it,
`features/` translate model ⇄ LSP, `app.py` registers the features (`create_server`)."""
