#!/bin/sh
# Runs a built example of the Rust SDK (cargo build -p polyconnect-sdk --examples): the
# release build if there is one, else the debug build. `exec`, so the core's signals and
# PR_SET_PDEATHSIG reach the connector itself.
here="$(cd "$(dirname "$0")" && pwd)"
target="${CARGO_TARGET_DIR:-$here/../../../../target}"
for profile in release debug; do
  bin="$target/$profile/examples/$1"
  if [ -x "$bin" ]; then exec "$bin"; fi
done
echo "example $1 is not built: run cargo build -p polyconnect-sdk --examples" >&2
exit 1
