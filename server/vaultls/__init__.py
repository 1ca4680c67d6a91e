"""vaultls: a language server for Obsidian-style Markdown vaults."""

# The one place the version is written (pyproject.toml reads it from here): asking
# `importlib.metadata` instead would cost every server start a scan of the installed packages.
__version__ = "0.1.0"

__all__ = ["__version__"]
