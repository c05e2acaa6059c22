#!/usr/bin/env bash
# Detect on the device: what a check costs, and how soon an alarm reaches the broker.
#   sudo bash bench/detect.sh [STEADY WINDOW RUNS CONNECTIONS]      (defaults: 120 30 20 "0 1000 10000"; RUNS 0: no latency)
# 1. For a ports-only profile and a profile using every supported metric, at 0, 1,000 and 10,000
#    established loopback connections (and 200 TCP and 200 UDP listeners): the agent in the stdout
#    mode with SKERRY_INTERVAL=1s and SKERRY_CHECK_INTERVAL=1s, so a check and a report cycle run as
#    often; after STEADY seconds, the run time of the skerry-check thread and of the skerry-cycle thread
#    (/proc/PID/task/*/schedstat) over WINDOW seconds, per check and per cycle, and their ratio.
# 2. Alarm latency: the agent publishing to a local Mosquitto over mutual TLS with a 1 s check
#    interval and a not-in-port-set profile; bench/detect-latency.py opens a listener on that port RUNS
#    times and takes the time until the in-alarm event arrives at its subscriber. Median and max.
source "$(dirname "$0")/lib.sh"
enter_netns "$0" "$@"
require_build
steady=${1:-120} window=${2:-30} runs=${3:-20} loads=${4:-0 1000 10000}
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null' EXIT

ports_profile='{"securityProfileName": "bench-ports", "behaviors": [
  {"name": "tcp", "metric": "aws:listening-tcp-ports", "criteria": {"comparisonOperator": "not-in-port-set", "value": {"ports": [1]}}},
  {"name": "udp", "metric": "aws:listening-udp-ports", "criteria": {"comparisonOperator": "not-in-port-set", "value": {"ports": [1]}}}]}'
every_behavior() { printf '{"name": "%s", "metric": "%s", "criteria": {"comparisonOperator": "%s", "value": %s%s}}' "$@"; }
all_profile="{\"securityProfileName\": \"bench-all\", \"behaviors\": [
  $(every_behavior tcp aws:listening-tcp-ports not-in-port-set '{"ports": [1]}' ''),
  $(every_behavior udp aws:listening-udp-ports not-in-port-set '{"ports": [1]}' ''),
  $(every_behavior ntcp aws:num-listening-tcp-ports less-than '{"count": 100000}' ''),
  $(every_behavior nudp aws:num-listening-udp-ports less-than '{"count": 100000}' ''),
  $(every_behavior conns aws:num-established-tcp-connections less-than '{"count": 1000000}' ''),
  $(every_behavior dest aws:destination-ip-addresses in-cidr-set '{"cidrs": ["127.0.0.0/8", "::1/128"]}' ''),
  $(every_behavior bin aws:all-bytes-in less-than '{"count": 1000000000000}' ', "durationSeconds": 300'),
  $(every_behavior bout aws:all-bytes-out less-than '{"count": 1000000000000}' ', "durationSeconds": 300'),
  $(every_behavior pin aws:all-packets-in less-than '{"count": 1000000000000}' ', "durationSeconds": 300'),
  $(every_behavior pout aws:all-packets-out less-than '{"count": 1000000000000}' ', "durationSeconds": 300'),
  $(every_behavior temp cpu_temperature_celsius less-than '{"number": 1000}' ''),
  $(every_behavior cpu cpu_usage_percent less-than-equals '{"number": 100}' ''),
  $(every_behavior disk disk_root_available_bytes greater-than-equals '{"number": 0}' ''),
  $(every_behavior mods kernel_modules not-in-set '{"strings": ["no-such-module"]}' ''),
  $(every_behavior load load_average_1m less-than '{"number": 10000}' ''),
  $(every_behavior users logged_in_users less-than '{"number": 10000}' ''),
  $(every_behavior mem memory_available_bytes greater-than-equals '{"number": 0}' ''),
  $(every_behavior procs process_count less-than '{"number": 10000000}' ''),
  $(every_behavior up uptime_seconds greater-than '{"number": 0}' '')]}"

thread_ns() { for task in /proc/"$1"/task/*; do [ "$(cat "$task/comm")" = "$2" ] && cut -d' ' -f1 "$task/schedstat"; done | awk '{s += $1} END {printf "%.0f\n", s}'; }

echo "| profile | connections | check, ms | report cycle, ms | check / cycle |"
echo "|---|---|---|---|---|"
for connections in $loads; do
    start_load "$connections" 200 $(( 2 * (steady + window) + 60 )) "$repo/target/test-classes"
    for name in ports all; do
        profile=$ports_profile; [ "$name" = all ] && profile=$all_profile
        state=$(mktemp -d)
        SKERRY_STATE_DIR=$state SKERRY_INTERVAL=1s SKERRY_CHECK_INTERVAL=1s SKERRY_THING_NAME=bench SKERRY_PROFILE=$profile \
            "$repo/deploy/bin/skerry" > "$state/out.jsonl" 2> "$state/err" &
        pid=$!
        sleep "$steady"
        c0=$(thread_ns "$pid" skerry-check) r0=$(thread_ns "$pid" skerry-cycle) n0=$(grep -c '"header"' "$state/out.jsonl" || true)
        sleep "$window"
        c1=$(thread_ns "$pid" skerry-check) r1=$(thread_ns "$pid" skerry-cycle) n1=$(grep -c '"header"' "$state/out.jsonl" || true)
        grep -q violationEventType "$state/out.jsonl" && { echo "unexpected alarm in the $name profile:" >&2; grep violationEventType "$state/out.jsonl" >&2; }
        # one check a second, as many report cycles as reports printed
        awk -v p="$name" -v n="$connections" -v c=$(( c1 - c0 )) -v r=$(( r1 - r0 )) -v w="$window" -v reports=$(( n1 - n0 )) \
            'BEGIN {printf "| %s | %s | %.2f | %.2f | %.2f |\n", p, n, c / 1e6 / w, r / 1e6 / reports, (c / w) / (r / reports)}'
        stop_pid "$pid"
        rm -rf "$state"
    done
    stop_pid "$load_pid"
done

[ "$runs" -gt 0 ] || exit 0
pki=$(mktemp -d)
make_pki "$pki"
start_mosquitto "$pki" 18883
port=45678
state=$(mktemp -d)
env $(agent_publishing_env "$pki" 18883) SKERRY_STATE_DIR="$state" SKERRY_CHECK_INTERVAL=1s \
    SKERRY_PROFILE="{\"securityProfileName\": \"bench-latency\", \"behaviors\": [$(every_behavior no-bench-port aws:listening-tcp-ports not-in-port-set "{\"ports\": [$port]}" '')]}" \
    "$repo/deploy/bin/skerry" > "$state/out" 2> "$state/err" &
pid=$!
sleep 5
latencies=$(python3 "$bench_dir/detect-latency.py" "$pki" 18883 "$port" "$runs" 1)
echo
echo "alarm latency, listener opened to in-alarm at the subscriber, $runs runs, 1 s checks: median $(median <<< "$latencies") ms, max $(sort -g <<< "$latencies" | tail -1) ms"
echo "all: $(tr '\n' ' ' <<< "$latencies")"
stop_pid "$pid"
stop_pid "$mosquitto_pid"
rm -rf "$pki" "$state"
