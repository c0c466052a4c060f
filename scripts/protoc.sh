#!/usr/bin/env bash
# Prints the path of a protoc binary, fetching it from Maven Central
# (com.google.protobuf:protoc:<version>:exe:<platform>) into ~/.cache/polyconnect on first use.
# Used by the SDKs' generate scripts; PROTOC=/path/to/protoc overrides it.
#
#   scripts/protoc.sh            the path of protoc $PROTOC_VERSION (default below)
set -euo pipefail

if [[ -n "${PROTOC:-}" ]]; then echo "$PROTOC"; exit 0; fi
version="${PROTOC_VERSION:-4.35.1}"   # Maven's version of protobuf 35.1 (libprotoc 35.1)
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux-x86_64 ;;
  Linux-aarch64) platform=linux-aarch_64 ;;
  Darwin-x86_64) platform=osx-x86_64 ;;
  Darwin-arm64) platform=osx-aarch_64 ;;
  *) echo "protoc.sh: no protoc build for $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac
dir="${POLYCONNECT_CACHE:-$HOME/.cache/polyconnect}/protoc-$version-$platform"
bin="$dir/protoc"
if [[ ! -x "$bin" ]]; then
  command -v mvn >/dev/null || { echo "protoc.sh: Maven (mvn) is needed to fetch protoc" >&2; exit 1; }
  mkdir -p "$dir"
  tmp="$(mktemp -d "$dir/tmp.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  if ! mvn -q -B -ntp dependency:copy \
      "-Dartifact=com.google.protobuf:protoc:$version:exe:$platform" \
      "-DoutputDirectory=$tmp" >"$tmp/mvn.log" 2>&1; then
    tail -n 20 "$tmp/mvn.log" >&2
    echo "protoc.sh: Maven could not fetch protoc $version" >&2
    exit 1
  fi
  chmod +x "$tmp/protoc-$version-$platform.exe"
  mv "$tmp/protoc-$version-$platform.exe" "$bin"
fi
echo "$bin"
