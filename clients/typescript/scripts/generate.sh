#!/usr/bin/env bash
# Regenerates the protocol code in src/gen from proto/polyconnect/v1 (ts-proto, run by the
# buf CLI, both pinned in package.json; no protoc needed).
#
#   clients/typescript/scripts/generate.sh           writes into clients/typescript/src/gen
#   clients/typescript/scripts/generate.sh OUT_DIR   writes into OUT_DIR instead
#
# The output is committed; test/generated.test.ts fails when it is stale.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
out="${1:-src/gen}"
[[ -x node_modules/.bin/buf ]] || npm ci --no-audit --no-fund
export PATH="$here/node_modules/.bin:$PATH"
rm -rf "$out"
buf generate ../../proto --path ../../proto/polyconnect/v1 --template buf.gen.yaml -o "$out.tmp"
mv "$out.tmp/src/gen" "$out"
rm -rf "$out.tmp"
