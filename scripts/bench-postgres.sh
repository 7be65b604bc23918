#!/usr/bin/env bash
# `make bench-postgres` (docs/performance.md, "PostgreSQL"): the PostgreSQL store against the
# SQLite one, on a throwaway server (scripts/with-postgres.sh, fsync on):
#
# 1. import a generated catalogue of 100,000 credentials into PostgreSQL (and SQLite);
# 2. plan on it through `stackplan serve`, PostgreSQL against SQLite: the median of PLANS
#    sequential requests each;
# 3. plan throughput with wrk: one instance, then two instances on the same database, each
#    instance with one solve slot pinned to a core of its own (a machine of its own);
# 4. saved-plan writes from 8 clients, one instance then two, every acknowledged write checked
#    in the database; then kill -9 one of two instances mid-load: the other keeps answering,
#    and no acknowledged write is lost.
#
# Heavy: run it once, on a quiet machine. Everything runs under nice.
#   BIN=.build/release/stackplan SKIP_BUILD=1 scripts/bench-postgres.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${STACKPLAN_TEST_POSTGRES:-}" ]; then
    export PG_FSYNC=on
    exec scripts/with-postgres.sh "$0" "$@"
fi

BIN=${BIN:-.build/release/stackplan}
SIZE=${SIZE:-100000}
PLANS=${PLANS:-9}
SECONDS_LOAD=${SECONDS_LOAD:-20}
NICE="nice -n 10"
[ "${SKIP_BUILD:-0}" = 1 ] || $NICE swift build -c release --product stackplan >&2
[ -x "$BIN" ] || { echo "bench-postgres: $BIN is not an executable" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench-postgres: installing wrk" >&2; apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }; }
DIR=${BENCH_DIR:-$(mktemp -d -t stackplan-pgbench.XXXXXX)}
mkdir -p "$DIR"
echo "bench-postgres: scratch files in $DIR; machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

database_url() { sed "s#/postgres?#/$1?#" <<<"$STACKPLAN_TEST_POSTGRES"; }
psql_on() { local db=$1; shift; psql -X -q -At "$(database_url "$db")" "$@"; }
seconds_since() { awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }

PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

# serve NAME PORT DATABASE-OPTIONS...: starts an instance, waits for it to listen.
serve() {
    local name=$1 port=$2; shift 2
    $NICE "$BIN" serve --port "$port" "$@" >"$DIR/$name.out" 2>"$DIR/$name.err" &
    PIDS+=($!)
    LAST_PID=$!
    for _ in $(seq 600); do grep -q "listening" "$DIR/$name.out" 2>/dev/null && return 0; sleep 0.1; done
    echo "bench-postgres: instance $name did not start:" >&2; cat "$DIR/$name.err" >&2; exit 1
}
stop() { kill "$1"; wait "$1" 2>/dev/null || true; }

echo "== generating $SIZE credentials" >&2
$NICE "$BIN" generate --credentials "$SIZE" --seed 1 --output "$DIR/catalogue.json" --learners "$DIR/learners" 2>/dev/null
LEARNER="$DIR/learners/learner-1.json"
GOAL=$(sed -n 's/.*"goal" : "\([^"]*\)".*/\1/p' "$LEARNER")

echo "== import" >&2
psql -X -q "$STACKPLAN_TEST_POSTGRES" -c "CREATE DATABASE plans" -c "CREATE DATABASE writes"
start=$(date +%s%N); $NICE "$BIN" import "$DIR/catalogue.json" --database "$(database_url plans)" >/dev/null; IMPORT_PG=$(seconds_since "$start")
start=$(date +%s%N); $NICE "$BIN" import "$DIR/catalogue.json" --db "$DIR/plans.sqlite" >/dev/null; IMPORT_SQLITE=$(seconds_since "$start")
echo "import $SIZE credentials: PostgreSQL ${IMPORT_PG} s, SQLite ${IMPORT_SQLITE} s" >&2

echo "== plan through the server" >&2
jq -n --slurpfile learner "$LEARNER" --arg goal "$GOAL" '{target: $goal, learner: $learner[0], objectives: ["cost", "workload"]}' >"$DIR/plan.json"
median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
time_plans() {
    local port=$1 status
    status=$(curl -s -o "$DIR/plan-answer.json" -w '%{http_code}' -X POST "127.0.0.1:$port/api/v1/plans" -H 'Content-Type: application/json' -d @"$DIR/plan.json")
    [ "$status" = 200 ] || { echo "bench-postgres: plan answered $status: $(head -c 400 "$DIR/plan-answer.json")" >&2; exit 1; }
    for _ in $(seq "$PLANS"); do
        curl -s -o /dev/null -w '%{time_total}\n' -X POST "127.0.0.1:$port/api/v1/plans" -H 'Content-Type: application/json' -d @"$DIR/plan.json"
    done | median
}
serve sqlite 8201 --db "$DIR/plans.sqlite"; PLAN_SQLITE=$(time_plans 8201); stop "$LAST_PID"
serve pg 8202 --database "$(database_url plans)"; PLAN_PG=$(time_plans 8202)
echo "plan on $SIZE ($GOAL): SQLite ${PLAN_SQLITE} s, PostgreSQL ${PLAN_PG} s (median of $PLANS)" >&2

echo "== plan throughput, one instance then two" >&2
cat >"$DIR/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = io.open("$DIR/plan.json"):read("*a")
done = function(summary, latency, requests)
  io.stderr:write(string.format("WRK %d %d %d %.0f %.0f\n", summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.duration, latency:percentile(50), latency:percentile(99)))
end
LUA
wrk_run() { # port connections -> "requests errors"
    $NICE wrk -t1 -c"$2" -d"${SECONDS_LOAD}s" --timeout 30s -s "$DIR/post.lua" "http://127.0.0.1:$1/api/v1/plans" 2>&1 >/dev/null | awk '/^WRK/ { print $2, $3, $4, $5, $6 }'
}
# An instance stands for a machine of its own: one solve at a time, pinned to one core (taskset),
# so that the second instance adds a core as it would add a machine. Unpinned, one instance
# already solves on both of this machine's cores, and a second could only share them.
stop "$LAST_PID"
serve_pinned() { local core=$1; shift; NICE="taskset -c $core nice -n 10" serve "$@" --solve-slots 1; }
serve_pinned 0 pg 8202 --database "$(database_url plans)"
read -r ONE_REQ ONE_ERR ONE_US ONE_P50 ONE_P99 <<<"$(wrk_run 8202 2)"
serve_pinned 1 pg2 8203 --database "$(database_url plans)"
wrk_run 8202 2 >"$DIR/wrk-a.txt" & WA=$!
wrk_run 8203 2 >"$DIR/wrk-b.txt" & WB=$!
wait $WA $WB
read -r A_REQ A_ERR A_US _ _ <"$DIR/wrk-a.txt"; read -r B_REQ B_ERR B_US _ _ <"$DIR/wrk-b.txt"
ONE_RATE=$(awk -v r="$ONE_REQ" -v u="$ONE_US" 'BEGIN { printf "%.2f", r / (u / 1e6) }')
TWO_RATE=$(awk -v a="$A_REQ" -v b="$B_REQ" -v u="$A_US" 'BEGIN { printf "%.2f", (a + b) / (u / 1e6) }')
echo "plans/s: one instance $ONE_RATE (p50 $((ONE_P50 / 1000)) ms, p99 $((ONE_P99 / 1000)) ms, errors $ONE_ERR); two instances $TWO_RATE (errors $((A_ERR + B_ERR)))" >&2
cleanup; PIDS=()

echo "== saved-plan writes" >&2
$NICE "$BIN" import data/catalogue.json --database "$(database_url writes)" >/dev/null
serve w1 8301 --database "$(database_url writes)"; W1=$LAST_PID
ADMIN_PASSWORD=$(awk '/demo-admin/ { print $NF }' "$DIR/w1.out")
check_acked() { # file -> number of acknowledged writes missing from the database
    psql_on writes -c "SELECT \"planId\" || E'\t' || \"version\" || E'\t' || \"name\" FROM \"savedPlanVersion\"" | sort >"$DIR/stored.txt"
    sort "$1" | comm -23 - "$DIR/stored.txt" | wc -l
}
writes() { # prefix ports [kill options] -> JSON line
    local prefix=$1 ports=$2; shift 2
    $NICE python3 scripts/bench-postgres-writes.py --ports "$ports" --admin-password "$ADMIN_PASSWORD" --learner data/learners/sofia.json \
        --target ucp-pgcert-ipc --clients 8 --seconds "$SECONDS_LOAD" --acked "$DIR/acked-$prefix.tsv" --prefix "$prefix" "$@"
}
ONE_W=$(writes one 8301); LOST_ONE=$(check_acked "$DIR/acked-one.tsv")
serve w2 8302 --database "$(database_url writes)"; W2=$LAST_PID
TWO_W=$(writes two 8301,8302); LOST_TWO=$(check_acked "$DIR/acked-two.tsv")
echo "writes, one instance: $ONE_W, acknowledged but missing: $LOST_ONE" >&2
echo "writes, two instances: $TWO_W, acknowledged but missing: $LOST_TWO" >&2

echo "== kill -9 of one of two instances mid-load" >&2
KILL_W=$(writes kill 8301,8302 --kill-pid "$W1" --kill-after $((SECONDS_LOAD / 2)))
LOST_KILL=$(check_acked "$DIR/acked-kill.tsv")
SURVIVOR=$(curl -s -o /dev/null -w '%{http_code}' 127.0.0.1:8302/api/v1/health)
echo "writes with kill -9 of instance 1 after $((SECONDS_LOAD / 2)) s: $KILL_W, acknowledged but missing: $LOST_KILL; instance 2 health: $SURVIVOR" >&2

printf '{"size": %s, "importPostgres": %s, "importSQLite": %s, "planSQLite": %s, "planPostgres": %s, "plansPerSecondOne": %s, "plansPerSecondTwo": %s, "writesOne": %s, "writesTwo": %s, "writesKill": %s, "lost": [%s, %s, %s], "survivorHealth": %s, "load": "%s"}\n' \
    "$SIZE" "$IMPORT_PG" "$IMPORT_SQLITE" "$PLAN_SQLITE" "$PLAN_PG" "$ONE_RATE" "$TWO_RATE" "$ONE_W" "$TWO_W" "$KILL_W" "$LOST_ONE" "$LOST_TWO" "$LOST_KILL" "$SURVIVOR" "$(cut -d' ' -f1-3 /proc/loadavg)"
[ "$LOST_ONE" = 0 ] && [ "$LOST_TWO" = 0 ] && [ "$LOST_KILL" = 0 ] && [ "$SURVIVOR" = 200 ]
