#!/usr/bin/env bash
# Builds the Java SDK (installed into ~/.m2), its example connectors and the Kafka Connect
# bridge, leaving target/classes + target/lib for the plugin manifests' `java -cp`.
# Maven fetches everything once (protoc and the grpc-java plugin included); later runs
# work offline. A module is rebuilt only when its sources changed since its last build.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
command -v mvn >/dev/null || { echo "setup/java: Maven is required" >&2; exit 1; }

# One build at a time (the end-to-end tests call this script from parallel tests).
mkdir -p "$root/clients/java/target"
exec 9>"$root/clients/java/target/.setup.lock"
flock 9

mvn_opts=(-B -ntp -q -Dstyle.color=never)
# Offline once the local repository has what we need (the stamp says it had it).
stamp_ok() { [[ -f "$1/target/.built" ]] && [[ -z "$(find "$1/src" "$1/pom.xml" ${2:+"$2"} -newer "$1/target/.built" -print -quit 2>/dev/null)" ]]; }

build() { # build DIR GOAL [EXTRA_INPUT]
  local dir="$1" goal="$2" extra="${3:-}"
  if stamp_ok "$dir" "$extra"; then return 0; fi
  echo "setup/java: building ${dir#$root/}"
  # Maven 3.8's -q still prints colour resets; keep the output to real messages.
  (cd "$dir" && nice mvn "${mvn_opts[@]}" -DskipTests "$goal") 2>&1 | sed -e 's/\x1b\[[0-9;]*m//g' -e '/^[[:space:]]*$/d' 
  touch "$dir/target/.built"
}

build "$root/clients/java" install "$root/proto"
build "$root/clients/java/examples" package "$root/clients/java/target/.built"
build "$root/connectors/kafka-connect-bridge" package "$root/clients/java/target/.built"
# The test dependencies and surefire's JUnit provider too, so `mvn -o test` works
# without a network afterwards (one quick test class resolves the provider).
for dir in "$root/clients/java" "$root/connectors/kafka-connect-bridge"; do
  if [[ ! -f "$dir/target/.deps" || "$dir/pom.xml" -nt "$dir/target/.deps" ]]; then
    log="$dir/target/deps.log"
    if ! (cd "$dir" && nice mvn "${mvn_opts[@]}" dependency:go-offline test -Dtest='Wire*,DataConversion*' \
        -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1); then
      tail -n 30 "$log" >&2
      echo "setup/java: resolving the test dependencies of ${dir#$root/} failed (log: $log)" >&2
      exit 1
    fi
    touch "$dir/target/.deps"
  fi
done
