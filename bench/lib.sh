# Shared by the bench scripts (sourced). Every script runs in a network namespace of its own
# (unshare -n, as root), so /proc/net holds exactly the load the script makes, not the sockets of
# whatever else runs on the machine, and the load never touches the host's network.
set -euo pipefail
bench_dir=$(CDPATH='' cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
# repo_override: another build laid out like a checkout (deploy/bin, target/), as bench/compare.sh makes
repo=${repo_override:-$(dirname "$bench_dir")}
clk_tck=$(getconf CLK_TCK)

# Re-runs the calling script in a new network namespace with loopback up, unless it already is.
enter_netns() {
    if [ -z "${SKERRY_BENCH_NETNS:-}" ]; then
        [ "$(id -u)" = 0 ] || { echo "the bench scripts need root (unshare -n)" >&2; exit 1; }
        SKERRY_BENCH_NETNS=1 exec unshare -n bash -c 'ip link set lo up && exec "$@"' bash "$@"
    fi
}

# Fails unless the agent and the test classes (the load generator) are built.
require_build() {
    [ -f "$repo/target/quarkus-app/quarkus-run.jar" ] && [ -f "$repo/target/test-classes/dev/skerry/testing/LoopbackLoad.class" ] ||
        { echo "build first: ./mvnw -B -q package -DskipTests (bench/run.sh does)" >&2; exit 1; }
}

# Copies the built agent and test classes into $1, so a rebuild during a long run cannot change them.
snapshot_build() {
    cp -r "$repo/target/quarkus-app" "$1/quarkus-app"
    cp -r "$repo/target/test-classes" "$1/test-classes"
}

# cpu_ticks PID: user + system CPU time of the process so far, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# cpu_ns PID: CPU time the process's live threads have run so far, in nanoseconds (the scheduler's own
# account, /proc/PID/task/*/schedstat; clock ticks are too coarse for a cycle of a few milliseconds).
# Threads that have ended are not in it: use it over windows in which the process starts none.
cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{s += $1} END {printf "%.0f\n", s}'; }
# status_kb PID FIELD: a kB field of /proc/PID/status (VmRSS, VmHWM).
status_kb() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }

# start_load CONNECTIONS LISTENERS SECONDS CLASSES_DIR: the loopback load in the background, returns
# once it is set up; its pid is in $load_pid.
start_load() {
    local fifo
    fifo=$(mktemp -u)
    mkfifo "$fifo"
    java -cp "$4" dev.skerry.testing.LoopbackLoad "$1" "$2" "$3" > "$fifo" &
    load_pid=$!
    local line
    read -r line < "$fifo" || true
    rm -f "$fifo"
    case $line in ready*) ;; *) echo "load generator failed: $line" >&2; exit 1 ;; esac
}

stop_pid() {
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# median of the numbers on stdin (one a line)
median() { sort -g | awk '{v[NR]=$1} END {if (NR == 0) print "nan"; else if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

# make_pki DIR: a throw-away CA, a server certificate for localhost and a client certificate
# (ca.pem, server.pem/.key, client.pem/.key), as the test PKI does.
make_pki() {
    ( cd "$1"
      openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=bench-ca
      openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr -subj /CN=localhost
      printf 'subjectAltName=DNS:localhost\n' > san.ext
      openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile san.ext
      openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj /CN=bench-thing
      openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2
      chmod 600 ./*.key ) >/dev/null 2>&1
}

# start_mosquitto DIR PORT: Mosquitto on 127.0.0.1:PORT requiring a client certificate of DIR's CA;
# its pid is in $mosquitto_pid.
start_mosquitto() {
    cat > "$1/mosquitto.conf" <<CONF
$( [ "$(id -u)" = 0 ] && echo "user root" )
listener $2 127.0.0.1
cafile $1/ca.pem
certfile $1/server.pem
keyfile $1/server.key
require_certificate true
use_identity_as_username true
persistence false
CONF
    "$(command -v mosquitto || echo /usr/sbin/mosquitto)" -c "$1/mosquitto.conf" > "$1/mosquitto.log" 2>&1 &
    mosquitto_pid=$!
    sleep 1
}

# agent_publishing_env DIR PORT: the environment for skerry publishing to that Mosquitto (generic topic).
agent_publishing_env() {
    echo SKERRY_ALLOW_ROOT=true SKERRY_MQTT_HOST=localhost SKERRY_MQTT_PORT="$2" SKERRY_MQTT_TOPIC='bench/{thing}/{format}' \
        SKERRY_THING_NAME=bench-thing SKERRY_TLS_CA="$1/ca.pem" SKERRY_TLS_CERT="$1/client.pem" SKERRY_TLS_KEY="$1/client.key"
}
