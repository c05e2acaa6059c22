#!/usr/bin/env bash
# Every benchmark of skerry, in one command, as recorded in bench/RESULTS.md:
#   bash bench/run.sh [--quick | --full] [--skip-build]
#   --quick  3 repetitions of 10-cycle windows after 30 s and again after 5 min, short JMH, 2 spool drains;
#            no soak (~22 min)
#   --full   7 repetitions of 20-cycle windows after 40 s and after 5 min, JMH 2 forks, 3 spool drains, and the 60-minute soak
#   (default) as --full without the soak (~35 min); run bench/soak.sh on its own for that.
# Needs root (each scenario runs in a network namespace of its own), gcc, jq, openssl, mosquitto.
# Prints a markdown summary; the soak writes bench/soak.csv and bench/soak.svg.
source "$(dirname "$0")/lib.sh"
mode=default build=true
for arg in "$@"; do
    case $arg in
        --quick) mode=quick ;;
        --full) mode=full ;;
        --skip-build) build=false ;;
        *) echo "usage: bench/run.sh [--quick|--full] [--skip-build]" >&2; exit 2 ;;
    esac
done
case $mode in
    quick) reps=3 window=10 warmup=30 steady=300 starts=3 drains=2 jmh=(-f 1 -wi 2 -i 3 -w 1s -r 1s) ;;
    *) reps=7 window=20 warmup=40 steady=300 starts=5 drains=3 jmh=(-f 2 -wi 3 -i 5 -w 2s -r 2s) ;;
esac
cd "$repo"
if $build; then
    ./mvnw -B -q -Pbench package -DskipTests
    ./mvnw -B -q -Pbench dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
fi
require_build
classpath=$repo/target/test-classes:$repo/target/classes:$(cat target/bench-classpath.txt)
floor=$repo/target/bench-floor
gcc -O2 -o "$floor" "$bench_dir/floor.c"

echo "# skerry bench, $(date -u '+%Y-%m-%d %H:%M UTC'), mode $mode"
echo "machine: $(nproc) cores, $(awk '/model name/ {sub(/.*: /, ""); print; exit}' /proc/cpuinfo), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), kernel $(uname -r), $(java -version 2>&1 | head -1)"
echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src deploy bench || echo ' (with local changes)')"
echo
echo "## Scenarios (200 TCP and 200 UDP listeners)"
for connections in 0 1000 10000; do
    bash "$bench_dir/scenario.sh" "$connections" "$reps" "$window" "$warmup" "$steady" "$starts" "$floor" "$classpath"
done
echo
echo "## Spool drain"
bash "$bench_dir/spool-drain.sh" 2000 "$drains" "$classpath"
echo
echo "## JMH"
bash "$bench_dir/jmh.sh" "$classpath" "${jmh[@]}"
if [ "$mode" = full ]; then
    echo
    echo "## Soak"
    bash "$bench_dir/soak.sh" 60 10000
fi
