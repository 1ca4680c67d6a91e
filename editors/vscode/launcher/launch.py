"""Starts the vaultls server bundled with the VS Code extension (copied to bundled/tool/).

The extension runs it as `python -I -S <extension>/bundled/tool/launch.py serve` (or
`--version`), never as `python -m vaultls` or `python -c ...` without -I: those put the working
folder first on sys.path, so a `vaultls/`, `json.py` or `multiprocessing.py` in an opened vault
would be imported in place of the real module, and opening the vault would run its code.

- `-I` (isolated mode): neither the working folder nor this script's folder goes on sys.path,
  PYTHON* environment variables (PYTHONPATH, PYTHONHOME, PYTHONSTARTUP, ...) are ignored, and
  so is the user's site-packages. Worker processes started with sys.executable and the
  interpreter's flags (multiprocessing "spawn") get -I too.
- `-S`: no site-packages at all; the server's dependencies are all in bundled/libs.

So imports come from the standard library and bundled/libs only, which is found here from
this file's own location (PYTHONPATH would be ignored under -I). bundled/libs holds what every
Python shares (compiled modules side by side, each named with its ABI); bundled/libs/cp3XX what
only this CPython gets (back-ports such as tomli below 3.11), which goes first.
"""

import os
import sys

LIBS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "libs")
OWN_LIBS = os.path.join(LIBS, "cp%d%d" % sys.version_info[:2])

# First, as PYTHONPATH would put them. A "spawn" worker re-runs this file as `__mp_main__` with
# its parent's sys.path, which already has them.
for folder in (LIBS, OWN_LIBS):
    if folder not in sys.path and os.path.isdir(folder):
        sys.path.insert(0, folder)

# A multiprocessing "spawn" worker re-runs this file as `__mp_main__`: the guard keeps it from
# starting a server of its own (and vaultls starts such workers only under a guarded script).
if __name__ == "__main__":
    from vaultls.cli import main

    raise SystemExit(main())
