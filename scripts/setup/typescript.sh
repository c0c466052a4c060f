#!/usr/bin/env bash
# Installs and builds the TypeScript SDK (clients/typescript), its examples and the
# TypeScript connectors (connectors/http-sink): `npm ci` from the npm registry with the
# pinned package-lock.json files (npm's cache under ~/.cache/polyconnect/npm), then `tsc`.
# Idempotent: skips `npm ci` while node_modules matches the lock file, and the build while
# nothing changed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
command -v npm >/dev/null || { echo "setup: node and npm (Node.js 20+) are required for the TypeScript SDK" >&2; exit 1; }
export npm_config_cache="${npm_config_cache:-$HOME/.cache/polyconnect/npm}"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

# The SDK first: the connectors depend on its build.
for dir in clients/typescript connectors/http-sink; do
  cd "$root/$dir"
  stamp=node_modules/.polyconnect-lock
  if [[ ! -f $stamp ]] || ! cmp -s package-lock.json "$stamp"; then
    echo "setup: npm ci in $dir"
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
  fi
  newest="$(find src test examples tsconfig.json package.json -newer build/.built 2>/dev/null | head -1 || true)"
  if [[ ! -f build/.built || -n $newest ]]; then
    echo "setup: building $dir"
    npx --no-install tsc -p tsconfig.json
    touch build/.built
  fi
done
