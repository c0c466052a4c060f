#!/usr/bin/env bash
# Regenerates the protocol stubs in clients/python/polyconnect/v1 from proto/polyconnect/v1.
#
#   clients/python/scripts/generate.sh            writes into clients/python
#   clients/python/scripts/generate.sh OUT_DIR    writes into OUT_DIR/polyconnect/v1 instead
#
# Needs grpcio-tools (see install-deps.sh for the pinned version). The output is committed;
# tests/test_generated.py fails when it is stale.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python_root="$(cd "$here/.." && pwd)"
repo_root="$(cd "$python_root/../.." && pwd)"
out="${1:-$python_root}"
python="${PYTHON:-python3}"

mkdir -p "$out/polyconnect/v1"
cd "$repo_root"
"$python" -m grpc_tools.protoc -I proto \
    --python_out="$out" --pyi_out="$out" \
    proto/polyconnect/v1/data.proto proto/polyconnect/v1/connector.proto
"$python" -m grpc_tools.protoc -I proto \
    --grpc_python_out="$out" \
    proto/polyconnect/v1/connector.proto
