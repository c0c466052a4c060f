#!/usr/bin/env bash
# Regenerates the Go protocol code in clients/go/gen/polyconnect/v1 from proto/polyconnect/v1.
#
#   clients/go/scripts/generate.sh            writes into clients/go/gen
#   clients/go/scripts/generate.sh OUT_DIR    writes into OUT_DIR/polyconnect/v1 instead
#
# protoc comes from Maven Central (scripts/protoc.sh), protoc-gen-go and protoc-gen-go-grpc
# from the Go module proxy at the versions pinned below, both cached under
# ~/.cache/polyconnect. The output is committed; generate_test.go fails when it is stale.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
go_root="$(cd "$here/.." && pwd)"
repo_root="$(cd "$go_root/../.." && pwd)"
out="${1:-$go_root/gen}"
protoc_gen_go_version=v1.36.12
protoc_gen_go_grpc_version=v1.6.2
module=github.com/polyconnect/polyconnect/clients/go/gen

protoc="$(bash "$repo_root/scripts/protoc.sh")"
bin="${POLYCONNECT_CACHE:-$HOME/.cache/polyconnect}/go-bin/protoc-gen-go-$protoc_gen_go_version-grpc-$protoc_gen_go_grpc_version"
if [[ ! -x "$bin/protoc-gen-go" || ! -x "$bin/protoc-gen-go-grpc" ]]; then
  mkdir -p "$bin"
  GOBIN="$bin" go install "google.golang.org/protobuf/cmd/protoc-gen-go@$protoc_gen_go_version"
  GOBIN="$bin" go install "google.golang.org/grpc/cmd/protoc-gen-go-grpc@$protoc_gen_go_grpc_version"
fi

mkdir -p "$out"
cd "$repo_root/proto"
PATH="$bin:$PATH" "$protoc" -I . \
  --go_out="$out" --go_opt=module="$module" \
  --go-grpc_out="$out" --go-grpc_opt=module="$module" \
  polyconnect/v1/data.proto polyconnect/v1/connector.proto
