#!/usr/bin/env bash
# `make soak`: the fault-injection scenarios (tests/e2e/tests/faults*.rs) run again and
# again for SOAK_MINUTES (default 10), while a steady stream with
# offset.flush.interval.ms=100 (faults_steady.rs) runs alongside for the whole time and
# must see no connector process or task restart. Not part of `make test`.
#
# Writes the raw test output and a summary table (scenario, runs, records in, missing,
# duplicated, restarts) to $SOAK_OUT (default target/soak) and prints the table. Exits
# non-zero if a record went missing or a test failed.
#
#   SOAK_MINUTES=3 make soak
#   SOAK_TESTS="faults faults_load" SOAK_MINUTES=5 bash scripts/soak.sh
#
# Environment:
#   SOAK_MINUTES   how long the fault scenarios are repeated (default 10); a run that
#                  started before the deadline is finished
#   SOAK_TESTS     test files (without .rs) to repeat, in order (default: faults_load
#                  faults_compression faults faults_broker)
#   SOAK_OUT       output directory (default target/soak)
#   SOAK_JOBS      cargo -j (default 1)
#   POLYCONNECT_TEST_BOOTSTRAP  the shared broker (default 127.0.0.1:9092; started with
#                  scripts/kafka.sh up if none runs, and then stopped at the end)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

minutes="${SOAK_MINUTES:-10}"
tests="${SOAK_TESTS:-faults_load faults_compression faults faults_broker}"
out="${SOAK_OUT:-$root/target/soak}"
jobs="${SOAK_JOBS:-1}"
mkdir -p "$out"
rm -f "$out"/run-*.log "$out"/steady.log "$out"/summary.txt

say() { printf 'soak: %s\n' "$*" >&2; }

started_kafka=0
if ! bash scripts/kafka.sh status >/dev/null 2>&1; then
  bash scripts/kafka.sh up
  started_kafka=1
fi
steady_pid=""
cleanup() {
  if [[ -n "$steady_pid" ]] && kill -0 "$steady_pid" 2>/dev/null; then kill "$steady_pid" 2>/dev/null || true; fi
  if ((started_kafka)); then bash scripts/kafka.sh down || true; fi
}
trap cleanup EXIT
export POLYCONNECT_TEST_BOOTSTRAP="${POLYCONNECT_TEST_BOOTSTRAP:-127.0.0.1:${KAFKA_PORT:-9092}}"

say "building (cargo -j$jobs)"
cargo build -j"$jobs" --workspace --bins
# Build the test binaries once and run them directly, so the soak tests one build even if
# the tree changes meanwhile.
test_args=()
for t in $tests faults_steady; do test_args+=(--test "$t"); done
declare -A bin
while IFS=$'\t' read -r name path; do
  bin[$name]="$path"
done < <(cargo test -j"$jobs" -p polyconnect-e2e --no-run --message-format=json "${test_args[@]}" 2>/dev/null |
  python3 -c '
import json, sys
for line in sys.stdin:
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("reason") == "compiler-artifact" and m.get("executable") and "test" in m["target"]["kind"]:
        print(m["target"]["name"] + "\t" + m["executable"])
')
for t in $tests faults_steady; do
  [[ -n "${bin[$t]:-}" ]] || { say "no test binary for $t"; exit 1; }
done

deadline=$((SECONDS + minutes * 60))
say "steady stream (offset.flush.interval.ms=100) for ${minutes} min alongside the fault scenarios"
POLYCONNECT_SOAK_SECONDS=$((minutes * 60)) "${bin[faults_steady]}" --test-threads=1 --nocapture >"$out/steady.log" 2>&1 &
steady_pid=$!

run=0
failed_tests=()
while ((SECONDS < deadline)); do
  run=$((run + 1))
  for t in $tests; do
    ((SECONDS < deadline)) || break
    log="$out/run-$run-$t.log"
    say "run $run: $t ($(( (deadline - SECONDS + 59) / 60 )) min left)"
    if ! "${bin[$t]}" --test-threads=1 --nocapture >"$log" 2>&1; then
      while read -r name; do failed_tests+=("run $run: $name"); done < <(sed -n 's/^test \([a-z0-9_]*\) .*FAILED$/\1/p; s/^    \([a-z0-9_]*\)$/\1/p' "$log" | sort -u)
      [[ ${#failed_tests[@]} -gt 0 ]] || failed_tests+=("run $run: $t (see $log)")
    fi
  done
done

say "waiting for the steady stream to end"
steady_rc=0
wait "$steady_pid" || steady_rc=$?
steady_pid=""
if ((steady_rc)); then failed_tests+=("steady_stream_with_fast_offset_flushes_restarts_nothing (see $out/steady.log)"); fi

# One line per scenario run: scenario=<name> in=<N> out=<lines> missing=<m> duplicated=<d> unexpected=<u> restarts=<r>
cat "$out"/run-*.log "$out/steady.log" 2>/dev/null |
  grep -o 'scenario=[^ ]* in=[0-9]* out=[0-9]* missing=[0-9]* duplicated=[0-9]* unexpected=[0-9]* restarts=[0-9]*' |
  awk -v minutes="$minutes" -v runs="$run" '
    {
      for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      s = v["scenario"]
      if (!(s in n)) order[++k] = s
      n[s]++; rin[s] += v["in"]; miss[s] += v["missing"]; dup[s] += v["duplicated"]; rst[s] += v["restarts"]
      T_in += v["in"]; T_miss += v["missing"]; T_dup += v["duplicated"]; T_rst += v["restarts"]; T_n++
    }
    END {
      printf "soak: %s min, %d rounds of the fault scenarios\n\n", minutes, runs
      printf "| %-28s | %5s | %10s | %7s | %10s | %8s |\n", "scenario", "runs", "records in", "missing", "duplicated", "restarts"
      printf "|%s|%s|%s|%s|%s|%s|\n", "------------------------------", "------:", "-----------:", "--------:", "-----------:", "---------:"
      for (j = 1; j <= k; j++) { s = order[j]
        printf "| %-28s | %5d | %10d | %7d | %10d | %8d |\n", s, n[s], rin[s], miss[s], dup[s], rst[s] }
      printf "| %-28s | %5d | %10d | %7d | %10d | %8d |\n", "total", T_n, T_in, T_miss, T_dup, T_rst
    }' >"$out/summary.txt"
{
  echo
  echo "restarts: connector process and task restarts the core logged (expected in the kill, stop, hang and"
  echo "timeout scenarios; steady-flush-100ms must have none)."
  if ((${#failed_tests[@]})); then
    echo
    echo "failed tests:"
    printf '  %s\n' "${failed_tests[@]}"
  else
    echo "every test passed."
  fi
} >>"$out/summary.txt"
cat "$out/summary.txt"
say "summary in $out/summary.txt, test output in $out/"

missing_total="$(awk -F'|' '$2 ~ /total/ {gsub(/ /, "", $5); print $5}' "$out/summary.txt")"
if ((${#failed_tests[@]})) || [[ "${missing_total:-0}" != 0 ]]; then
  exit 1
fi
