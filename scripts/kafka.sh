#!/usr/bin/env bash
# Single-node Apache Kafka (KRaft) for development and tests, run from the
# Maven Central jars; no Kafka distribution tarball needed.
#
#   scripts/kafka.sh fetch             download broker + tool jars into the cache
#   scripts/kafka.sh fetch-connect     download Kafka Connect jars (reference runtime)
#   scripts/kafka.sh up                start the broker and wait until it is ready
#   scripts/kafka.sh down              stop the broker
#   scripts/kafka.sh status            exit 0 if the broker is up and ready
#   scripts/kafka.sh topics ARGS...    kafka-topics against the broker
#   scripts/kafka.sh console-consumer ARGS...
#   scripts/kafka.sh console-producer ARGS...
#   scripts/kafka.sh run CLASS ARGS... any main class on the broker classpath
#   scripts/kafka.sh bootstrap         print the bootstrap address
#   scripts/kafka.sh secure-info       print the secured listeners, users and TLS files
#   scripts/kafka.sh tls               make the development CA and certificates if missing;
#                                      print their directory and the stores' password
#   scripts/kafka.sh lib-dir | connect-lib-dir   print a jar directory (fetching if needed)
#
# See docs/kafka.md for the environment variables.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$SCRIPT_DIR/.." && pwd)"
SUPPORT_DIR="$SCRIPT_DIR/kafka"

KAFKA_VERSION="${KAFKA_VERSION:-4.3.1}"
CACHE_DIR="${POLYCONNECT_CACHE:-$HOME/.cache/polyconnect}"
KAFKA_HOME="$CACHE_DIR/kafka-$KAFKA_VERSION"
LIB_DIR="$KAFKA_HOME/lib"
CONNECT_LIB_DIR="$KAFKA_HOME/connect-lib"

STATE_DIR="${POLYCONNECT_STATE:-$REPO_DIR/.cache}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_SASL_SSL_PORT="${KAFKA_SASL_SSL_PORT:-$((KAFKA_PORT + 2))}"
KAFKA_SSL_PORT="${KAFKA_SSL_PORT:-$((KAFKA_PORT + 3))}"
KAFKA_OAUTH_PORT="${KAFKA_OAUTH_PORT:-$((KAFKA_PORT + 4))}"
KAFKA_HOST=127.0.0.1
BOOTSTRAP="$KAFKA_HOST:$KAFKA_PORT"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}"

DATA_DIR="$STATE_DIR/kafka-data"
PID_FILE="$STATE_DIR/kafka.pid"
LOG_FILE="$STATE_DIR/kafka.log"
SERVER_PROPS="$STATE_DIR/kafka-server.properties"
CLIENT_PROPS="$STATE_DIR/kafka-client.properties"
LOCK_FILE="$STATE_DIR/kafka.lock"
# TLS material for the secured listeners, made once (scripts/kafka.sh secure-info).
TLS_DIR="$STATE_DIR/kafka-tls"
SECURE_INFO="$STATE_DIR/kafka-secure.properties"
# Present once the data in DATA_DIR has the SCRAM users.
SCRAM_MARK="$STATE_DIR/kafka-data.scram"
# Development credentials of the secured listeners: not secrets, the broker is local.
STORE_PASSWORD=polyconnect-store
SASL_USER=connect
SASL_PASSWORD=connect-secret

# Tools start many short JVMs: keep them small and quick to start.
TOOL_JAVA_OPTS=(-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1
  "-Dlog4j2.configurationFile=$SUPPORT_DIR/log4j2-tools.properties")

say() { printf 'kafka: %s\n' "$*" >&2; }
die() { printf 'kafka: error: %s\n' "$*" >&2; exit 1; }

need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found on PATH ($2)"; }

# ---------------------------------------------------------------- fetching

# fetch_into PROFILE DEST: copy the runtime jars of a profile of
# scripts/kafka/pom.xml into DEST. A DEST/.complete marker makes it idempotent;
# a lock serialises concurrent fetches into the same cache.
fetch_into() {
  local profile="$1" dest="$2" what="$3"
  [[ -f "$dest/.complete" ]] && return 0
  need java "install a JDK 17"
  need mvn "install Maven 3.8+"
  mkdir -p "$KAFKA_HOME"
  (
    flock 8
    [[ -f "$dest/.complete" ]] && exit 0
    say "fetching $what $KAFKA_VERSION from Maven Central into $dest"
    local tmp="$dest.tmp.$$" mvn_log="$KAFKA_HOME/mvn-$profile.log" started=$SECONDS
    rm -rf "$tmp"
    if ! mvn -q -B -ntp -f "$SUPPORT_DIR/pom.xml" "-P$profile" \
        "-Dkafka.version=$KAFKA_VERSION" \
        dependency:copy-dependencies -DincludeScope=runtime \
        "-DoutputDirectory=$tmp" >"$mvn_log" 2>&1; then
      rm -rf "$tmp"
      sed -e 's/\x1b\[[0-9;]*m//g' "$mvn_log" | grep -v '^\s*$' | tail -n 30 >&2 || true
      die "maven could not fetch $what $KAFKA_VERSION (full log: $mvn_log)"
    fi
    ls "$tmp"/*.jar >/dev/null 2>&1 || die "maven produced no jars in $tmp"
    touch "$tmp/.complete"
    rm -rf "$dest"
    mv "$tmp" "$dest"
    say "fetched $(find "$dest" -maxdepth 1 -name "*.jar" | wc -l) jars in $((SECONDS - started))s"
  ) 8>"$KAFKA_HOME/.fetch.lock"
}

cmd_fetch() { fetch_into broker "$LIB_DIR" "Kafka broker"; }
cmd_fetch_connect() { fetch_into connect "$CONNECT_LIB_DIR" "Kafka Connect"; }

# ---------------------------------------------------------------- helpers

tool() { # tool CLASS ARGS...: run a main class from the broker classpath
  java "${TOOL_JAVA_OPTS[@]}" -cp "$LIB_DIR/*" "$@"
}

has_bootstrap_arg() {
  local a
  for a in "$@"; do
    case "$a" in --bootstrap-server|--bootstrap-server=*) return 0 ;; esac
  done
  return 1
}

port_open() { # port_open PORT
  (exec 3<>"/dev/tcp/$KAFKA_HOST/$1") 2>/dev/null
}

# Pid of the broker this script started, if it is still running.
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Guard against a recycled pid: it must be our kafka.Kafka process.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $SERVER_PROPS" || return 1
  echo "$pid"
}

write_client_props() {
  cat >"$CLIENT_PROPS" <<EOF
# Client settings for the readiness probe run by scripts/kafka.sh.
request.timeout.ms=5000
default.api.timeout.ms=8000
EOF
}

# One metadata round trip through the admin client.
metadata_ok() {
  [[ -f "$CLIENT_PROPS" ]] || write_client_props
  tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" \
    --command-config "$CLIENT_PROPS" --list >/dev/null 2>&1
}

healthy() { running_pid >/dev/null && port_open "$KAFKA_PORT" && metadata_ok; }

log_tail() {
  if [[ -f "$LOG_FILE" ]]; then
    printf -- '--- last 40 lines of %s ---\n' "$LOG_FILE" >&2
    tail -n 40 "$LOG_FILE" >&2
    printf -- '---\n' >&2
  fi
}

# Kafka's Uuid.toString: URL-safe base64 of 16 random bytes, no padding, and
# (like Uuid.randomUuid) never starting with '-'.
random_cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ "$id" != -* ]] && { echo "$id"; return; }
  done
}

# make_tls: a CA, a broker certificate (SAN IP:127.0.0.1, DNS:localhost) and a client
# certificate, as PEM files, PKCS12 keystores, a PKCS12 and a JKS truststore. Made once;
# a missing file makes them all again.
TLS_FILES=(ca.pem ca.key broker.pem broker.key broker.keystore.p12 client.pem client.key
  client-keystore.pem client.keystore.p12 truststore.p12 truststore.jks oauth.key jwks.json)
make_tls() {
  local f missing=0
  for f in "${TLS_FILES[@]}"; do [[ -s "$TLS_DIR/$f" ]] || missing=1; done
  ((missing)) || return 0
  need openssl "install openssl (scripts/setup.sh does)"
  need keytool "install a JDK 17 (scripts/setup.sh does)"
  say "making TLS material in $TLS_DIR"
  local tmp="$TLS_DIR.tmp.$$" log
  rm -rf "$tmp"
  mkdir -p "$tmp"
  log="$TLS_DIR.make.log"
  if ! (
    set -e
    cd "$tmp"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 \
      -subj "/CN=Polyconnect development CA" -keyout ca.key -out ca.pem \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
    # cert NAME CN EXTENSIONS: a key and a certificate signed by the CA, and a PKCS12
    # keystore of them with the CA's certificate as the chain.
    cert() {
      openssl req -newkey rsa:2048 -nodes -subj "/CN=$2" -keyout "$1.key" -out "$1.csr"
      printf '%s\n' "$3" >"$1.ext"
      openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 \
        -sha256 -extfile "$1.ext" -out "$1.pem"
      openssl pkcs12 -export -name "$1" -inkey "$1.key" -in "$1.pem" -certfile ca.pem \
        -passout "pass:$STORE_PASSWORD" -out "$1.keystore.p12"
    }
    cert broker localhost "subjectAltName=IP:127.0.0.1,DNS:localhost
extendedKeyUsage=serverAuth,clientAuth"
    cert client connect "extendedKeyUsage=clientAuth"
    cat client.key client.pem >client-keystore.pem
    keytool -importcert -noprompt -alias ca -file ca.pem -storetype PKCS12 \
      -keystore truststore.p12 -storepass "$STORE_PASSWORD"
    keytool -importcert -noprompt -alias ca -file ca.pem -storetype JKS \
      -keystore truststore.jks -storepass "$STORE_PASSWORD"
    rm -f ./*.csr ./*.ext ./*.srl
    # The OAUTH listener's identity provider: an RSA key that signs the access tokens a
    # test's token endpoint hands out, and its public half as a JWKS the broker reads.
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out oauth.key
    python3 - oauth.key jwks.json <<'PY'
import base64, json, subprocess, sys
out = subprocess.run(["openssl", "rsa", "-in", sys.argv[1], "-noout", "-modulus"],
                     check=True, capture_output=True, text=True).stdout
n = bytes.fromhex(out.strip().split("=", 1)[1])
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
key = {"kty": "RSA", "kid": "polyconnect-dev", "use": "sig", "alg": "RS256",
       "n": b64(n), "e": b64((65537).to_bytes(3, "big"))}
json.dump({"keys": [key]}, open(sys.argv[2], "w"))
PY
  ) >"$log" 2>&1; then
    cat "$log" >&2
    rm -rf "$tmp"
    die "making TLS material failed (log: $log)"
  fi
  rm -f "$log"
  rm -rf "$TLS_DIR"
  mv "$tmp" "$TLS_DIR"
}

write_secure_info() {
  cat >"$SECURE_INFO" <<EOF
# The secured listeners of the broker scripts/kafka.sh started (docs/kafka.md).
plaintext.bootstrap=$KAFKA_HOST:$KAFKA_PORT
sasl_ssl.bootstrap=$KAFKA_HOST:$KAFKA_SASL_SSL_PORT
sasl_ssl.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256,PLAIN,OAUTHBEARER
sasl.username=$SASL_USER
sasl.password=$SASL_PASSWORD
ssl.bootstrap=$KAFKA_HOST:$KAFKA_SSL_PORT
ssl.client.auth=required
store.password=$STORE_PASSWORD
tls.dir=$TLS_DIR
ca.pem=$TLS_DIR/ca.pem
truststore.p12=$TLS_DIR/truststore.p12
truststore.jks=$TLS_DIR/truststore.jks
client.keystore.p12=$TLS_DIR/client.keystore.p12
client.pem=$TLS_DIR/client.pem
client.key=$TLS_DIR/client.key
client-keystore.pem=$TLS_DIR/client-keystore.pem
oauth.bootstrap=$KAFKA_HOST:$KAFKA_OAUTH_PORT
oauth.signing.key=$TLS_DIR/oauth.key
oauth.key.id=polyconnect-dev
EOF
}

write_server_props() {
  cat >"$SERVER_PROPS" <<EOF
# Written by scripts/kafka.sh; rewritten on every 'up'.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,SASL_SSL://$KAFKA_HOST:$KAFKA_SASL_SSL_PORT,MTLS://$KAFKA_HOST:$KAFKA_SSL_PORT,OAUTH://$KAFKA_HOST:$KAFKA_OAUTH_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,SASL_SSL://$KAFKA_HOST:$KAFKA_SASL_SSL_PORT,MTLS://$KAFKA_HOST:$KAFKA_SSL_PORT,OAUTH://$KAFKA_HOST:$KAFKA_OAUTH_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,MTLS:SSL,OAUTH:SASL_PLAINTEXT
# SASL_SSL: SCRAM users are made at format time; PLAIN users are listed here; OAUTHBEARER
# takes unsecured JWTs (Kafka's default validator), for development only.
sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256,PLAIN,OAUTHBEARER
listener.name.sasl_ssl.sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256,PLAIN,OAUTHBEARER
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$SASL_USER="$SASL_PASSWORD";
listener.name.sasl_ssl.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="broker";
# OAUTH: OAUTHBEARER with signed access tokens only (the client-credentials flow), checked
# against the JWKS of the development identity provider (oauth.key in the TLS directory).
listener.name.oauth.sasl.enabled.mechanisms=OAUTHBEARER
listener.name.oauth.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;
listener.name.oauth.oauthbearer.sasl.server.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler
sasl.oauthbearer.jwks.endpoint.url=file://$TLS_DIR/jwks.json
sasl.oauthbearer.expected.audience=polyconnect-dev-cluster
# TLS for SASL_SSL and MTLS; MTLS requires a client certificate signed by the CA.
ssl.keystore.type=PKCS12
ssl.keystore.location=$TLS_DIR/broker.keystore.p12
ssl.keystore.password=$STORE_PASSWORD
ssl.key.password=$STORE_PASSWORD
ssl.truststore.type=PKCS12
ssl.truststore.location=$TLS_DIR/truststore.p12
ssl.truststore.password=$STORE_PASSWORD
listener.name.mtls.ssl.client.auth=required
log.dirs=$DATA_DIR
num.partitions=1
auto.create.topics.enable=true
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
log.retention.hours=24
EOF
  if [[ -n "${KAFKA_EXTRA_CONFIG:-}" ]]; then
    printf '# KAFKA_EXTRA_CONFIG\n%s\n' "$KAFKA_EXTRA_CONFIG" >>"$SERVER_PROPS"
  fi
}

# ---------------------------------------------------------------- up/down

stop_pid() { # stop_pid PID
  local pid="$1" waited=0
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null; do
    if ((waited >= STOP_TIMEOUT * 10)); then
      say "broker (pid $pid) still running after ${STOP_TIMEOUT}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
}

cmd_up() {
  local started=$SECONDS
  mkdir -p "$STATE_DIR"
  cmd_fetch
  exec 9>"$LOCK_FILE"
  flock 9

  local pid
  if pid="$(running_pid)"; then
    if port_open "$KAFKA_PORT" && metadata_ok; then
      say "already running (pid $pid) on $BOOTSTRAP"
      return 0
    fi
    say "broker (pid $pid) is running but not ready; restarting it"
    stop_pid "$pid"
  fi
  rm -f "$PID_FILE"

  if port_open "$KAFKA_PORT"; then
    die "port $KAFKA_PORT is already in use by another process (set KAFKA_PORT to use another port)"
  fi
  if port_open "$KAFKA_CONTROLLER_PORT"; then
    die "controller port $KAFKA_CONTROLLER_PORT is already in use (set KAFKA_CONTROLLER_PORT)"
  fi
  if port_open "$KAFKA_SASL_SSL_PORT"; then
    die "SASL_SSL port $KAFKA_SASL_SSL_PORT is already in use (set KAFKA_SASL_SSL_PORT)"
  fi
  if port_open "$KAFKA_SSL_PORT"; then
    die "SSL (mTLS) port $KAFKA_SSL_PORT is already in use (set KAFKA_SSL_PORT)"
  fi
  if port_open "$KAFKA_OAUTH_PORT"; then
    die "OAUTH port $KAFKA_OAUTH_PORT is already in use (set KAFKA_OAUTH_PORT)"
  fi

  make_tls
  write_server_props
  write_client_props
  write_secure_info
  local kept=0
  if [[ "${KAFKA_KEEP_DATA:-0}" == 1 && -f "$DATA_DIR/meta.properties" ]]; then
    say "keeping existing data in $DATA_DIR"
    kept=1
  else
    rm -rf "$DATA_DIR" "$SCRAM_MARK"
    mkdir -p "$DATA_DIR"
    local fmt_out
    if ! fmt_out="$(tool kafka.tools.StorageTool format -t "$(random_cluster_id)" \
        -c "$SERVER_PROPS" \
        --add-scram "SCRAM-SHA-512=[name=$SASL_USER,password=$SASL_PASSWORD]" \
        --add-scram "SCRAM-SHA-256=[name=$SASL_USER,password=$SASL_PASSWORD]" 2>&1)"; then
      printf '%s\n' "$fmt_out" >&2
      die "formatting storage in $DATA_DIR failed"
    fi
    touch "$SCRAM_MARK"
  fi

  say "starting Kafka $KAFKA_VERSION on $BOOTSTRAP (log: $LOG_FILE)"
  : >"$LOG_FILE"
  # setsid: the broker must not die with the caller's terminal or process
  # group; 9>&- keeps the state lock from leaking into the broker.
  # shellcheck disable=SC2086
  setsid java $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    "-Dlog4j2.configurationFile=$SUPPORT_DIR/log4j2-broker.properties" \
    "-Dorg.apache.kafka.sasl.oauthbearer.allowed.urls=file://$TLS_DIR/jwks.json" \
    ${KAFKA_JVM_OPTS:-} \
    -cp "$LIB_DIR/*" kafka.Kafka "$SERVER_PROPS" \
    </dev/null >>"$LOG_FILE" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"

  local deadline=$((SECONDS + START_TIMEOUT))
  # Cheap checks first (process alive, port open, startup logged), then one
  # admin-client metadata call to confirm.
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      log_tail
      die "broker exited during startup"
    fi
    if port_open "$KAFKA_PORT" && port_open "$KAFKA_SASL_SSL_PORT" && port_open "$KAFKA_SSL_PORT" \
        && port_open "$KAFKA_OAUTH_PORT" && grep -q 'Kafka Server started' "$LOG_FILE" && metadata_ok; then
      break
    fi
    if ((SECONDS >= deadline)); then
      log_tail
      stop_pid "$pid"
      rm -f "$PID_FILE"
      die "broker not ready after ${START_TIMEOUT}s"
    fi
    sleep 0.2
  done
  if ((kept)) && [[ ! -f "$SCRAM_MARK" ]]; then
    # Data kept from a broker formatted without the SCRAM users gets them now.
    local mech made=1
    for mech in SCRAM-SHA-256 SCRAM-SHA-512; do
      tool kafka.admin.ConfigCommand --bootstrap-server "$BOOTSTRAP" --command-config "$CLIENT_PROPS" \
        --alter --entity-type users --entity-name "$SASL_USER" \
        --add-config "$mech=[password=$SASL_PASSWORD]" \
        >/dev/null 2>&1 || { made=0; say "warning: could not make the $mech user $SASL_USER"; }
    done
    ((made)) && touch "$SCRAM_MARK"
  fi
  say "ready on $BOOTSTRAP, SASL_SSL on $KAFKA_HOST:$KAFKA_SASL_SSL_PORT, mTLS on $KAFKA_HOST:$KAFKA_SSL_PORT, OAUTHBEARER on $KAFKA_HOST:$KAFKA_OAUTH_PORT (pid $pid) in $((SECONDS - started))s"
}

cmd_secure_info() {
  running_pid >/dev/null || die "the broker is not running (scripts/kafka.sh up)"
  [[ -f "$SECURE_INFO" ]] || die "$SECURE_INFO is missing: restart the broker (scripts/kafka.sh down; scripts/kafka.sh up)"
  grep -v '^#' "$SECURE_INFO"
}

cmd_down() {
  mkdir -p "$STATE_DIR"
  exec 9>"$LOCK_FILE"
  flock 9
  local pid
  if pid="$(running_pid)"; then
    say "stopping broker (pid $pid)"
    stop_pid "$pid"
    say "stopped"
  else
    say "not running"
  fi
  rm -f "$PID_FILE"
}

cmd_status() {
  local pid
  if ! pid="$(running_pid)"; then
    say "not running"
    return 1
  fi
  if port_open "$KAFKA_PORT" && metadata_ok; then
    say "up and ready on $BOOTSTRAP (pid $pid)"
    return 0
  fi
  say "running (pid $pid) but not ready"
  return 1
}

with_bootstrap() { # with_bootstrap CLASS ARGS...
  local cls="$1"
  shift
  cmd_fetch
  if has_bootstrap_arg "$@"; then
    tool "$cls" "$@"
  else
    tool "$cls" --bootstrap-server "$BOOTSTRAP" "$@"
  fi
}

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

main() {
  local cmd="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    fetch) cmd_fetch ;;
    fetch-connect) cmd_fetch_connect ;;
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    topics) with_bootstrap org.apache.kafka.tools.TopicCommand "$@" ;;
    console-consumer) with_bootstrap org.apache.kafka.tools.consumer.ConsoleConsumer "$@" ;;
    console-producer) with_bootstrap org.apache.kafka.tools.ConsoleProducer "$@" ;;
    run) [[ $# -ge 1 ]] || die "usage: $0 run CLASS [ARGS...]"; cmd_fetch; tool "$@" ;;
    bootstrap) echo "$BOOTSTRAP" ;;
    secure-info) cmd_secure_info ;;
    tls) mkdir -p "$STATE_DIR"; make_tls; printf 'tls.dir=%s\nstore.password=%s\n' "$TLS_DIR" "$STORE_PASSWORD" ;;
    lib-dir) cmd_fetch; echo "$LIB_DIR" ;;
    connect-lib-dir) cmd_fetch_connect; echo "$CONNECT_LIB_DIR" ;;
    -h|--help|help) usage ;;
    "") usage >&2; exit 2 ;;
    *) usage >&2; die "unknown command '$cmd'" ;;
  esac
}

main "$@"
