#!/usr/bin/env bash
# Writes requirements.txt (hash-locked) from requirements.in.
#
# The bundle is built once, with whatever Python builds the .vsix, and then runs on any Python
# from 3.10 to 3.13. pip evaluates environment markers against the Python that installs, so a
# lock with markers such as `exceptiongroup; python_version < "3.11"` built on 3.11 would leave
# exceptiongroup (needed by cattrs) and tomli (needed by vaultls) out, and the bundle would crash
# on 3.10. So the lock is resolved for the oldest supported Python (3.10) and has no markers:
# every package in it installs on every build Python, and the two backports are harmless on
# 3.11+ (cattrs and vaultls import them only below 3.11).
#
# Needs uv (`pip install uv`); reaches PyPI only.
set -euo pipefail
cd "$(dirname "$0")/.."
uv pip compile requirements.in \
  --python-version 3.10 \
  --generate-hashes \
  --no-strip-markers \
  --custom-compile-command "scripts/lock-requirements.sh" \
  --output-file requirements.txt
# Fail if a marker slipped in anyway (see above).
if grep -E '^[A-Za-z0-9_.-]+==[^ ]+ *;' requirements.txt; then
  echo "requirements.txt has environment markers; the bundle would differ by build Python" >&2
  exit 1
fi
