#!/usr/bin/env bash
# The benchmark (docs/performance.md), in two parts:
#
# - scale: generates catalogues of 1k, 10k and 100k credentials (SIZES; add 1000000 for the
#   national size), imports each, plans every generated learner toward their goal with the cost
#   and the workload objective; at sizes of CUT_CHECK_FROM credentials or more (default
#   1,000,000), it also plans each again on every candidate (`plan --no-cut`) on the same
#   database and fails unless both succeed with the same plan, or one equally good in every
#   lexicographic stage (the objectives' values, then the number of credentials);
# - schedule: plans in calendar time (a schedule: hours per week and a start day). Sofia on the
#   bundled catalogue (duration,cost and cost,workload, and her frontier), and every learner of
#   generated catalogues of 10k and 100k credentials at 20 h a week from 2027-01-04
#   (duration,cost, cost and the frontier). Each request gets SCHEDULE_TIME_LIMIT seconds, so
#   one hard case cannot hang the run.
#
# It prints a table per part and one JSON line of figures.
#
# Each plan is timed end to end, process start to answer, database included: the median of
# RUNS runs (default 3). Peak memory is the maximum resident set size from GNU time.
#
#   bench/run.sh                      # what `make bench` runs
#   SIZES="1000 10000" RUNS=5 bench/run.sh
#   SIZES="1000 10000 100000 1000000" bench/run.sh   # with the million (several minutes)
#   PARTS=schedule SCHEDULE_SIZES="1000 10000" SCHEDULE_TIME_LIMIT=10 bench/run.sh
#   BENCH_DIR=/tmp/bench bench/run.sh # keep the scratch files there
#   BIN=/tmp/stackplan SKIP_BUILD=1 bench/run.sh   # time a binary built elsewhere
#   make bench-schedule BIN=/tmp/stackplan SKIP_BUILD=1   # BIN on make's command line: the
#                                     # Makefile's own BIN (the debug build) beats the environment's
set -euo pipefail

cd "$(dirname "$0")/.."
PARTS=${PARTS:-"scale schedule"}
SIZES=${SIZES:-"1000 10000 100000"}
SCHEDULE_SIZES=${SCHEDULE_SIZES-"10000 100000"}    # set but empty: the bundled catalogue only
SCHEDULE_TIME_LIMIT=${SCHEDULE_TIME_LIMIT:-10}
RUNS=${RUNS:-3}
SEED=${SEED:-1}
CUT_CHECK_FROM=${CUT_CHECK_FROM:-1000000}
BIN=${BIN:-.build/release/stackplan}

part() { [[ " $PARTS " == *" $1 "* ]]; }
# A misspelt part would otherwise run nothing and still print a JSON line that looks complete.
for p in $PARTS; do
    case $p in scale | schedule) ;; *) echo "bench: unknown part $p in PARTS (scale, schedule)" >&2; exit 64 ;; esac
done

TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench: $TIME is missing: install Debian's time package (make bench does)" >&2; exit 1; }

[ "${SKIP_BUILD:-0}" = 1 ] || swift build -c release --product stackplan >&2
[ -x "$BIN" ] || { echo "bench: $BIN is not an executable" >&2; exit 1; }
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

# measure, RUNS times; sets SECONDS_MEDIAN, CPU_MEDIAN, PEAK (the largest of the runs: the
# median would hide a run that needed more) and RUN_TIMES (comma-separated, for the JSON).
# STATUS and out.txt are the last run's.
measure_runs() {
    local times=() cpus=()
    PEAK=0
    for _ in $(seq "$RUNS"); do
        measure "$@"
        times+=("$SECONDS_TAKEN")
        cpus+=("$CPU_TAKEN")
        if [ "$PEAK_MB" -gt "$PEAK" ]; then PEAK=$PEAK_MB; fi
    done
    SECONDS_MEDIAN=$(printf '%s\n' "${times[@]}" | median)
    CPU_MEDIAN=$(printf '%s\n' "${cpus[@]}" | median)
    RUN_TIMES=$(IFS=,; echo "${times[*]}")
}

# The JSON line of `plan ARGS --stats`, from a run of its own: --stats builds the models again
# after solving, which would inflate the timed runs. Empty if the plan printed none.
plan_stats() {
    "$BIN" plan "$@" --stats >/dev/null 2>"$DIR/stats.txt" || true
    grep '^{' "$DIR/stats.txt" | tail -1 || true
}

# A number field of the flat JSON of `plan --stats`: field NAME [OBJECT].
field() {
    local text=$1 name=$2 object=${3:-}
    if [ -n "$object" ]; then text=$(sed -n "s/.*\"$object\":{\([^}]*\)}.*/\1/p" <<<"$text"); fi
    sed -n "s/.*\"$name\":\([0-9.]*\).*/\1/p" <<<"$text"
}

goal_of() { sed -n 's/.*"goal" : "\([^"]*\)".*/\1/p' "$1"; }

# Generates the catalogue of SIZE credentials and its learners, and imports it into a new
# database under measure. Both parts use it; the schedule part reuses what the scale part made.
declare -A imported=()
generate_and_import() {
    local size=$1 db="$DIR/bench-$1.sqlite"
    measure "$BIN" generate --credentials "$size" --seed "$SEED" --output "$DIR/catalogue-$size.json" --learners "$DIR/learners-$size"
    [ "$STATUS" = 0 ] || { cat "$DIR/err.txt" >&2; exit 1; }
    generate_seconds=$SECONDS_TAKEN generate_mb=$PEAK_MB generate_cpu=$CPU_TAKEN
    rm -f "$db" "$db-wal" "$db-shm"
    measure "$BIN" import "$DIR/catalogue-$size.json" --db "$db"
    [ "$STATUS" = 0 ] || { cat "$DIR/err.txt" >&2; exit 1; }
    imported[$size]=1
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)

rows=()
json_sizes=()
cut_checks=()
if part scale; then
    for size in $SIZES; do
        catalogue="$DIR/catalogue-$size.json"
        learners="$DIR/learners-$size"
        db="$DIR/bench-$size.sqlite"
        generate_and_import "$size"
        import_seconds=$SECONDS_TAKEN import_mb=$PEAK_MB import_cpu=$CPU_TAKEN
        rows+=("$(printf '%-8s %-7s %-9s %-44s %8s %6s %8s  %-8s %6s %6s  %s' "$size" generate - "$(basename "$catalogue")" "$generate_seconds" "$generate_cpu" "$generate_mb" - - - -)")
        rows+=("$(printf '%-8s %-7s %-9s %-44s %8s %6s %8s  %-8s %6s %6s  %s' "$size" import - "$(basename "$catalogue")" "$import_seconds" "$import_cpu" "$import_mb" - - - -)")
        plans=()
        checked=0 differing=0 tied=0
        for learner in "$learners"/learner-*.json; do
            goal=$(goal_of "$learner")
            name=$(basename "$learner" .json)
            for objective in cost workload; do
                measure_runs "$BIN" plan --target "$goal" --learner "$learner" --objective "$objective" --db "$db"
                status=$STATUS
                stats=$(plan_stats --target "$goal" --learner "$learner" --objective "$objective" --db "$db")
                before="$(field "$stats" rows unprunedModel)×$(field "$stats" columns unprunedModel), $(field "$stats" nonZeros unprunedModel) nz"
                after="$(field "$stats" rows model)×$(field "$stats" columns model), $(field "$stats" nonZeros model) nz"
                rows+=("$(printf '%-8s %-7s %-9s %-44s %8s %6s %8s  %-8s %6s %6s  %s → %s; cut read %s of %s' "$size" plan "$objective" "$name → $goal" \
                    "$SECONDS_MEDIAN" "$CPU_MEDIAN" "$PEAK" "$([ "$status" = 0 ] && echo optimal || echo "exit $status")" \
                    "$(field "$stats" unprunedCandidates)" "$(field "$stats" candidates)" "$before" "$after" \
                    "$(field "$stats" keptByCut)" "$(field "$stats" examinedByCut)")")
                if [ "$size" -ge "$CUT_CHECK_FROM" ]; then
                    # The same request on every candidate, uncut (`plan --no-cut`).
                    set +e
                    "$BIN" plan --target "$goal" --learner "$learner" --objective "$objective" --db "$db" --json >"$DIR/cut.json" 2>/dev/null
                    cut_status=$?
                    "$BIN" plan --target "$goal" --learner "$learner" --objective "$objective" --db "$db" --json --no-cut >"$DIR/uncut.json" 2>/dev/null
                    uncut_status=$?
                    set -e
                    checked=$((checked + 1))
                    # Every lexicographic stage: the user's objectives in their order (values to the
                    # cent or hour), then the tie-break's first part, the number of credentials. Its
                    # second part weighs credentials by their rank among the candidates, which the
                    # cut shortens, so a plan among equals may differ there: counted apart. The
                    # model's size differs by design.
                    stages='[.status, .objectiveOrder, [.objectiveOrder[] as $stage | .objectives[$stage] * 100 | round], (.credentials | length)]'
                    if [ "$cut_status" != 0 ] || [ "$uncut_status" != 0 ]; then
                        differing=$((differing + 1))
                        echo "bench: $size $name $objective: exit $cut_status with the cut, $uncut_status on every candidate" >&2
                    elif cmp -s <(jq -S 'del(.model)' "$DIR/cut.json") <(jq -S 'del(.model)' "$DIR/uncut.json"); then
                        :
                    elif cmp -s <(jq -c "$stages" "$DIR/cut.json") <(jq -c "$stages" "$DIR/uncut.json"); then
                        tied=$((tied + 1))
                        echo "bench: $size $name $objective: another plan among equals ($(jq -c "$stages" "$DIR/cut.json")):" \
                            "$(jq -r '.credentials | join(" ")' "$DIR/uncut.json") on every candidate, $(jq -r '.credentials | join(" ")' "$DIR/cut.json") with the cut" >&2
                    else
                        differing=$((differing + 1))
                        echo "bench: $size $name $objective: the plan on the cut candidates is worse or better than the plan on every candidate:" >&2
                        diff <(jq -S 'del(.model)' "$DIR/uncut.json") <(jq -S 'del(.model)' "$DIR/cut.json") | head -20 >&2 || true
                    fi
                fi
                plans+=("{\"learner\":\"$name\",\"target\":\"$goal\",\"objective\":\"$objective\",\"exitCode\":$status,\"seconds\":$SECONDS_MEDIAN,\"cpuSeconds\":$CPU_MEDIAN,\"runs\":[$RUN_TIMES],\"peakMB\":$PEAK,\"stats\":${stats:-null}}")
            done
        done
        if [ "$size" -ge "$CUT_CHECK_FROM" ]; then
            cut_checks+=("$size: $((checked - differing)) of $checked plans the same as on every candidate, or as good in every stage ($tied of them another plan among equals)")
        fi
        json_sizes+=("{\"credentials\":$size,\"generate\":{\"seconds\":$generate_seconds,\"cpuSeconds\":$generate_cpu,\"peakMB\":$generate_mb},\"cutCheck\":{\"plans\":$checked,\"differing\":$differing,\"tied\":$tied},\"import\":{\"seconds\":$import_seconds,\"cpuSeconds\":$import_cpu,\"peakMB\":$import_mb},\"plans\":[$(IFS=,; echo "${plans[*]}")]}")
    done
fi

# How the last run ended, as the schedule table shows it: optimal; the gap of a best-found plan
# (its time limit passed, or a stage stopped short); the number of frontier plans; else the exit
# code (3: the time limit passed before any plan was found).
run_status() {
    local command=$1 line gap
    if [ "$STATUS" != 0 ]; then echo "exit $STATUS"; return; fi
    if [ "$command" = frontier ]; then
        # Every plan of the frontier proven optimal, or how many are not (from a --json run of its own).
        local count unproven
        count=$(awk 'NR == 1 { print $1; exit }' "$DIR/out.txt")
        unproven=$("$BIN" frontier "${FRONTIER_OPTIONS[@]}" --json 2>/dev/null | grep -o '"status" *: *"[a-z]*"' | grep -vc optimal || true)
        if [ "$unproven" = 0 ]; then echo "$count plans"; else echo "$count plans, $unproven unproven"; fi
        return
    fi
    line=$(grep -m1 '^Minimising' "$DIR/out.txt" || true)
    case $line in
        *"proven optimal"*) echo optimal ;;
        *"best found"*) gap=$(sed -n 's/.*within \([0-9.]*%\) gap.*/\1/p' <<<"$line"); echo "gap ${gap:-?}" ;;
        *) echo "exit 0, no status" ;;
    esac
}

schedule_rows=()
json_schedules=()
# One schedule case, timed, with its status and, for plan, the stats; adds a table row and a
# JSON object. CATALOGUE is "bundled" or the size of a generated one; OBJECTIVE is - for
# frontier (it trades duration against cost whatever --objective says); the rest are options.
schedule_case() {
    local catalogue=$1 command=$2 objective=$3 learner=$4 target=$5 db=$6
    shift 6
    # The placeholders carry the same multibyte signs as the figures: printf pads by bytes.
    local name status stats="" cands="-→-" size="-×-" nonzeros="-" about
    local options=(--target "$target" --learner "$learner" --db "$db" --time-limit "$SCHEDULE_TIME_LIMIT" "$@")
    if [ "$command" = plan ]; then options+=(--objective "$objective"); fi
    name=$(basename "$learner" .json)
    echo "bench: schedule: $catalogue $command $objective $name → $target" >&2
    measure_runs "$BIN" "$command" "${options[@]}"
    FRONTIER_OPTIONS=("${options[@]}")
    status=$(run_status "$command")
    if [ "$command" = plan ]; then
        stats=$(plan_stats "${options[@]}")
        cands="$(field "$stats" unprunedCandidates)→$(field "$stats" candidates)"
        size="$(field "$stats" rows model)×$(field "$stats" columns model)"
        nonzeros=$(field "$stats" nonZeros model)
    fi
    schedule_rows+=("$(printf '%-10s %-9s %-14s %-50s %8s %7s %8s  %-10s %-18s %-17s %s' "$([ "$catalogue" = bundled ] && echo bundled || echo "gen $catalogue")" \
        "$command" "$objective" "$name → $target" "$SECONDS_MEDIAN" "$CPU_MEDIAN" "$PEAK" "$status" "$cands" "$size" "$nonzeros")")
    if [ "$catalogue" = bundled ]; then about='"catalogue":"bundled"'; else about="\"catalogue\":\"generated\",\"credentials\":$catalogue"; fi
    json_schedules+=("{$about,\"command\":\"$command\",\"learner\":\"$name\",\"target\":\"$target\",\"objective\":$([ "$objective" = - ] && echo null || echo "\"$objective\""),\"exitCode\":$STATUS,\"status\":\"$status\",\"seconds\":$SECONDS_MEDIAN,\"cpuSeconds\":$CPU_MEDIAN,\"runs\":[$RUN_TIMES],\"peakMB\":$PEAK,\"stats\":${stats:-null}}")
}

if part schedule; then
    db="$DIR/bundled.sqlite"
    rm -f "$db" "$db-wal" "$db-shm"
    "$BIN" import data/catalogue.json --db "$db" >/dev/null
    # Sofia's profile has hoursPerWeek and start, so her plans are schedules as they stand.
    for objective in duration,cost cost,workload; do
        schedule_case bundled plan "$objective" data/learners/sofia.json ucp-pgdip-ipc "$db"
    done
    schedule_case bundled frontier - data/learners/sofia.json ucp-pgdip-ipc "$db"

    for size in $SCHEDULE_SIZES; do
        [ -n "${imported[$size]:-}" ] || generate_and_import "$size"
        for learner in "$DIR/learners-$size"/learner-*.json; do
            for objective in duration,cost cost; do
                schedule_case "$size" plan "$objective" "$learner" "$(goal_of "$learner")" "$DIR/bench-$size.sqlite" \
                    --hours-per-week 20 --start 2027-01-04
            done
            schedule_case "$size" frontier - "$learner" "$(goal_of "$learner")" "$DIR/bench-$size.sqlite" \
                --hours-per-week 20 --start 2027-01-04
        done
    done
fi

cores=$(nproc)
load=$(cut -d' ' -f1-3 /proc/loadavg)
memory=$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)
machine="$cores cores, $memory GiB, load average at start $load_start, at end $load, $(date -u +%Y-%m-%d)"
if part scale; then
    echo
    echo "StackPlan scale benchmark: seed $SEED, median of $RUNS runs, $machine"
    printf '%-8s %-7s %-9s %-44s %8s %6s %8s  %-8s %6s %6s  %s\n' credits step objective "learner → target / file" seconds cpu "peak MB" status cands pruned "model rows×columns, non-zeros: unpruned → pruned; credentials the cut read of those it examined"
    printf '%s\n' "${rows[@]}"
    for check in "${cut_checks[@]}"; do echo "cut check at $check"; done
fi
if part schedule; then
    echo
    echo "StackPlan schedule benchmark: seed $SEED, median of $RUNS runs, time limit $SCHEDULE_TIME_LIMIT s per request, generated learners at 20 h a week from 2027-01-04, $machine"
    printf '%-10s %-9s %-14s %-50s %8s %7s %8s  %-10s %-18s %-17s %s\n' catalogue step objective "learner → target" seconds cpu "peak MB" status "cands all→pruned" "model rows×cols" "non-zeros"
    printf '%s\n' "${schedule_rows[@]}"
fi
echo
cut_failed=0
for check in "${cut_checks[@]}"; do case $check in *": 0 of 0"* ) ;; *) set -- $check; [ "$2" = "$4" ] || cut_failed=1 ;; esac; done
echo "{\"benchmark\":\"stackplan-scale\",\"seed\":$SEED,\"runs\":$RUNS,\"cores\":$cores,\"loadAverage\":{\"start\":\"$load_start\",\"end\":\"$load\"},\"memoryGiB\":$memory,\"sizes\":[$(IFS=,; echo "${json_sizes[*]}")],\"scheduleTimeLimit\":$SCHEDULE_TIME_LIMIT,\"schedules\":[$(IFS=,; echo "${json_schedules[*]}")]}"
if [ "$cut_failed" = 1 ]; then echo "bench: a plan on the cut candidates differs from the plan on every candidate" >&2; exit 1; fi
