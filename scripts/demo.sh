#!/usr/bin/env bash
# The demo: a Kafka broker, the core, and the file connectors. Lines appended to
# demo input file travel through the topic `polyconnect-demo` to the output file.
# Nothing to edit; Ctrl-C stops everything (offsets are flushed on the way out).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/setup.sh demo  # only what the demo runs; `make setup` installs the rest
# The dev profile: it builds in about half the time of the release profile (thin LTO), and
# the demo's line a second needs no optimizer. `make release` builds the fast one.
cargo build --bin polyconnect
bash scripts/kafka.sh up

state="${POLYCONNECT_DEMO_DIR:-$root/.cache/demo}"
mkdir -p "$state"
input="$state/input.txt"
output="$state/output.txt"
touch "$input"
sed -e "s#@STATE@#$state#g" -e "s#@ROOT@#$root#g" demo/worker.properties > "$state/worker.properties"
sed -e "s#@STATE@#$state#g" demo/file-source.properties > "$state/file-source.properties"
sed -e "s#@STATE@#$state#g" demo/file-sink.json > "$state/file-sink.json"

# A writer that appends a line every second, so there is something to watch.
(
  i=$(wc -l < "$input")
  while sleep 1; do
    i=$((i + 1))
    echo "demo line $i written at $(date -u +%H:%M:%S)" >> "$input"
  done
) &
writer=$!

cat <<MSG

  Polyconnect demo
  ----------------
  input file : $input   (a line is appended every second; append your own too)
  topic      : polyconnect-demo on 127.0.0.1:9092
  output file: $output
  REST API   : http://127.0.0.1:8083/connectors?expand=status

  In another terminal:  tail -f $output
  Ctrl-C stops the core; 'make kafka-down' stops Kafka.

MSG

cleanup() { kill "$writer" 2>/dev/null || true; }
trap cleanup EXIT
"${CARGO_TARGET_DIR:-$root/target}/debug/polyconnect" standalone "$state/worker.properties" "$state/file-source.properties" "$state/file-sink.json"
