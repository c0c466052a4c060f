#!/usr/bin/env bash
# Installs what a fresh machine needs to build, test and run Polyconnect: Debian packages
# (compilers for librdkafka, a JDK and Maven for the Kafka broker, openssl and the JDK's
# keytool for its TLS listeners), the Python packages of the SDK and its tests, and the
# Apache Kafka jars. Idempotent and quick on a second run.
#
#   scripts/setup.sh          everything `make test` needs (also `make setup`)
#   scripts/setup.sh demo     only what `make demo` runs: the Debian packages (compilers for
#                             the core's librdkafka, a JDK and Maven for the Kafka broker),
#                             the Python SDK's packages (the file connectors need no more)
#                             and the Kafka broker jars; no PostgreSQL, no Go, TypeScript or
#                             Java SDK builds, no Kafka Connect jars
#
# SETUP_PROFILE=demo does the same as the `demo` argument.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

profile="${1:-${SETUP_PROFILE:-all}}"
case "$profile" in
  all | demo) ;;
  *) echo "usage: scripts/setup.sh [demo]  (unknown profile '$profile')" >&2; exit 2 ;;
esac

need=()
for pkg in build-essential cmake perl pkg-config zlib1g-dev libssl-dev libsasl2-dev libzstd-dev libcurl4-openssl-dev openssl openjdk-17-jdk-headless maven python3-pip; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
# A JDK and Maven that are already on the PATH will do.
if command -v java >/dev/null && command -v mvn >/dev/null; then
  filtered=()
  for p in "${need[@]}"; do [[ "$p" == openjdk-* || "$p" == maven ]] || filtered+=("$p"); done
  need=("${filtered[@]+"${filtered[@]}"}")
fi
if command -v pip3 >/dev/null || python3 -m pip --version >/dev/null 2>&1; then
  filtered=()
  for p in "${need[@]+"${need[@]}"}"; do [[ "$p" == python3-pip ]] || filtered+=("$p"); done
  need=("${filtered[@]+"${filtered[@]}"}")
fi
if ((${#need[@]})); then
  echo "setup: installing Debian packages: ${need[*]}"
  if [[ $(id -u) -eq 0 ]]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

command -v cargo >/dev/null || { echo "setup: cargo (Rust) is required: https://rustup.rs" >&2; exit 1; }

echo "setup: Python packages"
bash clients/python/scripts/install-deps.sh

if [[ "$profile" == demo ]]; then
  echo "setup: Apache Kafka broker jars"
  bash scripts/kafka.sh fetch
  echo "setup: done (demo)"
  exit 0
fi

echo "setup: PostgreSQL (for connectors/postgres)"
bash scripts/setup/postgres.sh
echo "setup: Go SDK and Go connectors"
bash scripts/setup/go.sh
echo "setup: TypeScript SDK and connectors"
bash scripts/setup/typescript.sh

echo "setup: third-party Kafka Connect REST clients"
bash scripts/setup/third-party.sh >/dev/null

echo "setup: Apache Kafka jars"
bash scripts/kafka.sh fetch
bash scripts/kafka.sh fetch-connect
echo "setup: Schema Registry and Confluent's Python serializers (Avro tests)"
bash scripts/setup/schema-registry.sh
echo "setup: Java SDK, examples and Kafka Connect bridge"
bash scripts/setup/java.sh
echo "setup: Debezium's PostgreSQL connector (a Kafka Connect plugin directory for the e2e tests)"
bash scripts/setup/debezium.sh >/dev/null
echo "setup: done"
