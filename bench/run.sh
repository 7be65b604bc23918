#!/usr/bin/env bash
# The scale benchmark (docs/performance.md): generates catalogues of 1k, 10k and 100k
# credentials, imports each, plans every generated learner toward their goal with the cost and
# the workload objective, and prints a table and one JSON line of figures.
#
# Each plan is timed end to end, process start to answer, database included: the median of
# RUNS runs (default 3). Peak memory is the maximum resident set size from GNU time.
#
#   bench/run.sh                      # what `make bench` runs
#   SIZES="1000 10000" RUNS=5 bench/run.sh
#   BENCH_DIR=/tmp/bench bench/run.sh # keep the scratch files there
set -euo pipefail

cd "$(dirname "$0")/.."
SIZES=${SIZES:-"1000 10000 100000"}
RUNS=${RUNS:-3}
SEED=${SEED:-1}
BIN=.build/release/stackplan
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench: $TIME is missing: install Debian's time package (make bench does)" >&2; exit 1; }

swift build -c release --product stackplan >&2
DIR=${BENCH_DIR:-$(mktemp -d -t stackplan-bench.XXXXXX)}
mkdir -p "$DIR"
echo "bench: scratch files in $DIR" >&2

# Runs a command under GNU time; sets SECONDS_TAKEN (wall, 3 decimals), CPU_TAKEN (user +
# system: steadier than wall time on a shared machine), PEAK_MB and STATUS.
measure() {
    local start end
    start=$(date +%s%N)
    set +e
    "$TIME" -f "%M %U %S" -o "$DIR/time.out" "$@" >"$DIR/out.txt" 2>"$DIR/err.txt"
    STATUS=$?
    set -e
    end=$(date +%s%N)
    SECONDS_TAKEN=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    PEAK_MB=$(awk 'END { printf "%.0f", $1 / 1024 }' "$DIR/time.out")
    CPU_TAKEN=$(awk 'END { printf "%.2f", $2 + $3 }' "$DIR/time.out")
}

median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# A number field of the flat JSON of `plan --stats`: field NAME [OBJECT].
field() {
    local text=$1 name=$2 object=${3:-}
    if [ -n "$object" ]; then text=$(sed -n "s/.*\"$object\":{\([^}]*\)}.*/\1/p" <<<"$text"); fi
    sed -n "s/.*\"$name\":\([0-9.]*\).*/\1/p" <<<"$text"
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
rows=()
json_sizes=()
for size in $SIZES; do
    catalogue="$DIR/catalogue-$size.json"
    learners="$DIR/learners-$size"
    db="$DIR/bench-$size.sqlite"
    "$BIN" generate --credentials "$size" --seed "$SEED" --output "$catalogue" --learners "$learners" 2>/dev/null
    rm -f "$db" "$db-wal" "$db-shm"
    measure "$BIN" import "$catalogue" --db "$db"
    [ "$STATUS" = 0 ] || { cat "$DIR/err.txt" >&2; exit 1; }
    import_seconds=$SECONDS_TAKEN import_mb=$PEAK_MB import_cpu=$CPU_TAKEN
    rows+=("$(printf '%-8s %-7s %-9s %-44s %8s %6s %8s  %-8s %6s %6s  %s' "$size" import - "$(basename "$catalogue")" "$import_seconds" "$import_cpu" "$import_mb" - - - -)")
    plans=()
    for learner in "$learners"/learner-*.json; do
        goal=$(sed -n 's/.*"goal" : "\([^"]*\)".*/\1/p' "$learner")
        name=$(basename "$learner" .json)
        for objective in cost workload; do
            times=()
            cpus=()
            peak=0
            for _ in $(seq "$RUNS"); do
                measure "$BIN" plan --target "$goal" --learner "$learner" --objective "$objective" --db "$db"
                times+=("$SECONDS_TAKEN")
                cpus+=("$CPU_TAKEN")
                [ "$PEAK_MB" -gt "$peak" ] && peak=$PEAK_MB
            done
            status=$STATUS
            seconds=$(printf '%s\n' "${times[@]}" | median)
            cpu=$(printf '%s\n' "${cpus[@]}" | median)
            "$BIN" plan --target "$goal" --learner "$learner" --objective "$objective" --db "$db" --stats >/dev/null 2>"$DIR/stats.txt" || true
            stats=$(grep '^{' "$DIR/stats.txt" | tail -1)
            before="$(field "$stats" rows unprunedModel)×$(field "$stats" columns unprunedModel), $(field "$stats" nonZeros unprunedModel) nz"
            after="$(field "$stats" rows model)×$(field "$stats" columns model), $(field "$stats" nonZeros model) nz"
            rows+=("$(printf '%-8s %-7s %-9s %-44s %8s %6s %8s  %-8s %6s %6s  %s → %s' "$size" plan "$objective" "$name → $goal" \
                "$seconds" "$cpu" "$peak" "$([ "$status" = 0 ] && echo optimal || echo "exit $status")" \
                "$(field "$stats" unprunedCandidates)" "$(field "$stats" candidates)" "$before" "$after")")
            plans+=("{\"learner\":\"$name\",\"target\":\"$goal\",\"objective\":\"$objective\",\"exitCode\":$status,\"seconds\":$seconds,\"cpuSeconds\":$cpu,\"runs\":[$(IFS=,; echo "${times[*]}")],\"peakMB\":$peak,\"stats\":${stats:-null}}")
        done
    done
    json_sizes+=("{\"credentials\":$size,\"import\":{\"seconds\":$import_seconds,\"cpuSeconds\":$import_cpu,\"peakMB\":$import_mb},\"plans\":[$(IFS=,; echo "${plans[*]}")]}")
done

cores=$(nproc)
load=$(cut -d' ' -f1-3 /proc/loadavg)
memory=$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)
echo
echo "StackPlan scale benchmark: seed $SEED, median of $RUNS runs, $cores cores, $memory GiB, load average at start $load_start, at end $load, $(date -u +%Y-%m-%d)"
printf '%-8s %-7s %-9s %-44s %8s %6s %8s  %-8s %6s %6s  %s\n' credits step objective "learner → target / file" seconds cpu "peak MB" status cands pruned "model rows×columns, non-zeros: unpruned → pruned"
printf '%s\n' "${rows[@]}"
echo
echo "{\"benchmark\":\"stackplan-scale\",\"seed\":$SEED,\"runs\":$RUNS,\"cores\":$cores,\"loadAverage\":{\"start\":\"$load_start\",\"end\":\"$load\"},\"memoryGiB\":$memory,\"sizes\":[$(IFS=,; echo "${json_sizes[*]}")]}"
