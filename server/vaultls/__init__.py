"""vaultls: a language server for Obsidian-style Markdown vaults."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("vaultls")
except PackageNotFoundError:  # running from a source tree or a bundle without metadata
    __version__ = "0.1.0"

__all__ = ["__version__"]
