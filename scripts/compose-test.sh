#!/usr/bin/env bash
# The compose test (`make compose-test`): every image built offline, the whole
# compose/docker-compose.yml started, records sent through the demo pipelines, a connector
# container killed and restarted without losing a line, then everything torn down.
# A second phase does the same for the cluster of compose/docker-compose.cluster.yml (three
# distributed workers, the same images): the worker running the file pipeline's tasks is
# SIGKILLed, its work moves to the other two, it comes back, and no line is lost.
# A third phase starts the mutual-TLS variant (compose/docker-compose.tls.yml over the
# first): lines through the file-sink container served over mutual TLS.
#
# Starts dockerd if none runs, and stops it again at the end (only the one it started).
# It also asserts that Jaeger holds a trace spanning the core and both file connector
# containers (COMPOSE_TEST_TRACES=0 skips that). COMPOSE_TEST_PHASES (default
# "standalone cluster tls") picks the phases.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

started=$SECONDS
project="${COMPOSE_TEST_PROJECT:-polyconnect-compose-test}"
phases=" ${COMPOSE_TEST_PHASES:-standalone cluster tls} "
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
export POLYCONNECT_REST_PORT JAEGER_UI_PORT WORKER1_REST_PORT WORKER2_REST_PORT WORKER3_REST_PORT
POLYCONNECT_REST_PORT="$(free_port)"
JAEGER_UI_PORT="$(free_port)"
WORKER1_REST_PORT="$(free_port)"
WORKER2_REST_PORT="$(free_port)"
WORKER3_REST_PORT="$(free_port)"
rest="http://127.0.0.1:$POLYCONNECT_REST_PORT"
jaeger="http://127.0.0.1:$JAEGER_UI_PORT"

# The stack under test: compose/docker-compose.yml under $project, then
# compose/docker-compose.cluster.yml under $project-cluster.
use_stack() {
  case "$1" in
    standalone) stack_project="$project" stack_files=(-f compose/docker-compose.yml) ;;
    cluster) stack_project="$project-cluster" stack_files=(-f compose/docker-compose.cluster.yml) ;;
    tls) stack_project="$project-tls" stack_files=(-f compose/docker-compose.yml -f compose/docker-compose.tls.yml) ;;
  esac
}
use_stack standalone
compose() { "${compose_cmd[@]}" -p "$stack_project" "${stack_files[@]}" --env-file compose/.env "$@"; }

finish() {
  local rc=$?
  if ((rc != 0)) && [[ -f compose/.env ]]; then
    say "logs of the failed run (last 40 lines per service)"
    compose ps >&2 || true
    compose logs --no-color --tail 40 >&2 || true
  fi
  if [[ -f compose/.env ]]; then
    use_stack standalone
    compose down -v --remove-orphans >/dev/null 2>&1 || true
    use_stack cluster
    compose down -v --remove-orphans >/dev/null 2>&1 || true
    use_stack tls
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

passed=0
if [[ "$phases" == *" standalone "* ]]; then
  say "standalone phase: compose/docker-compose.yml"
  compose down -v --remove-orphans >/dev/null 2>&1 || true
  compose up -d

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

  compose down -v --remove-orphans >/dev/null 2>&1 || true
  passed=$((passed + 1))
  say "standalone phase passed"
fi

if [[ "$phases" == *" cluster "* ]]; then
  say "cluster phase: compose/docker-compose.cluster.yml"
  cluster_started=$SECONDS
  use_stack cluster
  workers=(worker1 worker2 worker3)
  declare -A worker_port=([worker1]=$WORKER1_REST_PORT [worker2]=$WORKER2_REST_PORT [worker3]=$WORKER3_REST_PORT)
  worker_rest() { echo "http://127.0.0.1:${worker_port[$1]}"; }
  compose down -v --remove-orphans >/dev/null 2>&1 || true
  # The workers and what they depend on (Kafka, the file connector containers); not the
  # one-shot `connectors` nor the demo writer: the test creates the pipeline itself.
  compose up -d "${workers[@]}"
  for w in "${workers[@]}"; do wait_for "$w healthy" 120 healthy "$w"; done

  # leader: the worker that led the group's last rebalance, once all three workers
  # completed that same generation (from their "rebalance complete" log lines).
  leader() {
    local w
    for w in "${workers[@]}"; do
      echo "$w $(compose logs --no-color "$w" 2>/dev/null | grep 'rebalance complete' | tail -n 1)"
    done | python3 -c '
import re, sys
generations, leaders = set(), []
for line in sys.stdin:
    w, _, log = line.partition(" ")
    m = re.search(r"generation=(\d+) leader=(true|false)", log)
    if not m:
        sys.exit(1)
    generations.add(m.group(1))
    if m.group(2) == "true":
        leaders.append(w)
if len(generations) != 1 or len(leaders) != 1:
    sys.exit(1)
print(leaders[0])'
  }
  wait_for "the group formed: three workers, one leader" 120 leader
  lead="$(leader)"
  for w in "${workers[@]}"; do [[ "$w" == "$lead" ]] || { follower="$w"; break; }; done
  say "leader $lead; creating file-source and file-sink through follower $follower"
  python3 compose/config/cluster/create-connectors.py --rest "$(worker_rest "$follower")" \
    compose/config/connectors/file-source.json compose/config/connectors/file-sink.json >&2

  # placed WORKER [EXCLUDED]: asked through WORKER, the file pipeline's connectors and
  # tasks are all RUNNING, none on the worker EXCLUDED; prints where each one runs.
  placed() {
    curl -fsS "$(worker_rest "$1")/connectors?expand=status" | python3 -c '
import json, sys
excluded = sys.argv[1]
s = json.load(sys.stdin)
items = []
for c in ("file-source", "file-sink"):
    st = s[c]["status"]
    items.append((c, st["connector"]))
    items += [(c + "/" + str(t["id"]), t) for t in st["tasks"]]
    if not st["tasks"]:
        sys.exit(1)
where = {name: i["worker_id"].split(":")[0] for name, i in items}
print(", ".join(name + " on " + w for name, w in where.items()))
sys.exit(not all(i["state"] == "RUNNING" and where[name] != excluded for name, i in items))' "${2:-}"
  }
  wait_for "file-source and file-sink running" 90 placed "$lead"
  say "placement: $(placed "$lead")"
  sent=0
  send() { append $((sent + 1)) $((sent + lines)); sent=$((sent + lines)); }
  send
  wait_for "$sent lines through the cluster" 90 all_lines 1 "$sent"

  # task_workers WORKER: where the pipeline's two tasks run (asked through WORKER): the
  # source task's worker, then the sink task's.
  task_workers() {
    curl -fsS "$(worker_rest "$1")/connectors?expand=status" | python3 -c '
import json, sys
s = json.load(sys.stdin)
print(" ".join(t["worker_id"].split(":")[0] for c in ("file-source", "file-sink") for t in s[c]["status"]["tasks"]))'
  }

  # A round: SIGKILL the worker VICTIM with lines in flight, send more while its work
  # moves, check that the survivors run everything and deliver every line, then start
  # VICTIM again and wait until it is back in the group.
  kill_round() {
    local victim="$1" survivor w src snk on=() killed_at before
    for w in "${workers[@]}"; do [[ "$w" == "$victim" ]] || { survivor="$w"; break; }; done
    wait_for "the group formed: three workers, one leader" 60 leader
    lead="$(leader)"
    read -r src snk <<<"$(task_workers "$victim")"
    [[ "$src" != "$victim" ]] || on+=(file-source/0)
    [[ "$snk" != "$victim" ]] || on+=(file-sink/0)
    send
    compose kill -s SIGKILL "$victim" >/dev/null
    killed_at=$SECONDS
    say "$victim killed (SIGKILL$([[ "$victim" != "$lead" ]] || echo ', the leader')), running task ${on[*]}"
    send
    wait_for "every connector and task RUNNING on the survivors" 150 placed "$survivor" "$victim"
    say "failover took $((SECONDS - killed_at))s: $(placed "$survivor" "$victim")"
    send
    wait_for "all $sent lines in the sink's output with $victim dead" 120 all_lines 1 "$sent"
    rebalances() { compose logs --no-color "$victim" 2>/dev/null | grep -c 'rebalance complete' || true; }
    before="$(rebalances)"
    compose start "$victim" >/dev/null
    wait_for "$victim healthy again" 120 healthy "$victim"
    back() { (($(rebalances) > before)); }
    wait_for "$victim back in the group" 90 back
    wait_for "every connector and task RUNNING" 90 placed "$victim"
  }

  # The worker running the source task dies first (with the sink task too if it runs
  # there). When the sink task ran elsewhere, the worker running it then dies next: each
  # task is taken over from a dead worker once.
  read -r source_worker sink_worker <<<"$(task_workers "$lead")"
  kill_round "$source_worker"
  if [[ "$sink_worker" != "$source_worker" ]]; then
    read -r _ sink_worker <<<"$(task_workers "$source_worker")"
    kill_round "$sink_worker"
  fi
  send
  wait_for "all $sent lines in the sink's output" 120 all_lines 1 "$sent"
  say "placement: $(placed worker1)"
  dupes="$(sink_file output.txt | grep -c "^$marker line " || true)"
  say "output holds $dupes test lines for $sent sent, 0 missing (at least once: duplicates allowed)"

  compose down -v --remove-orphans >/dev/null 2>&1 || true
  passed=$((passed + 1))
  say "cluster phase passed in $((SECONDS - cluster_started))s"
fi

if [[ "$phases" == *" tls "* ]]; then
  say "tls phase: compose/docker-compose.yml with compose/docker-compose.tls.yml"
  tls_started=$SECONDS
  use_stack tls
  bash compose/tls.sh
  compose down -v --remove-orphans >/dev/null 2>&1 || true
  compose up -d
  wait_for "kafka healthy" 180 healthy kafka
  wait_for "core healthy" 120 healthy core
  for c in file-source file-sink rust-source rust-sink; do
    wait_for "connector $c running" 90 running "$c"
  done
  mutual_tls() { compose logs --no-color file-sink 2>/dev/null | grep -q 'mutual TLS'; }
  wait_for "file-sink serves mutual TLS" 30 mutual_tls
  https_endpoint() { curl -fsS "$rest/connectors/file-sink/config" | grep -q '"connector.endpoint":"https://file-sink:50051"'; }
  wait_for "the core reaches file-sink at https://file-sink:50051" 10 https_endpoint
  append 1 "$lines"
  wait_for "$lines lines through file-source -> Kafka -> file-sink over mutual TLS" 90 all_lines 1 "$lines"
  # The conformance kit in the core's container: through with the core's certificate;
  # nobody gets in without TLS, nor with TLS but no client certificate.
  kit() { compose exec -T core polyconnect conformance --class FileStreamSink --timeout 5 \
    --config file=/data/conformance.txt "$@" 2>&1 || true; }
  tls_opts=(--config connector.endpoint.ssl.truststore.location=/etc/polyconnect-tls/ca.pem
    --config connector.endpoint.ssl.truststore.type=PEM)
  out="$(kit --endpoint https://file-sink:50051 "${tls_opts[@]}" \
    --config connector.endpoint.ssl.keystore.location=/etc/polyconnect-tls/core.pem \
    --config connector.endpoint.ssl.keystore.type=PEM)"
  grep -q '^PASS  handshake' <<<"$out" || fail "the kit with the core's certificate: $out"
  out="$(kit --endpoint file-sink:50051)"
  grep -q '^PASS  handshake' <<<"$out" && fail "file-sink answered a clear-text connection: $out"
  out="$(kit --endpoint https://file-sink:50051 "${tls_opts[@]}")"
  grep -q 'TLS refused by the connector process' <<<"$out" ||
    fail "file-sink did not refuse a client without a certificate: $out"
  say "file-sink refuses clear text and clients without a certificate"
  compose down -v --remove-orphans >/dev/null 2>&1 || true
  passed=$((passed + 1))
  say "tls phase passed in $((SECONDS - tls_started))s"
fi

say "run (without building images) took $((SECONDS - images_done))s"
echo "compose-test: $passed passed, 0 failed"
