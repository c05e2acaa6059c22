#!/usr/bin/env bash
# Wall-clock time of README's development test commands, as a developer runs them (after a first build):
# the quick one (unit tests without the two slow broker-fault classes) and the whole unit suite (./mvnw test).
# The ITs (./mvnw verify) are not timed here. Prints one line per command; the load average says how busy the
# machine was.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -o test-compile >/dev/null
time_of() {
    local start end
    start=$(date +%s)
    "$@" >/dev/null
    end=$(date +%s)
    echo "$(( end - start ))s: $*  (load average before: $load)"
}
load=$(cut -d' ' -f1-3 /proc/loadavg)
time_of ./mvnw -B -q -o test -Dtest='*Test,!PublisherFaultsTest,!TlsPolicyTest,!NativeSubstitutionTargetsTest'
load=$(cut -d' ' -f1-3 /proc/loadavg)
time_of ./mvnw -B -q -o test
