#!/usr/bin/env bash
# Writes requirements.txt, the hash-locked dependencies of the bundled server, from the
# `[project].dependencies` of the repository's pyproject.toml. Run it after those change
# (tests/editors/test_vscode.py fails when requirements.txt misses one).
#
# The bundle is built once and then runs on any CPython from 3.10 to 3.13. pip evaluates
# environment markers against the Python that installs, so a lock with markers such as
# `tomli; python_version < "3.11"`, built on 3.11, would leave tomli (needed by vaultls) and
# exceptiongroup (needed by cattrs) out, and the bundle would crash on 3.10. So the lock is
# resolved for the oldest supported Python (3.10) and has no markers: every package in it
# installs for every Python, and the backports are harmless on 3.11+ (their users import them
# only below 3.11). The versions chosen support 3.10, and scripts/bundle-server.mjs installs the
# binary wheels (rpds-py, PyYAML's accelerator) once per CPython 3.10-3.13.
#
# Needs uv (`pip install uv`); reaches PyPI only.
set -euo pipefail
cd "$(dirname "$0")/.."
uv pip compile ../../pyproject.toml \
  --python-version 3.10 \
  --generate-hashes \
  --custom-compile-command "editors/vscode/scripts/lock-requirements.sh" \
  --output-file requirements.txt
# Fail if a marker slipped in anyway (see above).
if grep -E '^[A-Za-z0-9_.-]+==[^ ]+ *;' requirements.txt; then
  echo "requirements.txt has environment markers; the bundle would differ by build Python" >&2
  exit 1
fi
