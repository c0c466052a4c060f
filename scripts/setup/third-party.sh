#!/usr/bin/env bash
# Third-party Kafka Connect REST clients the tests drive as their users do, each in a
# virtualenv of its own under the cache (so the machine's python3 is left alone); prints the
# path of the `kc` command of kafka-connect-py. Idempotent.
set -euo pipefail
version="1.0.0"
cache="${POLYCONNECT_CACHE:-$HOME/.cache/polyconnect}"
venv="$cache/venv/kafka-connect-py-$version"
if [[ ! -x "$venv/bin/kc" ]]; then
  echo "setup: kafka-connect-py $version in $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  PIP_ROOT_USER_ACTION=ignore "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input \
    "kafka-connect-py==$version" >&2
fi
echo "$venv/bin/kc"
