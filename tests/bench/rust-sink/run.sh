#!/bin/sh
# Starts the built sink (cargo build -p polyconnect-bench-rust-sink): the release build if
# there is one, else the debug build. `exec`, so the core's signals reach it directly.
here="$(cd "$(dirname "$0")" && pwd)"
target="${CARGO_TARGET_DIR:-$here/../../../target}"
for profile in release debug; do
  if [ -x "$target/$profile/polyconnect-bench-rust-sink" ]; then exec "$target/$profile/polyconnect-bench-rust-sink"; fi
done
echo "polyconnect-bench-rust-sink is not built: run cargo build -p polyconnect-bench-rust-sink" >&2
exit 1
