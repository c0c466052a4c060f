#!/usr/bin/env bash
# `make conformance`: runs `polyconnect conformance` against every connector listed in
# tests/conformance/targets.txt, each launched from its plugin manifest as the core would.
# Exits non-zero if any check of any connector fails. Needs the Python packages from
# scripts/setup.sh for the Python connectors.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [[ "${CONFORMANCE_NO_BUILD:-}" != 1 ]]; then
  echo "conformance: building"
  cargo build --workspace --bins --examples --locked
fi
bin="${POLYCONNECT_BIN:-$root/target/debug/polyconnect}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for i in $(seq 1 100); do echo "conformance line $i"; done > "$tmp/input.txt"

failed=()
passed=0
while read -r dir class rest; do
  [[ -z "$dir" || "$dir" == \#* ]] && continue
  if [[ ! -f "$dir/polyconnect-plugin.json" ]]; then
    echo "conformance: skipping $class: no $dir/polyconnect-plugin.json"
    continue
  fi
  args=(conformance --plugin-dir "$dir" --class "$class")
  for kv in $rest; do args+=(--config "${kv//\$\{tmp\}/$tmp}"); done
  echo "==== $class ($dir)"
  if "$bin" "${args[@]}"; then passed=$((passed + 1)); else failed+=("$class ($dir)"); fi
done < tests/conformance/targets.txt

echo "conformance: $passed connector(s) passed, ${#failed[@]} failed"
if ((${#failed[@]})); then
  printf '  FAILED: %s\n' "${failed[@]}"
  exit 1
fi
