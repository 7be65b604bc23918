#!/bin/sh
# Runs a command beside a throwaway PostgreSQL server, then stops the server, whether the
# command passed or failed. The server lives in a new temporary folder (initdb), listens only
# on a Unix socket in that folder (no TCP port), and runs as an unprivileged user: as root
# (as in CI), as the `postgres` system user Debian's package creates (or `stackplan-pg`, made
# here when neither exists). Debian's `postgresql` package is installed when it is missing.
#
#   scripts/with-postgres.sh swift test --skip-build
#
# The command sees the server's URL in $STACKPLAN_TEST_POSTGRES (a superuser "stackplan" on
# the database "postgres"; tests make their own databases beside it). If the server cannot
# start, this says why, with the end of the server's log, and fails: nothing is skipped.
# PG_FSYNC=on keeps fsync on (benchmarks); tests run with it off, since the data is thrown away.
set -eu

if [ $# -eq 0 ]; then echo "usage: $0 COMMAND [ARGUMENTS...]" >&2; exit 2; fi

fail() { echo "with-postgres: PostgreSQL cannot start: $*" >&2; exit 1; }

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
PG_BIN=$(find_bin)
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/pg_ctl" ]; then
    echo "with-postgres: installing Debian's postgresql package" >&2
    SUDO=""; [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1 && SUDO=sudo
    { $SUDO apt-get update && $SUDO apt-get install -y postgresql; } >&2 || fail "apt-get could not install the postgresql package"
    PG_BIN=$(find_bin)
    [ -n "$PG_BIN" ] && [ -x "$PG_BIN/pg_ctl" ] || fail "no pg_ctl under /usr/lib/postgresql/*/bin after installing postgresql"
fi

# PostgreSQL refuses to run as root: run it as an unprivileged user then.
as_server() { "$@"; }
if [ "$(id -u)" = 0 ]; then
    if id postgres >/dev/null 2>&1; then SERVER_USER=postgres
    else
        SERVER_USER=stackplan-pg
        id "$SERVER_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$SERVER_USER" \
            || fail "cannot create the unprivileged user $SERVER_USER to run the server"
    fi
    as_server() { runuser -u "$SERVER_USER" -- "$@"; }
fi

DIR=$(mktemp -d "${TMPDIR:-/tmp}/stackplan-pg.XXXXXX") || fail "cannot make a temporary folder"
chmod 755 "$DIR"
[ "$(id -u)" = 0 ] && chown "$SERVER_USER" "$DIR"
DATA="$DIR/data"
LOG="$DIR/server.log"

stop() {
    status=$?
    if [ -f "$DATA/postmaster.pid" ]; then as_server "$PG_BIN/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$DIR"
    exit $status
}
trap stop EXIT
trap 'exit 130' INT TERM

as_server "$PG_BIN/initdb" -D "$DATA" -U stackplan --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$DIR/initdb.log" 2>&1 \
    || { tail -n 20 "$DIR/initdb.log" >&2; fail "initdb failed (above)"; }
FSYNC=${PG_FSYNC:-off}
# listen_addresses '' means no TCP at all; the socket is in our own folder.
if ! as_server "$PG_BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
        -o "-c listen_addresses='' -k $DIR -c fsync=$FSYNC -c synchronous_commit=$([ "$FSYNC" = on ] && echo on || echo off) -c max_connections=200" start >/dev/null; then
    [ -f "$LOG" ] && tail -n 20 "$LOG" >&2
    fail "pg_ctl start failed (server log above)"
fi

export STACKPLAN_TEST_POSTGRES="postgres://stackplan@/postgres?host=$DIR"
echo "with-postgres: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on $DIR (fsync $FSYNC)" >&2
set +e
"$@"
