"""The pure vault model: parse notes, index a vault, resolve links, check problems.

Nothing here imports pygls or lsprotocol: the language server and `vaultls check` are two
faces of this one model.
"""
