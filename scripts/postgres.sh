#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on loopback for the tests and prints its URL:
#   export SHRUTI_TEST_POSTGRES=$(bash scripts/postgres.sh DIR)
# Stop it with: pg_ctl -D DIR/data stop (scripts/test.sh does this on exit).
set -euo pipefail
dir="$1"
port="${2:-$((20000 + RANDOM % 20000))}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$bin/initdb" ] || { echo "error: PostgreSQL is not installed (scripts/deps.sh --test installs it)" >&2; exit 1; }
mkdir -p "$dir"
# PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
as=()
if [ "$(id -u)" = 0 ]; then
    chown postgres "$dir"
    as=(runuser -u postgres --)
fi
"${as[@]}" "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 >"$dir/initdb.log"
"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
echo "postgres://postgres@127.0.0.1:$port/postgres"
