#!/usr/bin/env bash
# Bytes skerry writes to storage per report, in each spool mode, publishing to a local Mosquitto
# over mutual TLS. Reads write_bytes of /proc/PID/io (what the process sent towards the block
# device) before and after a run of N reports at a 1 s interval, and scales to a day at the default
# 60 s interval. Needs: the built agent (./mvnw package), mosquitto, openssl.
#   bash bench/flash-writes.sh [seconds-per-mode]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
jar=target/quarkus-app/quarkus-run.jar
[ -f "$jar" ] || { echo "build first: ./mvnw -q package -DskipTests" >&2; exit 1; }
mosquitto=$(command -v mosquitto || echo /usr/sbin/mosquitto)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# Test-only PKI, made now and thrown away with $work.
( cd "$work"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=bench-ca
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr -subj /CN=localhost
  printf 'subjectAltName=DNS:localhost\n' > san.ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile san.ext
  openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj /CN=bench-thing
  openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2
  chmod 600 ./*.key ) >/dev/null 2>&1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/mosquitto.conf" <<CONF
$( [ "$(id -u)" = 0 ] && echo "user root" )
listener $port 127.0.0.1
cafile $work/ca.pem
certfile $work/server.pem
keyfile $work/server.key
require_certificate true
use_identity_as_username true
persistence false
CONF
"$mosquitto" -c "$work/mosquitto.conf" >/dev/null 2>&1 &
sleep 1

run_mode() {
  local mode=$1 state="$work/state-$1"
  mkdir -p "$state"
  SKERRY_ALLOW_ROOT=true SKERRY_STATE_DIR="$state" SKERRY_INTERVAL=1s SKERRY_SPOOL_MODE="$mode" SKERRY_MQTT_HOST=localhost SKERRY_MQTT_PORT="$port" \
  SKERRY_MQTT_TOPIC='bench/{thing}/{format}' SKERRY_THING_NAME=bench-thing SKERRY_TLS_CA="$work/ca.pem" \
  SKERRY_TLS_CERT="$work/client.pem" SKERRY_TLS_KEY="$work/client.key" \
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
