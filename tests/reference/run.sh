#!/usr/bin/env bash
# Runs the reference harness, building it first if needed. stdin/stdout are
# the harness' request/response lines; build progress and logs go to stderr.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CLASSPATH_LINE="$("$HERE/build.sh" | tail -n 1)"

# Small, quick-starting JVM: requests are tiny and the process is short-lived.
# shellcheck disable=SC2086
exec java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 ${POLYCONNECT_REFERENCE_JVM_OPTS:-} \
  -cp "$CLASSPATH_LINE" dev.polyconnect.reference.Harness "$@"
