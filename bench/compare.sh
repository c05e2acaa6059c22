#!/usr/bin/env bash
# Two builds of skerry side by side: BASE against HEAD (commits; each built by this script in a worktree of its own,
# so that work in the checkout cannot change them), run
# through deploy/bin/skerry (production flags, stdout mode, SKERRY_INTERVAL=1s) at the same time, in one network
# namespace holding the same load, so that every window measures both on the same machine:
#  - CPU per cycle at 0, 1,000 and 10,000 established loopback connections (and 200 TCP and 200 UDP listeners): REPS
#    windows of WINDOW cycles from STEADY seconds after the start, run time of all threads over reports printed;
#  - VmRSS and VmHWM at the end of those windows;
#  - start to first report, STARTS times each, the two builds taking turns;
#  - spool drain over mutual TLS with 4 in flight (bench/spool-drain.sh), DRAINS times each, taking turns.
# Prints one markdown table.
#   sudo bash bench/compare.sh BASE [REPS WINDOW STEADY STARTS DRAINS]     (defaults: 5 10 300 5 3)
# BASE `native`: HEAD's JVM build against HEAD's native executable, target/native (deploy/release/build-native.sh
# first; not rebuilt here, it takes ten minutes), both through the same launcher; no spool drain (its harness is Java).
source "$(dirname "$0")/lib.sh"
base=${1:?usage: bench/compare.sh BASE [REPS WINDOW STEADY STARTS DRAINS]}
reps=${2:-5} window=${3:-10} steady=${4:-300} starts=${5:-5} drains=${6:-3}
out=$repo/target/compare

# --- both builds, each a full checkout's launcher and quarkus-app ---
build() { # build SRC DEST
    (cd "$1" && ./mvnw -B -q -Pbench package -DskipTests \
        && ./mvnw -B -q -Pbench dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test) >&2
    mkdir -p "$2/deploy" "$2/target"
    cp -r "$1/deploy/bin" "$2/deploy/bin"
    cp -r "$1/target/quarkus-app" "$2/target/quarkus-app"
    cp -r "$1/target/test-classes" "$1/target/classes" "$2/target/"
    echo "$2/target/test-classes:$2/target/classes:$(cat "$1/target/bench-classpath.txt")" > "$2/classpath"
}
if [ -z "${SKERRY_BENCH_NETNS:-}" ]; then # built with the network, measured in a namespace without
    rm -rf "$out"; mkdir -p "$out"
    if [ "$base" = native ]; then # one build of HEAD; head is its copy with the native executable in place of the jar
        [ -x "$repo/target/native/skerry" ] || { echo "no target/native/skerry: run deploy/release/build-native.sh first" >&2; exit 1; }
        native_copy=$(mktemp -d); cp -r "$repo/target/native/." "$native_copy/"
        git -C "$repo" worktree add -q --detach "$out/base-src" HEAD
        build "$out/base-src" "$out/base"
        git -C "$repo" worktree remove --force "$out/base-src"
        cp -r "$out/base" "$out/head"
        sed -i "s|$out/base/|$out/head/|g" "$out/head/classpath"
        # the launcher starts the executable it finds in place of quarkus-run.jar
        rm -rf "$out/head/target/quarkus-app"; mv "$native_copy" "$out/head/target/quarkus-app"
    else
        for name in base head; do
            git -C "$repo" worktree add -q --detach "$out/$name-src" "$([ $name = base ] && echo "$base" || echo HEAD)"
            build "$out/$name-src" "$out/$name"
            git -C "$repo" worktree remove --force "$out/$name-src"
        done
    fi
fi
enter_netns "$0" "$@"
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null' EXIT
names=(base head)

spread() { printf '%s\n' "$@" | median | tr -d '\n'; printf ' (%s to %s)' "$(printf '%s\n' "$@" | sort -g | head -1)" "$(printf '%s\n' "$@" | sort -g | tail -1)"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%+.1f %%", (b / a - 1) * 100}'; }

if [ "$base" = native ]; then
    echo "# skerry side by side: base the JVM build, head the native executable, both of $(git -C "$repo" rev-parse --short HEAD), $(date -u '+%Y-%m-%d %H:%M UTC')"
    drains=0
else
    echo "# skerry side by side: base $(git -C "$repo" rev-parse --short "$base"), head $(git -C "$repo" rev-parse --short HEAD), $(date -u '+%Y-%m-%d %H:%M UTC')"
fi
echo "machine: $(nproc) cores, $(awk '/model name/ {sub(/.*: /, ""); print; exit}' /proc/cpuinfo), kernel $(uname -r), $(java -version 2>&1 | head -1)"
echo
echo "| connections | figure | base | head | head vs base |"
echo "|---|---|---|---|---|"
for connections in 0 1000 10000; do
    work=$out/run-$connections; mkdir -p "$work"
    start_load "$connections" 200 $(( steady + reps * (window + 2) + starts * 40 + 300 )) "$out/head/target/test-classes"
    declare -A agent
    for name in "${names[@]}"; do
        mkdir -p "$work/$name-state"
        env SKERRY_APP_DIR="$out/$name/target/quarkus-app" SKERRY_STATE_DIR="$work/$name-state" SKERRY_INTERVAL=1s SKERRY_THING_NAME=bench "$out/$name/deploy/bin/skerry" \
            > "$work/$name.jsonl" 2> "$work/$name.err" &
        agent[$name]=$!
        sleep 0.5 # half a cycle apart: their cycles do not meet
    done
    sleep "$steady"
    declare -A cpu=() rss=() hwm=()
    for _ in $(seq "$reps"); do
        declare -A t0 n0
        for name in "${names[@]}"; do t0[$name]=$(cpu_ns "${agent[$name]}"); n0[$name]=$(wc -l < "$work/$name.jsonl"); done
        sleep "$window"
        for name in "${names[@]}"; do
            t1=$(cpu_ns "${agent[$name]}"); n1=$(wc -l < "$work/$name.jsonl")
            cpu[$name]+=" $(awk -v t=$(( t1 - ${t0[$name]} )) -v n=$(( n1 - ${n0[$name]} )) 'BEGIN {printf "%.2f", t / 1e6 / n}')"
        done
    done
    for name in "${names[@]}"; do
        kill -0 "${agent[$name]}" || { echo "$name died: $(tail -3 "$work/$name.err")" >&2; exit 1; }
        rss[$name]=$(status_kb "${agent[$name]}" VmRSS); hwm[$name]=$(status_kb "${agent[$name]}" VmHWM)
        stop_pid "${agent[$name]}"
    done
    # shellcheck disable=SC2086 # lists of numbers
    b=$(printf '%s\n' ${cpu[base]} | median) h=$(printf '%s\n' ${cpu[head]} | median)
    # shellcheck disable=SC2086
    echo "| $connections | CPU per cycle, ms | $(spread ${cpu[base]}) | $(spread ${cpu[head]}) | $(ratio "$b" "$h") |"
    echo "| $connections | VmRSS / VmHWM, MiB | $(( ${rss[base]} / 1024 )) / $(( ${hwm[base]} / 1024 )) | $(( ${rss[head]} / 1024 )) / $(( ${hwm[head]} / 1024 )) | $(awk -v a="${rss[base]}" -v b="${rss[head]}" 'BEGIN {printf "%+.1f MiB", (b - a) / 1024}') |"
    declare -A first=()
    for _ in $(seq "$starts"); do
        for name in "${names[@]}"; do
            rm -rf "$work/$name-state"; mkdir -p "$work/$name-state"
            fifo=$work/first; rm -f "$fifo"; mkfifo "$fifo"
            t0=$(date +%s%N)
            env SKERRY_APP_DIR="$out/$name/target/quarkus-app" SKERRY_STATE_DIR="$work/$name-state" SKERRY_INTERVAL=1s SKERRY_THING_NAME=bench "$out/$name/deploy/bin/skerry" \
                > "$fifo" 2>> "$work/$name.err" &
            pid=$!
            head -n 1 < "$fifo" > /dev/null
            first[$name]+=" $(( ($(date +%s%N) - t0) / 1000000 ))"
            stop_pid "$pid"
        done
    done
    # shellcheck disable=SC2086
    b=$(printf '%s\n' ${first[base]} | median) h=$(printf '%s\n' ${first[head]} | median)
    # shellcheck disable=SC2086
    echo "| $connections | start to first report, ms | $(spread ${first[base]}) | $(spread ${first[head]}) | $(awk -v a="$b" -v b="$h" 'BEGIN {printf "%+.0f ms", b - a}') |"
    kill "$load_pid" 2>/dev/null || true; wait "$load_pid" 2>/dev/null || true
done

# --- spool drain, 4 in flight, taking turns ---
[ "$drains" -gt 0 ] || { echo; echo "reps=$reps window=$window steady_after_s=$steady starts=$starts"; exit 0; }
declare -A drain=()
for _ in $(seq "$drains"); do
    for name in "${names[@]}"; do
        line=$(SKERRY_BENCH_NETNS=1 repo_override="$out/$name" bash "$bench_dir/spool-drain.sh" 2000 1 "$(cat "$out/$name/classpath")" 4)
        drain[$name]+=" $(sed -E 's/.*drain_reports_per_s_inflight_4=\[([0-9]+).*/\1/' <<< "$line")"
    done
done
# shellcheck disable=SC2086
b=$(printf '%s\n' ${drain[base]} | median) h=$(printf '%s\n' ${drain[head]} | median)
# shellcheck disable=SC2086
echo "| - | spool drain, 4 in flight, reports/s | $(spread ${drain[base]}) | $(spread ${drain[head]}) | $(ratio "$b" "$h") |"
echo
echo "reps=$reps window=$window steady_after_s=$steady starts=$starts drains=$drains"
