#!/usr/bin/env bash
# What the PostgreSQL sink (connectors/postgres) and its tests need: the PostgreSQL server
# and client from Debian (`postgresql`: initdb, pg_ctl, psql; the tests start private
# servers, the package's own cluster is not used) and the psycopg 3 driver from PyPI.
# Idempotent: does nothing when both are there.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
python="${PYTHON:-python3}"

have_server() {
  command -v initdb >/dev/null && command -v psql >/dev/null && return 0
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && command -v psql >/dev/null
}

if ! have_server; then
  echo "setup: installing Debian package: postgresql"
  if [[ $(id -u) -eq 0 ]]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi

if ! "$python" -c 'import psycopg, sys; sys.exit(0 if psycopg.pq.__impl__ in ("binary", "c") and int(psycopg.__version__.split(".")[0]) == 3 else 1)' >/dev/null 2>&1; then
  echo "setup: installing the PostgreSQL sink's Python packages"
  PIP_ROOT_USER_ACTION=ignore "$python" -m pip install --quiet --disable-pip-version-check --no-input \
    -r "$root/connectors/postgres/requirements.txt"
fi
