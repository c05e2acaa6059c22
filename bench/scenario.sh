#!/usr/bin/env bash
# One scenario: CONNECTIONS established loopback TCP connections and 200 TCP and UDP listeners, in a
# network namespace of its own. Measures, side by side in this one run:
#  - CPU per cycle of skerry, a long-running process started by deploy/bin/skerry (production flags,
#    stdout mode, 1 s interval), from the run time of all its threads (/proc/PID/task/*/schedstat) over
#    REPS windows of WINDOW cycles after WARMUP seconds (early: the JIT compiler is still at work on
#    code that runs once a cycle) and REPS more from STEADY seconds after the start (steady), GC and JIT
#    threads included; and in each window, at the same time, the CPU per cycle of the floor (bench/floor.c: read(2) of /proc/net/{tcp,tcp6,udp,udp6,dev}
#    at the same 1 s interval, half a second out of phase), and of the floor of all the files the
#    collectors read ("all": the other /proc files, the listings of /proc and /sys/class/thermal);
#  - RSS (VmRSS) at the end and its peak (VmHWM);
#  - start to first report: from the launcher's exec to the first report line on stdout, STARTS times,
#    with the CPU time the agent used until then, and next to it the wall time of `java -version`
#    with the same flags (the JVM's own start, as a floor on this machine under its current load);
#  - report bytes in JSON and CBOR with long and short field names (dev.skerry.bench.ReportSizes:
#    the agent's collectors and encoder over this host, second cycle, so with the delta metrics).
# Prints one line of key=value results.
#   bash bench/scenario.sh CONNECTIONS REPS WINDOW WARMUP STEADY STARTS FLOOR_BINARY CLASSPATH
source "$(dirname "$0")/lib.sh"
enter_netns "$0" "$@"
require_build
connections=$1 reps=$2 window=$3 warmup=$4 steady=$5 starts=$6 floor=$7 classpath=$8
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null; rm -rf "$work"' EXIT
start_load "$connections" 200 $(( warmup + steady + 2 * reps * (window + 5) + starts * 20 + 300 )) "$repo/target/test-classes"

# env execs the launcher, which execs the JVM: $! is the agent's pid.
agent_env=(env SKERRY_STATE_DIR="$work/state" SKERRY_INTERVAL=1s SKERRY_THING_NAME=bench)

# --- CPU per cycle, skerry and floor side by side; RSS ---
mkdir -p "$work/state"
"${agent_env[@]}" "$repo/deploy/bin/skerry" > "$work/reports.jsonl" 2> "$work/agent.err" &
agent=$!
# windows PHASE: REPS windows of WINDOW cycles, skerry and the floors side by side; appends to
# PHASE_skerry, PHASE_floor, PHASE_floor_all and PHASE_ratio.
windows() {
    local -n skerry_ms=$1_skerry floor_ms=$1_floor floor_all_ms=$1_floor_all ratios=$1_ratio
    local t0 n0 t1 n1 f s
    for _ in $(seq "$reps"); do
        t0=$(cpu_ns "$agent"); n0=$(wc -l < "$work/reports.jsonl")
        sleep 0.5
        "$floor" "$window" 1000 all > "$work/floor-all" &
        f=$("$floor" "$window" 1000 | cut -d' ' -f1)
        wait $!
        floor_all_ms+=("$(cut -d' ' -f1 "$work/floor-all")")
        t1=$(cpu_ns "$agent"); n1=$(wc -l < "$work/reports.jsonl")
        s=$(awk -v t=$(( t1 - t0 )) -v n=$(( n1 - n0 )) 'BEGIN {printf "%.2f", t / 1e6 / n}')
        skerry_ms+=("$s"); floor_ms+=("$f"); ratios+=("$(awk -v s="$s" -v f="$f" 'BEGIN {printf "%.2f", s / f}')")
    done
}
early_skerry=() early_floor=() early_floor_all=() early_ratio=()
steady_skerry=() steady_floor=() steady_floor_all=() steady_ratio=()
started=$(date +%s)
sleep "$warmup"
windows early
sleep $(( steady - ($(date +%s) - started) > 0 ? steady - ($(date +%s) - started) : 0 ))
windows steady
rss=$(status_kb "$agent" VmRSS); hwm=$(status_kb "$agent" VmHWM); [ "$hwm" -ge "$rss" ] || hwm=$rss
kill -0 "$agent" || { echo "skerry died: $(tail -3 "$work/agent.err")" >&2; exit 1; }
stop_pid "$agent"

# --- start to first report ---
starts_ms=() starts_cpu_ms=() jvm_ms=()
for _ in $(seq "$starts"); do
    rm -rf "$work/state"; mkdir -p "$work/state"
    fifo=$work/first; rm -f "$fifo"; mkfifo "$fifo"
    t0=$(date +%s%N)
    "${agent_env[@]}" "$repo/deploy/bin/skerry" > "$fifo" 2>> "$work/agent.err" &
    pid=$!
    head -n 1 < "$fifo" > "$work/first.json"
    t1=$(date +%s%N)
    starts_cpu_ms+=($(( $(cpu_ticks "$pid") * 1000 / clk_tck )))
    stop_pid "$pid"
    jq -e '.header.report_id and (.metrics.network_stats == null)' "$work/first.json" > /dev/null ||
        { echo "the first line is not a first report: $(head -c 200 "$work/first.json")" >&2; exit 1; }
    starts_ms+=($(( (t1 - t0) / 1000000 )))
    # the JVM's own start and exit with the launcher's flags, the floor of any Java program's start
    t0=$(date +%s%N)
    java -XX:+UseSerialGC -Xms8m -Xmx32m -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -version 2> /dev/null
    jvm_ms+=($(( ($(date +%s%N) - t0) / 1000000 )))
done

# --- report bytes ---
sizes=$(java -cp "$classpath" dev.skerry.bench.ReportSizes)

spread() { printf '%s\n' "$@" | awk '{print}' | median | tr -d '\n'; printf ' (%s to %s)' "$(printf '%s\n' "$@" | sort -g | head -1)" "$(printf '%s\n' "$@" | sort -g | tail -1)"; }
echo "connections=$connections steady_after_s=$steady skerry_ms=[$(spread "${steady_skerry[@]}")] floor_ms=[$(spread "${steady_floor[@]}")]" \
     "floor_all_ms=[$(spread "${steady_floor_all[@]}")] ratio=[$(spread "${steady_ratio[@]}")]" \
     "early_after_s=$warmup early_skerry_ms=[$(spread "${early_skerry[@]}")] early_floor_ms=[$(spread "${early_floor[@]}")]" \
     "early_ratio=[$(spread "${early_ratio[@]}")] rss_kib=$rss hwm_kib=$hwm first_report_ms=[$(spread "${starts_ms[@]}")]" \
     "first_report_cpu_ms=[$(spread "${starts_cpu_ms[@]}")] jvm_version_ms=[$(spread "${jvm_ms[@]}")] $sizes" \
     "cycles_per_window=$window reps=$reps"
