#!/usr/bin/env bash
# What the Go SDK and the Go connectors need: their modules from the Go module proxy and a
# warm build cache, so that the core can launch a Go plugin (clients/go/scripts/run-plugin.sh
# builds it on start) well within its start-up timeout. Also fetches protoc and the Go
# protoc plugins (cached under ~/.cache/polyconnect) for the generated-code check.
# Idempotent; quick on a second run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if ! command -v go >/dev/null; then
  echo "setup: go not found; skipping the Go SDK and the Go connectors" >&2
  exit 0
fi
for mod in clients/go connectors/rest-source tests/bench/go-source tests/bench/go-sink; do
  (cd "$root/$mod" && go mod download)
done
for dir in clients/go/examples/source clients/go/examples/sink clients/go/examples/txn-source connectors/rest-source tests/bench/go-source tests/bench/go-sink; do
  (cd "$root/$dir" && go build -buildvcs=false -o ".bin/$(basename "$dir")" .)
done
# protoc and its Go plugins, for clients/go/scripts/generate.sh and its test.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
bash "$root/clients/go/scripts/generate.sh" "$tmp" >/dev/null
