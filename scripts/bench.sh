#!/usr/bin/env bash
# `make bench`: source throughput through the core into Kafka vs. the raw producer.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
cargo build --release --workspace --bins --locked
started=0
if ! bash scripts/kafka.sh status >/dev/null 2>&1; then bash scripts/kafka.sh up; started=1; fi
cleanup() { if ((started)); then bash scripts/kafka.sh down || true; fi; }
trap cleanup EXIT
export POLYCONNECT_POLYCONNECT_BIN="$root/target/release/polyconnect"
export POLYCONNECT_POLYCONNECT_TEST_CONNECTOR_BIN="$root/target/release/polyconnect-test-connector"
POLYCONNECT_LOG="${POLYCONNECT_LOG:-warn}" ./target/release/polyconnect-bench
