#!/usr/bin/env bash
# Bytes skerry writes to storage per report, in each spool mode, publishing to a local Mosquitto
# over mutual TLS. Reads write_bytes of /proc/PID/io (what the process sent towards the block
# device) before and after a run of N reports at a 1 s interval, and scales to a day at the default
# 60 s interval. Needs: the built agent (./mvnw package), mosquitto, openssl.
#   bash bench/flash-writes.sh [seconds-per-mode]
source "$(dirname "$0")/lib.sh"
cd "$repo"
seconds=${1:-60}
jar=target/quarkus-app/quarkus-run.jar
[ -f "$jar" ] || { echo "build first: ./mvnw -q package -DskipTests" >&2; exit 1; }
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# Test-only PKI, made now and thrown away with $work.
make_pki "$work"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start_mosquitto "$work" "$port"

run_mode() {
  local mode=$1 state="$work/state-$1"
  mkdir -p "$state"
  # shellcheck disable=SC2046 # the publishing environment is a list of VAR=value words
  env $(agent_publishing_env "$work" "$port") SKERRY_STATE_DIR="$state" SKERRY_INTERVAL=1s SKERRY_SPOOL_MODE="$mode" \
    java -jar "$jar" >/dev/null 2>"$work/agent-$mode.log" &
  local pid=$!
  sleep 5 # start-up and the first reports: not counted
  local before after
  before=$(awk '/^write_bytes/ {print $2}' "/proc/$pid/io")
  sleep "$seconds"
  after=$(awk '/^write_bytes/ {print $2}' "/proc/$pid/io")
  kill -TERM "$pid"; wait "$pid" || true
  local per_report=$(( (after - before) / seconds ))
  printf '| %s | %d | %d | %.1f |\n' "$mode" "$seconds" "$per_report" "$(echo "$per_report * 1440 / 1048576" | bc -l)"
}

echo "| spool mode | reports measured | bytes written per report | MiB per day at 60 s |"
echo "|---|---|---|---|"
run_mode disk
run_mode memory-first
