#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback, for the team server's tests and benchmark.
#   url=$(bash scripts/postgres.sh start DIR [PORT])   # prints the URL of its `postgres` database
#   bash scripts/postgres.sh stop DIR
set -euo pipefail
action="$1"
dir="$2"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$bin/initdb" ] || { echo "error: PostgreSQL is not installed (scripts/deps.sh --test installs it)" >&2; exit 1; }
# PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
as=()
[ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
case "$action" in
start)
    port="${3:-$((20000 + RANDOM % 20000))}"
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    "${as[@]}" "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 >"$dir/initdb.log"
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
stop)
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
*)
    echo "usage: postgres.sh start DIR [PORT] | stop DIR" >&2
    exit 2
    ;;
esac
