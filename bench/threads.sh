#!/usr/bin/env bash
# CPU per cycle of each of skerry's threads: what each stage costs. Runs the built agent through deploy/bin/skerry
# (stdout mode, SKERRY_INTERVAL=1s) with CONNECTIONS established loopback connections, waits STEADY seconds, then
# measures WINDOW seconds: run time of every thread (/proc/PID/task/*/schedstat) over the reports printed, by name.
#   sudo bash bench/threads.sh [CONNECTIONS STEADY WINDOW]      (defaults: 0 300 60)
# skerry-ticks is the collection stream's timer (Multi.createFrom().ticks() and the overflow drop), skerry-cycle
# the cycle it runs (collect, assemble, encode, print, heartbeat) and the concatenation around it.
source "$(dirname "$0")/lib.sh"
enter_netns "$0" "$@"
require_build
connections=${1:-0} steady=${2:-300} window=${3:-60}
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null' EXIT
start_load "$connections" 200 $(( steady + window + 60 )) "$repo/target/test-classes"
state=$(mktemp -d)
SKERRY_STATE_DIR=$state SKERRY_INTERVAL=1s SKERRY_THING_NAME=bench "$repo/deploy/bin/skerry" > "$state/out.jsonl" 2> "$state/err" &
pid=$!
sleep "$steady"
threads() { for task in /proc/"$pid"/task/*; do printf '%s %s\n' "$(tr ' ' '_' < "$task/comm")" "$(cut -d' ' -f1 "$task/schedstat")"; done; }
before=$(threads); n0=$(wc -l < "$state/out.jsonl")
sleep "$window"
after=$(threads); n1=$(wc -l < "$state/out.jsonl")
echo "connections=$connections reports=$(( n1 - n0 )) (window ${window}s after ${steady}s)"
# Threads of the same name are summed (the JVM's GC and compiler threads); ms per report, largest first.
join -a 2 <(sort <<< "$before" | awk '{s[$1] += $2} END {for (k in s) print k, s[k]}' | sort) \
          <(sort <<< "$after" | awk '{s[$1] += $2} END {for (k in s) print k, s[k]}' | sort) |
    awk -v n=$(( n1 - n0 )) 'NF == 3 {d = $3 - $2} NF == 2 {d = $2} {total += d; printf "%8.3f ms  %s\n", d / 1e6 / n, $1}
        END {printf "%8.3f ms  all threads\n", total / 1e6 / n}' | sort -rn
stop_pid "$pid"
rm -rf "$state"
