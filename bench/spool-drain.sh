#!/usr/bin/env bash
# Spool drain after an outage: COUNT reports are spooled (dev.skerry.bench.SpoolBacklog, through
# skerry's Spool in disk mode), then skerry (deploy/bin/skerry) starts with a local Mosquitto over
# mutual TLS reachable and drains them. Reports/s from the first to the last acknowledgement (a
# report leaves the spool on its PUBACK), with SKERRY_SPOOL_REPLAY_RATE at its maximum (10000; the
# default of 50 is a deliberate throttle), for each SKERRY_MQTT_MAX_INFLIGHT given (default: 1 and 4),
# the values taking turns, REPS times each. Also the bytes on disk per spooled report (allocated
# blocks, and the files' own size), and the agent's CPU per report drained (all its threads, /proc/PID/task/*/schedstat).
#   bash bench/spool-drain.sh COUNT REPS CLASSPATH [MAX_INFLIGHT...]
source "$(dirname "$0")/lib.sh"
enter_netns "$0" "$@"
require_build
count=$1 reps=$2 classpath=$3
shift 3
windows=("$@")
[ $# -gt 0 ] || windows=(1 4)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null; rm -rf "$work"' EXIT
make_pki "$work"
port=8883
start_mosquitto "$work" "$port"

files_in() { find "$1" -maxdepth 1 -name '*.report' | wc -l; }
declare -A rates cpu_us
for _ in $(seq "$reps"); do
  for window in "${windows[@]}"; do
    rm -rf "$work/state"; mkdir -p "$work/state"
    java -cp "$classpath" dev.skerry.bench.SpoolBacklog "$work/state/spool" "$count" > "$work/backlog.txt"
    allocated=$(du -s --block-size=1 "$work/state/spool" | cut -f1)
    apparent=$(find "$work/state/spool" -maxdepth 1 -name '*.report' -printf '%s\n' | awk '{s += $1} END {print s}')
    # shellcheck disable=SC2046 # the publishing environment is a list of VAR=value words
    env $(agent_publishing_env "$work" "$port") SKERRY_STATE_DIR="$work/state" SKERRY_INTERVAL=1h SKERRY_SPOOL_REPLAY_RATE=10000 \
        SKERRY_MQTT_MAX_INFLIGHT="$window" "$repo/deploy/bin/skerry" > /dev/null 2> "$work/agent.err" &
    agent=$!
    first= last=
    deadline=$(( $(date +%s) + 300 ))
    while [ "$(date +%s)" -lt "$deadline" ]; do
        left=$(files_in "$work/state/spool")
        now=$(date +%s%N)
        [ -z "$first" ] && [ "$left" -lt "$count" ] && first=$now && first_left=$left && first_cpu=$(cpu_ns "$agent")
        [ "$left" -le 1 ] && last=$now && last_cpu=$(cpu_ns "$agent") && break # the agent's own first report may still be there
        sleep 0.05
    done
    stop_pid "$agent"
    [ -n "$last" ] || { echo "the spool did not drain: $(tail -3 "$work/agent.err")" >&2; exit 1; }
    rates[$window]+=" $(awk -v n=$(( first_left - 1 )) -v ns=$(( last - first )) 'BEGIN {printf "%.0f", n / (ns / 1e9)}')"
    cpu_us[$window]+=" $(awk -v n=$(( first_left - 1 )) -v ns=$(( last_cpu - first_cpu )) 'BEGIN {printf "%.0f", ns / 1e3 / n}')"
  done
done
summary=
for window in "${windows[@]}"; do
    # shellcheck disable=SC2086 # the rates are a list of numbers
    list=$(printf '%s\n' ${rates[$window]})
    summary+=" drain_reports_per_s_inflight_$window=[$(echo "$list" | median) ($(echo "$list" | sort -g | head -1) to $(echo "$list" | sort -g | tail -1))]"
    # shellcheck disable=SC2086
    list=$(printf '%s\n' ${cpu_us[$window]})
    summary+=" drain_cpu_us_per_report_inflight_$window=[$(echo "$list" | median) ($(echo "$list" | sort -g | head -1) to $(echo "$list" | sort -g | tail -1))]"
done
echo "count=$count $(cat "$work/backlog.txt")$summary" \
     "disk_bytes_per_report=$(( allocated / count )) file_bytes_per_report=$(( apparent / count )) reps=$reps"
