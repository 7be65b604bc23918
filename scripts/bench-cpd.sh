#!/usr/bin/env bash
# Bulk CPD check benchmark: generates practitioner records, checks them with `stackplan cpd check --batch`
# (release build) and prints throughput and peak resident memory, measured by GNU time.
# Usage: scripts/bench-cpd.sh [COUNT...]   (default: 100000 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
counts=("$@")
[ ${#counts[@]} -eq 0 ] && counts=(100000 1000000)
if [ ! -x /usr/bin/time ]; then
    echo "bench-cpd needs GNU time (/usr/bin/time): apt-get install time" >&2
    exit 2
fi
swift build -c release --product stackplan >/dev/null
bin=.build/release/stackplan
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export STACKPLAN_DB="$work/bench.sqlite"
$bin import data/catalogue.json >/dev/null
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
printf '%-6s %9s %9s %10s %12s %12s  %s\n' format records "MB in" seconds "records/s" "peak RSS MiB" options
for count in "${counts[@]}"; do
    for format in jsonl csv; do
        input="$work/records-$count.$format"
        $bin cpd generate --scheme NMC --count "$count" --cycle-ends 2026-03-31 --seed 1 --malformed 0.001 --format "$format" --output "$input"
        for check in "" --no-repeat-check; do
            /usr/bin/time -f '%e %M' -o "$work/time" $bin cpd check --batch "$input" --scheme NMC --as-of 2026-03-31 \
                --output "$work/results.csv" $check >"$work/summary" || [ $? -le 2 ]
            # GNU time puts "Command exited with non-zero status N" first when records fail their checks.
            read -r seconds kib < <(tail -n 1 "$work/time")
            awk -v f="$format" -v n="$count" -v b="$(stat -c %s "$input")" -v s="$seconds" -v k="$kib" -v c="${check:-repeat check}" \
                'BEGIN { printf "%-6s %9d %9.1f %10.2f %12.0f %12.1f  %s\n", f, n, b / 1e6, s, n / s, k / 1024, c }'
        done
        rm -f "$input"
    done
done
echo "(NMC scheme, 2-12 activities per record, 0.1% deliberately malformed; one result row per record written to CSV)"
