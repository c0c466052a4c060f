#!/usr/bin/env bash
# `make bench`: Polyconnect side by side with Apache Kafka Connect 4.3.1 (compare), exactly-once
# against at-least-once sources in both runtimes (eos), source
# throughput through the core vs. the raw producer with each SDK's source (source), each
# SDK's sink (sink), the cost of tracing (tracing), the per-record cost of a transform out
# of process against a built-in one (transforms) and, on three-worker distributed
# clusters of both runtimes, the time to move a dead worker's tasks and to place many
# connectors (rebalance; `make bench-rebalance` runs it alone). Not part of `make test`.
#
# Knobs (environment):
#   BENCH_ONLY=compare,eos,source,sink,tracing,transforms,registry,rebalance  the parts to run (default: all; sdk = source,sink)
#   BENCH_RECORDS_TRANSFORMS=200000  BENCH_TRANSFORM_ROUNDS=3  (transforms: one transform built in or out of process)
#   BENCH_RECORDS_REGISTRY=200000  BENCH_REGISTRY_ROUNDS=3  (registry: DataGen through each converter, then a sink)
#   BENCH_EOS_RECORDS=200000  BENCH_EOS_ROUNDS=2  BENCH_EOS_BATCH=2000  BENCH_EOS_OUT=target/bench/eos.md
#   BENCH_REBALANCE_PARTS=kill,assign  BENCH_REBALANCE_CONNECTORS=500  BENCH_REBALANCE_TASKS=4
#   BENCH_REBALANCE_DATAGEN=1  Polyconnect also places as many DataGen connectors
#   BENCH_RECORDS=500000     N per comparison run at 100 B; scales the source/sink parts too
#   BENCH_RECORDS_1K         N at 1 KiB (default BENCH_RECORDS / 4)
#   BENCH_ROUNDS=3           interleaved rounds of the comparison (medians reported)
#   BENCH_PIPELINES=e2e,source,sink,footprint   BENCH_SIZES=100,1024   BENCH_TASKS=1,4
#   BENCH_RUNTIMES=polyconnect,kafka-connect    BENCH_IDLE_SECS=20 (footprint idle period)
#   BENCH_TIMEOUT_SECS=900   BENCH_KC_HEAP_OPTS="-Xms256M -Xmx2G"
#   BENCH_OUT=target/bench/compare.md           where the comparison table is written too
#   BENCH_SDKS=python,rust   BENCH_SKIP_TRACING=1   BENCH_SKIP_PYTHON=1   BENCH_SDK_SINKS_FILE
#   BENCH_SKIP_SETUP=1       do not run scripts/setup.sh first
#   POLYCONNECT_TEST_BOOTSTRAP (default 127.0.0.1:9092): a healthy broker there is used as
#   it is; only when none answers does this start one (and stop it at the end).
# The details of each part are at the top of tests/e2e/src/bin/compare.rs, eos.rs and bench.rs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
only="${BENCH_ONLY:-all}"
want() { [[ ",$only," == *",all,"* || ",$only," == *",$1,"* ]] || { [[ ",$only," == *",sdk,"* ]] && [[ $1 == source || $1 == sink ]]; }; }

[[ -n "${BENCH_SKIP_SETUP:-}" ]] || bash scripts/setup.sh
cargo build --release --workspace --bins --locked
# The Rust SDK's example transform, which the transforms part runs out of process.
if want transforms; then cargo build --release -p polyconnect-sdk --example first_transform --locked; fi
target="${CARGO_TARGET_DIR:-$root/target}"

bootstrap="${POLYCONNECT_TEST_BOOTSTRAP:-$(bash scripts/kafka.sh bootstrap)}"
broker_healthy() {
  local host="${bootstrap%%,*}"
  (exec 3<>"/dev/tcp/${host%:*}/${host##*:}") 2>/dev/null || return 1
  bash scripts/kafka.sh run org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --list >/dev/null 2>&1
}
started=0
if broker_healthy; then
  echo "bench: using the broker at $bootstrap"
else
  bash scripts/kafka.sh up
  started=1
fi
cleanup() { if ((started)); then bash scripts/kafka.sh down || true; fi; }
trap cleanup EXIT

export POLYCONNECT_TEST_BOOTSTRAP="$bootstrap"
export POLYCONNECT_POLYCONNECT_BIN="$target/release/polyconnect"
export POLYCONNECT_POLYCONNECT_TEST_CONNECTOR_BIN="$target/release/polyconnect-test-connector"
export POLYCONNECT_LOG="${POLYCONNECT_LOG:-warn}"

status=0
# The converters' part (registry) runs on the Schema Registry.
registry_part=0
want registry && registry_part=1
if ((registry_part)); then
  if ! bash scripts/registry.sh answers >/dev/null 2>&1; then bash scripts/registry.sh up; fi
  export POLYCONNECT_TEST_SCHEMA_REGISTRY="${POLYCONNECT_TEST_SCHEMA_REGISTRY:-$(bash scripts/registry.sh url)}"
fi
if want source || want sink || want tracing || want transforms || ((registry_part)); then
  parts=()
  for p in source sink tracing transforms; do want "$p" && parts+=("$p"); done
  ((registry_part)) && parts+=(registry)
  BENCH_ONLY="$(IFS=,; echo "${parts[*]}")" "$target/release/polyconnect-bench" || status=$?
fi
if want compare; then
  "$target/release/polyconnect-compare" || status=$?
fi
if want eos; then
  "$target/release/polyconnect-eos-bench" || status=$?
fi
if want rebalance; then
  "$target/release/polyconnect-rebalance" || status=$?
fi
exit "$status"
