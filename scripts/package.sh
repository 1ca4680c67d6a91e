#!/usr/bin/env bash
# Builds everything vaultls ships, on this machine: the Python sdist and wheel (dist/, with
# `python -m build`) and the VS Code extension's seven .vsix files (editors/vscode, with
# `npm run package:all`: one per platform and a universal one). Needs the venv of
# scripts/test.sh (or VENV=...), Node.js 20 with editors/vscode/node_modules (npm ci), and PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[test]'
"$VENV/bin/python" -m build --outdir dist .
(cd editors/vscode && { [ -x node_modules/.bin/vsce ] || npm ci --no-audit --no-fund --loglevel=error; } \
  && VAULTLS_BUNDLE_PYTHON="$PWD/../../$VENV/bin/python" npm run package:all)
ls -l dist/vaultls-* editors/vscode/vaultls-*.vsix
