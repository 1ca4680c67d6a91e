"""`python -m vaultls` is the same as the `vaultls` script."""

from vaultls.cli import entry

raise SystemExit(entry())
