#!/usr/bin/env bash
# Re-pins the base images of deploy/docker/Dockerfile.* to the digests their tags point to now.
#
#   deploy/docker/repin.sh            rewrite every `ARG *_IMAGE=<name>:<tag>@sha256:<digest>` default
#   deploy/docker/repin.sh --check    only compare; exit 1 when a tag has moved or cannot be resolved
#
# Needs a reachable registry and skopeo (or crane). The digest is the one of the tag's top-level manifest (the
# multi-architecture index), so one pin serves every platform; the platforms the index offers are printed so a
# missing one (linux/arm/v7 for the JVM image) shows before a build fails on it.
set -euo pipefail
cd "$(dirname "$0")"

check=false
[ "${1:-}" = --check ] && check=true

digest_of() {
    if command -v skopeo >/dev/null; then
        skopeo inspect --raw "docker://$1" | sha256sum | sed 's/^/sha256:/; s/ .*//'
    elif command -v crane >/dev/null; then
        crane digest "$1"
    else
        echo "repin: needs skopeo or crane" >&2
        return 1
    fi
}

platforms_of() {
    if command -v skopeo >/dev/null && command -v jq >/dev/null; then
        skopeo inspect --raw "docker://$1" | jq -r '[.manifests[]?.platform | select(.os != "unknown") | "\(.os)/\(.architecture)\(if .variant then "/" + .variant else "" end)"] | join(" ")'
    fi
}

status=0
for file in Dockerfile.*; do
    while IFS= read -r line; do
        name=${line#ARG } name=${name%%=*}
        pinned=${line#*=}
        reference=${pinned%@*}
        old=${pinned#*@}
        if ! new=$(digest_of "$reference"); then
            echo "repin: $file $name: cannot resolve $reference" >&2
            status=1
            continue
        fi
        echo "$file $name: $reference $new ($(platforms_of "$reference@$new"))"
        if [ "$new" != "$old" ]; then
            if $check; then
                echo "repin: $file $name: $reference moved from $old to $new" >&2
                status=1
            else
                sed -i "s|^ARG $name=$reference@$old\$|ARG $name=$reference@$new|" "$file"
            fi
        fi
    done < <(grep -E '^ARG [A-Z_]+_IMAGE=[^@]+@sha256:[0-9a-f]{64}$' "$file")
done
exit $status
