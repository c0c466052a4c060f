#!/usr/bin/env bash
# Builds the reference harness (tests/reference/src) with plain javac against
# the Kafka Connect jars fetched by scripts/kafka.sh fetch-connect.
#
# Output: ${POLYCONNECT_CACHE:-~/.cache/polyconnect}/reference-<hash>/classes,
# where <hash> covers the sources, the Kafka version and the JDK. A build that
# is already there is reused. Progress goes to stderr; stdout has exactly one
# line, the classpath to pass to `java -cp` (quote it: it holds a `dir/*`
# wildcard that java expands itself).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$HERE/../.." && pwd)"
CACHE_DIR="${POLYCONNECT_CACHE:-$HOME/.cache/polyconnect}"

command -v javac >/dev/null 2>&1 || { echo "reference: error: javac not found (install a JDK 17)" >&2; exit 1; }

# Last line of stdout; fetches the jars on first use.
CONNECT_LIB="$("$REPO_DIR/scripts/kafka.sh" connect-lib-dir | tail -n 1)"
[[ -d "$CONNECT_LIB" ]] || { echo "reference: error: no Kafka Connect jars at '$CONNECT_LIB'" >&2; exit 1; }

cd "$HERE"
mapfile -t SOURCES < <(find src -name '*.java' | LC_ALL=C sort)
HASH="$(
  {
    for f in "${SOURCES[@]}" log4j2.properties build.sh; do
      printf '%s\n' "$f"
      cat "$f"
    done
    printf '%s\n' "$CONNECT_LIB"
    ls "$CONNECT_LIB"
    javac -version 2>&1
  } | sha256sum | cut -c1-16
)"
OUT_DIR="$CACHE_DIR/reference-$HASH"
CLASSES="$OUT_DIR/classes"

if [[ ! -f "$CLASSES/.complete" ]]; then
  mkdir -p "$OUT_DIR"
  (
    flock 8
    if [[ ! -f "$CLASSES/.complete" ]]; then
      echo "reference: compiling harness into $CLASSES" >&2
      tmp="$OUT_DIR/classes.tmp.$$"
      rm -rf "$tmp"
      mkdir -p "$tmp"
      if ! javac -encoding UTF-8 --release 17 -Xlint:all,-serial,-options \
          -cp "$CONNECT_LIB/*" -d "$tmp" "${SOURCES[@]}" >&2; then
        rm -rf "$tmp"
        echo "reference: error: javac failed" >&2
        exit 1
      fi
      # Found by Log4j2's automatic configuration (first on the classpath).
      cp log4j2.properties "$tmp/log4j2.properties"
      touch "$tmp/.complete"
      rm -rf "$CLASSES"
      mv "$tmp" "$CLASSES"
    fi
  ) 8>"$OUT_DIR/.build.lock"
fi

printf '%s:%s/*\n' "$CLASSES" "$CONNECT_LIB"
