#!/bin/sh
# Launches a Go plugin from its manifest: builds the main package in DIR (quick when
# nothing changed, thanks to Go's build cache; scripts/setup/go.sh warms it) and execs the
# binary, so the core's process is the connector itself (signals, parent-death signal).
#
#   run-plugin.sh DIR [ARGS...]
set -e
dir=$(cd "$1" && pwd)
shift
bin="$dir/.bin/$(basename "$dir")"
(cd "$dir" && go build -buildvcs=false -o "$bin" .) >&2
exec "$bin" "$@"
