#!/usr/bin/env bash
# Soak: skerry (deploy/bin/skerry, stdout mode) at a 1 s interval on a host with 10,000 established
# TCP connections and 200 TCP and UDP listeners, for MINUTES minutes. Once a minute it samples the
# agent's RSS (/proc/PID/status VmRSS) and its heap after GC: the report's own
# heap_after_gc_bytes custom metric when the agent reports it, else the last collection in the
# JVM's GC log (-Xlog:gc+heap, which is logging only). Writes bench/soak.csv and draws
# bench/soak.svg, and prints the trend (least-squares slope) of both after the first 10 minutes.
#   bash bench/soak.sh [minutes=60] [connections=10000]
source "$(dirname "$0")/lib.sh"
enter_netns "$0" "$@"
require_build
minutes=${1:-60}
connections=${2:-10000}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait; rm -rf "$work"' EXIT
snapshot_build "$work"
start_load "$connections" 200 $(( minutes * 60 + 300 )) "$work/test-classes"

mkdir -p "$work/state"
SKERRY_APP_DIR="$work/quarkus-app" SKERRY_STATE_DIR="$work/state" SKERRY_INTERVAL=1s \
SKERRY_JAVA_OPTS="-Xlog:gc+heap=info:file=$work/gc.log" \
    "$repo/deploy/bin/skerry" > "$work/reports.jsonl" 2> "$work/agent.err" &
agent=$!

csv=$bench_dir/soak.csv
echo "minute,rss_kib,heap_after_gc_kib,heap_source,reports,cpu_ms" > "$csv"
for minute in $(seq 1 "$minutes"); do
    sleep 60
    kill -0 "$agent" 2>/dev/null || { echo "the agent died: $(tail -5 "$work/agent.err")" >&2; exit 1; }
    rss=$(status_kb "$agent" VmRSS)
    heap=$(tail -n 1 "$work/reports.jsonl" | jq -r '.custom_metrics.heap_after_gc_bytes[0].number // empty' 2>/dev/null || true)
    if [ -n "$heap" ]; then
        heap=$(( heap / 1024 )); source=report
    else
        # "GC(n) DefNew: a(b)->c(d) ..." and "GC(n) Tenured: x(y)->z(w)": after = c + z
        heap=$(grep -E 'GC\([0-9]+\) (DefNew|Tenured):' "$work/gc.log" | tail -n 2 |
            sed -E 's/.*(DefNew|Tenured): [0-9]+K\([0-9]+K\)->([0-9]+)K.*/\2/' | awk '{s += $1} END {print s + 0}')
        source=gc-log
    fi
    reports=$(wc -l < "$work/reports.jsonl")
    cpu=$(( $(cpu_ticks "$agent") * 1000 / clk_tck ))
    echo "$minute,$rss,$heap,$source,$reports,$cpu" | tee -a "$csv"
done
stop_pid "$agent"
python3 "$bench_dir/soak-svg.py" "$csv" "$bench_dir/soak.svg" "$connections"
