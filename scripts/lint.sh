#!/usr/bin/env bash
# The gates every change passes before its tests: ruff (lint and format) and mypy on the Python
# package, tsc and eslint on the VS Code extension, tsc on the graph view (editors/graph-view).
# Creates `.venv` like scripts/test.sh.
# Fails on the first finding.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[test,lint]'

echo "== ruff check"
"$VENV/bin/ruff" check server tests benchmarks
echo "== ruff format --check"
"$VENV/bin/ruff" format --check server tests benchmarks
echo "== mypy"
"$VENV/bin/mypy"

if command -v npm >/dev/null 2>&1; then
  echo "== VS Code extension: tsc --noEmit and eslint"
  (cd editors/vscode && { [ -x node_modules/.bin/eslint ] || npm ci --no-audit --no-fund --loglevel=error; } && npm run --silent lint)
  echo "== graph view (editors/graph-view): tsc --noEmit"
  (cd editors/graph-view && { [ -x node_modules/.bin/tsc ] || npm ci --no-audit --no-fund --loglevel=error; } && npm run --silent lint)
else
  echo "== no npm here: the VS Code extension's gates are skipped"
fi
