#!/usr/bin/env bash
# Debezium's PostgreSQL connector as a Kafka Connect plugin directory: the jars Maven
# Central gives for io.debezium:debezium-connector-postgres (and its runtime dependencies,
# without Kafka's own jars, as Debezium's plugin archive ships), cached under
# ~/.cache/polyconnect. Prints the directory, which goes on a worker's plugin.path as is.
# Idempotent; concurrent runs wait for each other.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="${DEBEZIUM_VERSION:-3.6.1.Final}"
cache="${POLYCONNECT_CACHE:-$HOME/.cache/polyconnect}"
dest="$cache/kafka-connect-plugins/debezium-connector-postgres-$version"
mkdir -p "$cache/kafka-connect-plugins"
if [[ ! -f "$dest/.complete" ]]; then
  command -v mvn >/dev/null || { echo "setup: debezium needs Maven (scripts/setup/java.sh)" >&2; exit 1; }
  (
    flock 8
    [[ -f "$dest/.complete" ]] && exit 0
    echo "setup: fetching debezium-connector-postgres $version from Maven Central into $dest" >&2
    tmp="$dest.tmp.$$"
    log="$cache/kafka-connect-plugins/debezium-mvn.log"
    rm -rf "$tmp"
    if ! mvn -q -B -ntp -f "$here/debezium/pom.xml" "-Ddebezium.version=$version" \
        dependency:copy-dependencies -DincludeScope=runtime "-DoutputDirectory=$tmp" >"$log" 2>&1; then
      rm -rf "$tmp"
      tail -n 30 "$log" >&2
      echo "setup: maven could not fetch debezium-connector-postgres $version (log: $log)" >&2
      exit 1
    fi
    ls "$tmp"/debezium-connector-postgres-*.jar >/dev/null
    touch "$tmp/.complete"
    rm -rf "$dest"
    mv "$tmp" "$dest"
  ) 8>"$cache/kafka-connect-plugins/.debezium.lock"
fi
echo "$dest"
