#!/usr/bin/env bash
# The whole test suite: unit, property and end-to-end tests on a real Kafka broker with
# real connector processes. `make test` and `.ci/run` call this.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/setup.sh
echo "test: building"
cargo build --workspace --bins --tests --locked

started_kafka=0
if ! bash scripts/kafka.sh status >/dev/null 2>&1; then
  bash scripts/kafka.sh up
  started_kafka=1
fi
# The Schema Registry the Avro tests use (Apicurio Registry with Confluent's API).
started_registry=0
if ! bash scripts/registry.sh answers >/dev/null 2>&1; then
  bash scripts/registry.sh up
  started_registry=1
fi
stop_services() {
  if ((started_registry)); then bash scripts/registry.sh down || true; fi
  if ((started_kafka)); then bash scripts/kafka.sh down || true; fi
}
cleanup() { stop_services; }
trap cleanup EXIT
export POLYCONNECT_TEST_SCHEMA_REGISTRY="${POLYCONNECT_TEST_SCHEMA_REGISTRY:-$(bash scripts/registry.sh url)}"
export POLYCONNECT_TEST_SCHEMA_REGISTRY_HTTPS="${POLYCONNECT_TEST_SCHEMA_REGISTRY_HTTPS:-$(bash scripts/registry.sh https-url)}"

export POLYCONNECT_TEST_BOOTSTRAP="${POLYCONNECT_TEST_BOOTSTRAP:-127.0.0.1:${KAFKA_PORT:-9092}}"
# The five SDK packages, built once: tests/e2e/tests/new_project.rs builds the projects
# `polyconnect new` makes (outside the repository) from them.
echo "test: SDK packages"
sdk_packages="$(mktemp -d)"
cleanup() {
  rm -rf "$sdk_packages"
  stop_services
}
SDK_PACKAGES_OUT="$sdk_packages" bash scripts/sdk-packages.sh >/dev/null
export POLYCONNECT_SDK_PACKAGES="$sdk_packages"
echo "test: Rust (unit and end to end)"
rust_log="$(mktemp)"
set +e
cargo test --workspace --locked --no-fail-fast -- --test-threads="${POLYCONNECT_TEST_THREADS:-2}" 2>&1 | tee "$rust_log"
rc=${PIPESTATUS[0]}
set -e
if ((rc)); then
  # The causes again at the end, where a log's tail shows them.
  echo "test: Rust tests failed; the first lines of each failure:"
  grep -A6 -E "^thread '.*' .*panicked at" "$rust_log" | cut -c1-400 | head -120 || true
  rm -f "$rust_log"
  exit "$rc"
fi
rm -f "$rust_log"
echo "test: Python SDK, file and PostgreSQL connectors"
python3 -m pytest -q clients/python/tests connectors/file/tests connectors/postgres/tests
echo "test: the Python SDK's wheel installs into a fresh venv and imports"
# The other SDK packages are exercised end to end by their own test; this one is cheap.
pkgs="$(mktemp -d)"
SDK_PACKAGES_ONLY=python SDK_PACKAGES_OUT="$pkgs" bash scripts/sdk-packages.sh >/dev/null
python3 -m venv --system-site-packages "$pkgs/venv"
"$pkgs/venv/bin/pip" install -q --no-index --no-deps "$pkgs/python/polyconnect_sdk-1.0.0-py3-none-any.whl"
(cd "$pkgs" && venv/bin/python -c 'import sys, polyconnect
assert polyconnect.__version__ == "1.0.0" and polyconnect.__file__.startswith(sys.argv[1]), polyconnect.__file__
from polyconnect import SchemaBuilder, Schema, Struct
Struct(SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).build()).put("id", 1)' "$pkgs/venv")
rm -rf "$pkgs"
echo "test: Go SDK and Go connectors"
(cd clients/go && go test -count=1 ./...)
(cd connectors/rest-source && go test -count=1 ./...)
echo "test: TypeScript SDK and connectors"
(cd clients/typescript && npm test --silent)
(cd connectors/http-sink && npm test --silent)
echo "test: protocol conformance of the SDKs' example connectors"
# `cargo test --workspace` above built the examples the kit launches.
CONFORMANCE_NO_BUILD=1 bash scripts/conformance.sh
echo "test: Java SDK and Kafka Connect bridge"
(cd clients/java && mvn -B -ntp -q -o test)
(cd connectors/kafka-connect-bridge && mvn -B -ntp -q -o test)
