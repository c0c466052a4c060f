#!/usr/bin/env bash
# The compose test (`make compose-test`): every image built offline, the whole
# compose/docker-compose.yml started, records sent through the demo pipelines, a connector
# container killed and restarted without losing a line, then everything torn down.
#
# Starts dockerd if none runs, and stops it again at the end (only the one it started).
# It also asserts that Jaeger holds a trace spanning the core and both file connector
# containers (COMPOSE_TEST_TRACES=0 skips that).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

started=$SECONDS
project="${COMPOSE_TEST_PROJECT:-polyconnect-compose-test}"
lines="${COMPOSE_TEST_LINES:-200}"
rust_records=1000 # compose/config/connectors/rust-source.json
marker="compose-test-$$-$RANDOM"
core_service=polyconnect # OTEL_SERVICE_NAME of each container in the compose file
source_service=file-source
sink_service=file-sink

say() { printf 'compose-test [%3ds]: %s\n' "$((SECONDS - started))" "$*" >&2; }
fail() { printf 'compose-test: FAILED: %s\n' "$*" >&2; exit 1; }

engine_was_running=0
docker info >/dev/null 2>&1 && engine_was_running=1
bash scripts/docker.sh engine-up
if docker compose version >/dev/null 2>&1; then
  compose_cmd=(docker compose)
else
  command -v docker-compose >/dev/null ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
  compose_cmd=(docker-compose)
fi

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
export POLYCONNECT_REST_PORT JAEGER_UI_PORT
POLYCONNECT_REST_PORT="$(free_port)"
JAEGER_UI_PORT="$(free_port)"
rest="http://127.0.0.1:$POLYCONNECT_REST_PORT"
jaeger="http://127.0.0.1:$JAEGER_UI_PORT"

compose() { "${compose_cmd[@]}" -p "$project" -f compose/docker-compose.yml --env-file compose/.env "$@"; }

finish() {
  local rc=$?
  if ((rc != 0)) && [[ -f compose/.env ]]; then
    say "logs of the failed run (last 40 lines per service)"
    compose ps >&2 || true
    compose logs --no-color --tail 40 >&2 || true
  fi
  if [[ -f compose/.env ]]; then
    compose down -v --remove-orphans >/dev/null 2>&1 || true
  fi
  if ((!engine_was_running)); then bash scripts/docker.sh engine-down || true; fi
  say "total time $((SECONDS - started))s"
  exit "$rc"
}
trap finish EXIT

say "building every image (offline)"
bash scripts/docker.sh images
images_done=$SECONDS
say "images ready"

compose down -v --remove-orphans >/dev/null 2>&1 || true
compose up -d

# wait_for WHAT SECONDS COMMAND...: until COMMAND succeeds.
wait_for() {
  local what="$1" limit="$2"
  shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "$what: not after ${limit}s"
    sleep 1
  done
  say "$what"
}

healthy() { [[ "$(docker inspect -f '{{.State.Health.Status}}' "$(compose ps -q "$1")")" == healthy ]]; }
running() { # running CONNECTOR: the connector and its task RUNNING
  curl -fsS "$rest/connectors/$1/status" |
    python3 -c 'import json,sys; s=json.load(sys.stdin); sys.exit(not (s["connector"]["state"]=="RUNNING" and s["tasks"] and all(t["state"]=="RUNNING" for t in s["tasks"])))'
}
sink_file() { compose exec -T file-sink cat "/data/$1" 2>/dev/null || true; }
# count_lines FROM TO: how many of the test's lines FROM..TO are in the sink's output.
count_lines() {
  sink_file output.txt | python3 -c '
import sys
marker, lo, hi = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
want = {f"{marker} line {i}" for i in range(lo, hi + 1)}
seen = {l.rstrip("\n") for l in sys.stdin}
print(len(want & seen))' "$marker" "$1" "$2"
}
all_lines() { [[ "$(count_lines "$1" "$2")" == "$(($2 - $1 + 1))" ]]; }
append() { # append FROM TO: the test's lines FROM..TO appended to the source's input
  compose exec -T file-source sh -c \
    "i=$1; while [ \$i -le $2 ]; do echo \"$marker line \$i\"; i=\$((i + 1)); done >> /data/input.txt"
}

wait_for "kafka healthy" 180 healthy kafka
wait_for "core healthy" 120 healthy core
jaeger_api() { curl -fsS "$jaeger/api/services" | python3 -c 'import json,sys; json.load(sys.stdin)["data"]'; }
wait_for "Jaeger's query API answers on the published port" 60 jaeger_api
for c in file-source file-sink rust-source rust-sink; do
  wait_for "connector $c running" 90 running "$c"
done

# 1. Lines through the Python file connectors: source container -> core -> Kafka -> core
#    -> sink container.
append 1 "$lines"
wait_for "$lines lines through file-source -> Kafka -> file-sink" 90 all_lines 1 "$lines"

# 2. The Rust connector container: its records (raw bytes: a 10-digit sequence number,
#    then x up to 40 bytes), through Kafka into a second file of the sink container.
rust_ok() {
  sink_file rust-output.txt | python3 -c '
import re, sys
n = int(sys.argv[1])
seen = set()
for line in sys.stdin.read().splitlines():
    m = re.fullmatch(r"(\d{10})x{30}", line)
    if not m:
        sys.exit(f"unexpected line {line!r}")
    seen.add(int(m.group(1)))
sys.exit(seen != set(range(1, n + 1)))' "$rust_records"
}
wait_for "$rust_records records from the Rust connector container in the sink's file" 90 rust_ok

# 3. Kill the sink container in the middle of a batch (SIGKILL: no clean stop), bring it
#    back, and restart the source container cleanly; nothing may be lost.
append $((lines + 1)) $((2 * lines))
compose kill -s SIGKILL file-sink >/dev/null
say "file-sink killed"
append $((2 * lines + 1)) $((3 * lines))
compose start file-sink >/dev/null
wait_for "file-sink healthy again" 60 healthy file-sink
compose restart file-source >/dev/null
say "file-source restarted"
wait_for "file-source healthy again" 60 healthy file-source
append $((3 * lines + 1)) $((4 * lines))
wait_for "file-sink running again" 90 running file-sink
wait_for "file-source running again" 90 running file-source
wait_for "all $((4 * lines)) lines in the sink's output after the restarts" 120 all_lines 1 $((4 * lines))
dupes="$(sink_file output.txt | grep -c "^$marker line " || true)"
say "output holds $dupes test lines for $((4 * lines)) sent (at least once: duplicates allowed)"

# 4. Traces: one trace with spans from the core and both file connector containers.
if [[ "${COMPOSE_TEST_TRACES:-1}" == 1 ]]; then
  trace_ok() {
    curl -fsS "$jaeger/api/traces?service=$core_service&limit=200&lookback=1h" | python3 -c '
import json, sys
need = set(sys.argv[1:])
for t in json.load(sys.stdin).get("data") or []:
    if need <= {p["serviceName"] for p in t["processes"].values()}:
        print(t["traceID"])
        sys.exit(0)
sys.exit(1)' "$core_service" "$source_service" "$sink_service"
  }
  wait_for "Jaeger holds a trace spanning $core_service, $source_service and $sink_service" 60 trace_ok
else
  say "trace assertion skipped (COMPOSE_TEST_TRACES=0)"
fi

say "run (without building images) took $((SECONDS - images_done))s"
echo "compose-test: 1 passed, 0 failed"
