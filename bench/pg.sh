#!/usr/bin/env bash
# bench/run.sh on PostgreSQL: starts a throwaway PostgreSQL server (Debian's programs,
# a temporary data directory, loopback only, durable settings as a real server has
# them: fsync on, synchronous_commit on), creates an empty database and runs
# bench/run.sh with EPLATFORM_DB pointing at it, so the same pages are measured on
# PostgreSQL; the arguments and environment are bench/run.sh's. The server and its
# directory are removed at exit.
#
#   bench/pg.sh -read-only          # compare with bench/run.sh -read-only on SQLite
#   BENCH_PG_PORT (18281)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(dirname "$(readlink -f "$(command -v initdb 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")")
PGPORT=${BENCH_PG_PORT:-18281}
dir=$(mktemp -d)
as=()
if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; as=(runuser -u postgres --); fi
trap '"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
"${as[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C >/dev/null
"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-p $PGPORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c max_connections=200 -c shared_buffers=256MB" start >/dev/null
"${as[@]}" "$bin/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "CREATE DATABASE eplatform" >/dev/null
export EPLATFORM_DB="postgres://postgres@127.0.0.1:$PGPORT/eplatform?sslmode=disable"
echo "bench: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on port $PGPORT" >&2
bench/run.sh "$@"
