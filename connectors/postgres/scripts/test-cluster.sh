#!/usr/bin/env bash
# A private, throw-away PostgreSQL server for tests: its own data directory, TCP on
# 127.0.0.1 only, trust authentication for the user `postgres`, no fsync.
#
#   test-cluster.sh start PORT [SETTING=VALUE ...]
#                                 makes a directory under ${TMPDIR:-/tmp}, initdb, starts the
#                                 server on PORT (with the extra server settings, e.g.
#                                 wal_level=logical); prints the directory
#   test-cluster.sh stop DIR      stops it (immediately) and removes DIR
#   test-cluster.sh halt DIR      stops the server (fast shutdown), keeping its data
#   test-cluster.sh resume DIR    starts a halted server again on its port
#
# PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user
# (created by Debian's postgresql package), which owns the directory.
# POLYCONNECT_PG_BINDIR overrides where initdb and pg_ctl are looked for.
set -euo pipefail

bindir() {
  if [[ -n "${POLYCONNECT_PG_BINDIR:-}" ]]; then echo "$POLYCONNECT_PG_BINDIR"; return; fi
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    dirname "$(command -v initdb)"; return
  fi
  # Debian keeps the server binaries off the PATH, one directory per major version.
  local best
  best="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  if [[ -z "$best" || ! -x "$best/initdb" ]]; then
    echo "test-cluster: PostgreSQL server binaries (initdb, pg_ctl) not found; run scripts/setup.sh" >&2
    exit 1
  fi
  echo "$best"
}

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start_server() {
  local bin="$1" dir="$2" port
  port="$(cat "$dir/port")"
  local extra=""
  [[ -f "$dir/settings" ]] && extra="$(cat "$dir/settings")"
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=off -c synchronous_commit=off -c full_page_writes=off$extra" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
}

cmd="${1:-}"
case "$cmd" in
  start)
    port="${2:?PORT}"
    bin="$(bindir)"
    if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
      echo "test-cluster: running as root and there is no 'postgres' user to run the server as" >&2
      exit 1
    fi
    # Directly under the temp directory, so the postgres user can reach it.
    dir="$(mktemp -d "${TMPDIR:-/tmp}/polyconnect-pg.XXXXXX")"
    if [[ $(id -u) -eq 0 ]]; then chown postgres: "$dir"; fi
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    echo "$port" >"$dir/port"
    for setting in "${@:3}"; do
      [[ "$setting" =~ ^[a-z_.]+=[A-Za-z0-9_.]+$ ]] || { echo "test-cluster: bad setting '$setting'" >&2; exit 2; }
      printf ' -c %s' "$setting" >>"$dir/settings"
    done
    start_server "$bin" "$dir"
    echo "$dir"
    ;;
  stop)
    dir="${2:?DIR}"
    if [[ -f "$dir/data/postmaster.pid" ]]; then
      as_owner "$(bindir)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  halt)
    dir="${2:?DIR}"
    as_owner "$(bindir)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  resume)
    dir="${2:?DIR}"
    start_server "$(bindir)" "$dir"
    ;;
  *)
    echo "usage: $0 start PORT | stop DIR | halt DIR | resume DIR" >&2
    exit 2
    ;;
esac
