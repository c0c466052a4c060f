#!/bin/sh
# Starts the built connector (cargo build -p polyconnect-datagen): the release build if
# there is one, else the debug build. `exec`, so the core's signals reach it directly.
here="$(cd "$(dirname "$0")" && pwd)"
target="${CARGO_TARGET_DIR:-$here/../../target}"
for profile in release debug; do
  if [ -x "$target/$profile/polyconnect-datagen" ]; then exec "$target/$profile/polyconnect-datagen"; fi
done
echo "polyconnect-datagen is not built: run cargo build -p polyconnect-datagen" >&2
exit 1
