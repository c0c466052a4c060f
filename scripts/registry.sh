#!/usr/bin/env bash
# A Schema Registry with Confluent's REST API for development and tests: Apicurio Registry
# (Maven Central), packaged by scripts/registry/pom.xml into a runnable Quarkus application
# with in-memory storage; its Confluent-compatible API is at /apis/ccompat/v7.
#
#   scripts/registry.sh fetch     build the application into the cache (once)
#   scripts/registry.sh up        start the registry and wait until it answers
#   scripts/registry.sh down      stop it
#   scripts/registry.sh status    exit 0 if the registry started from here is up and answering
#   scripts/registry.sh answers   exit 0 if any registry answers at the URL
#   scripts/registry.sh url       print the URL clients set as schema.registry.url
#   scripts/registry.sh https-url print the URL of its HTTPS listener, which requires a client
#                                 certificate signed by the development CA (scripts/kafka.sh
#                                 tls makes the CA, the server's and a client's certificates)
#
# Environment: REGISTRY_PORT (default 8081; HTTPS on REGISTRY_PORT + 1), REGISTRY_START_TIMEOUT (seconds, default 120),
# REGISTRY_HEAP_OPTS (default -Xms64m -Xmx384m), POLYCONNECT_CACHE (default
# ~/.cache/polyconnect), POLYCONNECT_STATE (pid and log; default .cache in the repository).
# The registry keeps its schemas in memory: a restart starts it empty.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$SCRIPT_DIR/.." && pwd)"
SUPPORT_DIR="$SCRIPT_DIR/registry"

CACHE_DIR="${POLYCONNECT_CACHE:-$HOME/.cache/polyconnect}"
STATE_DIR="${POLYCONNECT_STATE:-$REPO_DIR/.cache}"
REGISTRY_PORT="${REGISTRY_PORT:-8081}"
REGISTRY_HOST=127.0.0.1
START_TIMEOUT="${REGISTRY_START_TIMEOUT:-120}"
STOP_TIMEOUT="${REGISTRY_STOP_TIMEOUT:-20}"
REGISTRY_HEAP_OPTS="${REGISTRY_HEAP_OPTS:--Xms64m -Xmx384m}"

# The build is keyed by the content of its inputs: a change to the pom or the sources
# builds it anew; a missing or partial cache is built again.
build_key() {
  (cd "$SUPPORT_DIR" && find pom.xml src -type f | LC_ALL=C sort | xargs sha256sum) | sha256sum | cut -c1-16
}
APP_DIR="$CACHE_DIR/schema-registry-$(build_key)"
RUNNER="$APP_DIR/polyconnect-test-registry-1-runner.jar"

PID_FILE="$STATE_DIR/registry.pid"
LOG_FILE="$STATE_DIR/registry.log"
LOCK_FILE="$STATE_DIR/registry.lock"
URL="http://$REGISTRY_HOST:$REGISTRY_PORT/apis/ccompat/v7"
REGISTRY_HTTPS_PORT=$((REGISTRY_PORT + 1))
HTTPS_URL="https://$REGISTRY_HOST:$REGISTRY_HTTPS_PORT/apis/ccompat/v7"

say() { printf 'registry: %s\n' "$*" >&2; }
die() { printf 'registry: error: %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found on PATH ($2)"; }

cmd_fetch() {
  [[ -f "$APP_DIR/.complete" && -f "$RUNNER" ]] && return 0
  need java "install a JDK 17 (scripts/setup.sh does)"
  need mvn "install Maven 3.8+ (scripts/setup.sh does)"
  mkdir -p "$CACHE_DIR"
  (
    flock 8
    [[ -f "$APP_DIR/.complete" && -f "$RUNNER" ]] && exit 0
    say "building the Schema Registry (Apicurio Registry from Maven Central) into $APP_DIR"
    local tmp="$APP_DIR.tmp.$$" log="$CACHE_DIR/schema-registry-build.log" started=$SECONDS
    rm -rf "$tmp"
    if ! mvn -q -B -ntp -f "$SUPPORT_DIR/pom.xml" "-Dregistry.build.dir=$tmp/build" \
        -DskipTests package >"$log" 2>&1; then
      rm -rf "$tmp"
      sed -e 's/\x1b\[[0-9;]*m//g' "$log" | grep -v '^\s*$' | tail -n 30 >&2 || true
      die "maven could not build the Schema Registry (full log: $log)"
    fi
    [[ -f "$tmp/build/polyconnect-test-registry-1-runner.jar" ]] || die "maven built no runner jar in $tmp/build"
    mv "$tmp/build/polyconnect-test-registry-1-runner.jar" "$tmp/build/lib" "$tmp/"
    rm -rf "$tmp/build"
    touch "$tmp/.complete"
    rm -rf "$APP_DIR"
    mv "$tmp" "$APP_DIR"
    say "built in $((SECONDS - started))s"
  ) 8>"$CACHE_DIR/.schema-registry.lock"
}

port_open() { (exec 3<>"/dev/tcp/$REGISTRY_HOST/$1") 2>/dev/null; }

# Pid of the registry this script started, if it is still running.
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "polyconnect-test-registry-1-runner.jar" || return 1
  echo "$pid"
}

answers() { curl -sf -m 5 -o /dev/null "$URL/subjects"; }

healthy() { running_pid >/dev/null && answers; }

stop_pid() {
  local pid="$1" waited=0
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null; do
    if ((waited >= STOP_TIMEOUT * 10)); then
      say "registry (pid $pid) still running after ${STOP_TIMEOUT}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
}

log_tail() {
  if [[ -f "$LOG_FILE" ]]; then
    printf -- '--- last 40 lines of %s ---\n' "$LOG_FILE" >&2
    tail -n 40 "$LOG_FILE" >&2
    printf -- '---\n' >&2
  fi
}

cmd_up() {
  local started=$SECONDS
  need curl "install curl"
  mkdir -p "$STATE_DIR"
  cmd_fetch
  exec 9>"$LOCK_FILE"
  flock 9
  local pid
  if pid="$(running_pid)"; then
    if answers; then
      say "already running (pid $pid) at $URL"
      return 0
    fi
    say "registry (pid $pid) is running but not answering; restarting it"
    stop_pid "$pid"
  fi
  rm -f "$PID_FILE"
  if port_open "$REGISTRY_PORT"; then
    # A registry started from another checkout serves the tests as well (its schemas are
    # in memory; tests use subjects of their own).
    if answers; then
      say "a Schema Registry not started from here already answers at $URL; using it"
      return 0
    fi
    die "port $REGISTRY_PORT is already in use by another process (set REGISTRY_PORT to use another port)"
  fi
  # HTTPS with client certificates required, on the development CA's certificates (the
  # broker's: SAN IP:127.0.0.1), so tests reach a registry over TLS as production does.
  local tls tls_dir store_password
  tls="$(bash "$SCRIPT_DIR/kafka.sh" tls)" || die "cannot make the TLS material (scripts/kafka.sh tls)"
  tls_dir="$(sed -n 's/^tls.dir=//p' <<<"$tls")"
  store_password="$(sed -n 's/^store.password=//p' <<<"$tls")"
  say "starting the Schema Registry at $URL and $HTTPS_URL (log: $LOG_FILE)"
  : >"$LOG_FILE"
  # setsid: the registry must not die with the caller's terminal or process group;
  # 9>&- keeps the state lock from leaking into it.
  # shellcheck disable=SC2086
  HTTP_PORT="$REGISTRY_PORT" QUARKUS_HTTP_HOST="$REGISTRY_HOST" \
    setsid java $REGISTRY_HEAP_OPTS -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true \
    "-Dquarkus.http.ssl-port=$REGISTRY_HTTPS_PORT" \
    "-Dquarkus.http.ssl.certificate.key-store-file=$tls_dir/broker.keystore.p12" \
    -Dquarkus.http.ssl.certificate.key-store-file-type=PKCS12 \
    "-Dquarkus.http.ssl.certificate.key-store-password=$store_password" \
    "-Dquarkus.http.ssl.certificate.trust-store-file=$tls_dir/truststore.p12" \
    -Dquarkus.http.ssl.certificate.trust-store-file-type=PKCS12 \
    "-Dquarkus.http.ssl.certificate.trust-store-password=$store_password" \
    -Dquarkus.http.ssl.client-auth=required \
    -jar "$RUNNER" </dev/null >>"$LOG_FILE" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"
  local deadline=$((SECONDS + START_TIMEOUT))
  until answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      log_tail
      die "the registry exited during startup"
    fi
    if ((SECONDS >= deadline)); then
      log_tail
      stop_pid "$pid"
      rm -f "$PID_FILE"
      die "the registry did not answer within ${START_TIMEOUT}s"
    fi
    sleep 0.5
  done
  say "ready at $URL in $((SECONDS - started))s"
}

cmd_down() {
  mkdir -p "$STATE_DIR"
  exec 9>"$LOCK_FILE"
  flock 9
  local pid
  if pid="$(running_pid)"; then
    say "stopping the registry (pid $pid)"
    stop_pid "$pid"
  else
    say "not running"
  fi
  rm -f "$PID_FILE"
}

case "${1:-}" in
  fetch) cmd_fetch ;;
  up) cmd_up ;;
  down) cmd_down ;;
  status) healthy ;;
  answers) answers ;;
  url) echo "$URL" ;;
  https-url) echo "$HTTPS_URL" ;;
  *) sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
