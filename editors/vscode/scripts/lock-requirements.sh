#!/usr/bin/env bash
# Writes requirements.txt, the hash-locked dependencies of the bundled server, from the
# `[project].dependencies` of the repository's pyproject.toml. Run it after those change
# (tests/editors/test_vscode.py fails when requirements.txt misses one).
#
# One lock for every target and CPython 3.10-3.14 (`--universal`): versions that support 3.10,
# and environment markers where a dependency is needed on some Pythons only (the back-ports
# `tomli` and `exceptiongroup`, below 3.11). scripts/bundle_server.py evaluates each marker for
# the target Python it bundles, so a back-port is bundled only where the standard library lacks
# it (a pin that uv forks by Python version, likewise), and fetches every pin's wheel for each target's platform (`pip download --platform`).
#
# Needs uv (`pip install uv`); reaches PyPI only.
set -euo pipefail
cd "$(dirname "$0")/.."
uv pip compile ../../pyproject.toml \
  --universal \
  --python-version 3.10 \
  --generate-hashes \
  --custom-compile-command "editors/vscode/scripts/lock-requirements.sh" \
  --output-file requirements.txt
# The back-ports must carry their markers (tests/editors/test_vscode.py checks the same).
for backport in tomli exceptiongroup; do
  grep -qE "^$backport==[^ ]+ *; *python_full_version < '3\.11'" requirements.txt \
    || { echo "requirements.txt: $backport has no python_full_version < '3.11' marker" >&2; exit 1; }
done
