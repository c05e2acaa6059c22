#!/usr/bin/env bash
# Where the native executable's memory is: runs target/native/skerry (stdout mode, SKERRY_INTERVAL=1s) for SECONDS,
# then prints VmRSS/VmHWM and the resident set split by mapping from /proc/PID/smaps: the executable's own pages
# (code and the read-only image heap, file-backed, shared with the page cache), the image heap's written pages,
# the Java heap and other anonymous memory (malloc, thread stacks), and the shared libraries.
#   bash bench/native-memory.sh [SECONDS]      (default 60)
source "$(dirname "$0")/lib.sh"
enter_netns "$0" "$@"
seconds=${1:-60}
exe=$repo/target/native/skerry
[ -x "$exe" ] || { echo "no $exe: run deploy/release/build-native.sh first" >&2; exit 1; }
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
SKERRY_STATE_DIR=$state SKERRY_INTERVAL=1s SKERRY_THING_NAME=bench "$exe" > "$state/out.jsonl" 2> "$state/err" &
pid=$!
sleep "$seconds"
kill -0 "$pid" || { echo "the executable died: $(tail -3 "$state/err")" >&2; exit 1; }
echo "reports: $(wc -l < "$state/out.jsonl"), VmRSS $(status_kb "$pid" VmRSS) kB, VmHWM $(status_kb "$pid" VmHWM) kB"
# Rss per mapping, summed by kind: the executable's file pages, its private (written) pages, anonymous, libraries.
awk -v exe="$(readlink -f "$exe")" '
    /^[0-9a-f]+-[0-9a-f]+ / { path = $6; perms = $2; next }
    $1 == "Rss:" {
        if (path == exe) kind = "executable, " (perms ~ /w/ ? "written (image heap copy-on-write)" : "read-only (code, image heap)")
        else if (path == "" || path ~ /^\[(heap|stack|anon)/) kind = "anonymous (Java heap, malloc, stacks)"
        else if (path ~ /\.so/) kind = "shared libraries"
        else kind = "other: " path
        rss[kind] += $2
    }
    END { for (k in rss) printf "  %6d kB  %s\n", rss[k], k }' "/proc/$pid/smaps" | sort -rn
grep -E '^(Rss|Pss|Shared_Clean|Private_Clean|Private_Dirty|Anonymous):' "/proc/$pid/smaps_rollup" | sed 's/^/  rollup /'
stop_pid "$pid"
