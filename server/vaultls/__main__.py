"""`python -m vaultls` is the same as the `vaultls` script (the VS Code bundle starts it so)."""

from vaultls.cli import main

raise SystemExit(main())
