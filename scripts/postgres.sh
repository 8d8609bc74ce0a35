# Sourced by scripts/test.sh: choose the PostgreSQL the suite runs on and set PG_URL.
#   1. $DATABASE_URL when it is set;
#   2. postgres@127.0.0.1:5432 when it answers (PG_PROBE_HOST / PG_PROBE_PORT move the probe);
#   3. otherwise a throwaway cluster (initdb + pg_ctl, as the postgres user when run as root,
#      because PostgreSQL refuses to run as root), stopped and deleted when the script exits.

PG_PROBE_HOST="${PG_PROBE_HOST:-127.0.0.1}"
PG_PROBE_PORT="${PG_PROBE_PORT:-5432}"
PG_DATABASE_NAME="${PG_DATABASE_NAME:-portal_test_run}"
PG_TMP=""
PG_BIN=""
PG_AS=()

pg_answers() {
    .venv/bin/python - "$1" "$2" <<'PY' >/dev/null 2>&1
import sys

import psycopg

psycopg.connect(
    host=sys.argv[1], port=int(sys.argv[2]), user="postgres", dbname="postgres", connect_timeout=3
).close()
PY
}

find_pg_bin() {
    local initdb
    initdb="$(command -v initdb 2>/dev/null || true)"
    if [ -z "$initdb" ]; then
        initdb="$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)"
    fi
    [ -n "$initdb" ] && [ -x "$initdb" ] && dirname "$initdb"
}

free_port() {
    .venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stop_throwaway_cluster() {
    [ -n "$PG_TMP" ] || return 0
    if [ -f "$PG_TMP/data/postmaster.pid" ]; then
        (cd "$PG_TMP" && "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m immediate -w stop) \
            >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_TMP"
    PG_TMP=""
}

start_throwaway_cluster() {
    PG_BIN="$(find_pg_bin || true)"
    if [ -z "$PG_BIN" ]; then
        ensure_packages postgresql
        PG_BIN="$(find_pg_bin || true)"
        [ -n "$PG_BIN" ] || die "PostgreSQL is installed but initdb was not found."
    fi
    PG_TMP="$(mktemp -d /tmp/portal-pg.XXXXXX)"
    trap stop_throwaway_cluster EXIT
    trap 'exit 130' INT TERM
    if is_root; then
        id postgres >/dev/null 2>&1 || die "Running as root needs the 'postgres' user to start PostgreSQL."
        chown postgres: "$PG_TMP"
        PG_AS=(runuser -u postgres --)
    fi
    local port
    port="$(free_port)"
    say "Starting a throwaway PostgreSQL ($PG_BIN) on 127.0.0.1:$port in $PG_TMP"
    if ! (cd "$PG_TMP" && "${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_TMP/data" -U postgres \
        -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$PG_TMP/initdb.log" 2>&1); then
        cat "$PG_TMP/initdb.log" >&2
        die "initdb failed"
    fi
    # Durability is pointless for a cluster deleted after the run; these make the tests faster.
    if ! (cd "$PG_TMP" && "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" \
        -w -t 60 -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_TMP -c fsync=off \
        -c synchronous_commit=off -c full_page_writes=off" start >/dev/null); then
        cat "$PG_TMP/server.log" >&2
        die "pg_ctl start failed"
    fi
    PG_URL="postgres://postgres@127.0.0.1:$port/$PG_DATABASE_NAME"
}

choose_postgres() {
    if [ -n "${DATABASE_URL:-}" ]; then
        PG_URL="$DATABASE_URL"
        say "PostgreSQL: \$DATABASE_URL"
    elif pg_answers "$PG_PROBE_HOST" "$PG_PROBE_PORT"; then
        PG_URL="postgres://postgres@$PG_PROBE_HOST:$PG_PROBE_PORT/$PG_DATABASE_NAME"
        say "PostgreSQL: $PG_PROBE_HOST:$PG_PROBE_PORT answers"
    else
        start_throwaway_cluster
    fi
}
