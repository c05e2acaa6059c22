#!/usr/bin/env bash
# Smoke test of an image archive made by build-oci.sh: unpacks it (skopeo copy to an OCI layout, umoci unpack)
# and runs it as a runtime would, from what the image itself declares.
#
#   deploy/image/smoke-test.sh target/skerry-jvm-amd64.oci.tar
#
# Host architecture (or a foreign one with qemu registered in binfmt_misc): the image's entrypoint runs chrooted
# into its root file system, mounted read-only, as the image's user, with its environment, a tmpfs /tmp and a
# fresh state directory as the volume; SKERRY_ONCE=true must print one JSON report (header.report_id), then the
# image's HEALTHCHECK command must exit 0 (and exit 1 once the heartbeat is gone); then the image publishes a
# report over mutual TLS to a local Mosquitto.
# Foreign architecture without binfmt_misc: the image's java runs under qemu-user-static (-L <root>) as the
# image's user with SKERRY_ONCE=true and must print a report likewise; then the launcher's `skerry health`
# (sh, the same on every architecture) must find the heartbeat of that run.
# Needs root, skopeo, umoci, jq, util-linux (unshare, setpriv); qemu-user-static for foreign architectures;
# mosquitto and openssl for the TLS run.
set -euo pipefail
cd "$(dirname "$0")/../.."

archive=${1:?usage: smoke-test.sh <image .oci.tar>}
die() { echo "smoke-test: $archive: $*" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/skerry-smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT
skopeo copy -q "oci-archive:$archive" "oci:$work/layout:latest"
umoci unpack --image "$work/layout:latest" "$work/bundle" >/dev/null
root=$work/bundle/rootfs
chmod 0755 "$work" "$work/bundle" # the image's user runs what is in there
config=$(skopeo inspect --config --raw "oci-archive:$archive")
user=$(jq -r .config.User <<<"$config")
arch=$(jq -r .architecture <<<"$config")
mapfile -t entrypoint < <(jq -r '.config.Entrypoint[]' <<<"$config")
mapfile -t environment < <(jq -r '.config.Env[]' <<<"$config")
mapfile -t healthcheck < <(jq -r '.config.Healthcheck.Test[1:][]' <<<"$config")
[ "$(jq -r '.config.Healthcheck.Test[0]' <<<"$config")" = CMD ] || die "the HEALTHCHECK is not in exec form"
[ "$(jq -r '.config.Volumes | keys | join(" ")' <<<"$config")" = /var/lib/skerry ] || die "the only volume must be /var/lib/skerry"
case $user in 0 | 0:* | root | root:*) die "the image runs as root" ;; esac
uid=${user%%:*} gid=${user#*:}

state=$work/state
mkdir -m 0700 "$state"
chown "$uid:$gid" "$state"

# Checks that the first line of $1 is a report; prints its report_id.
report_id() {
    head -1 "$1" | jq -e '.header.report_id | select(type == "number" and . > 0)' 2>/dev/null ||
        die "no JSON report with header.report_id on stdout: $(head -c 300 "$1")"
}

# The image publishes one report over mutual TLS to a local Mosquitto (certificates made here with openssl, given as
# SKERRY_TLS_*_PEM): SKERRY_ONCE=true exits 0 only once the broker acknowledged the report. This proves the image's
# Java runtime has what TLS needs. Skipped, with a line saying so, where Mosquitto or openssl is missing.
publish_over_tls() {
    local mosquitto
    mosquitto=$(command -v mosquitto || echo /usr/sbin/mosquitto)
    if [ ! -x "$mosquitto" ] || ! command -v openssl >/dev/null; then
        echo "smoke-test: $archive ($arch): publishing over TLS skipped: needs mosquitto and openssl"
        return
    fi
    local pki=$work/pki port
    mkdir "$pki"
    (
        cd "$pki"
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=smoke-ca
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr -subj /CN=localhost
        printf 'subjectAltName=DNS:localhost\n' >server.ext
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile server.ext
        openssl req -newkey rsa:2048 -nodes -keyout device.key -out device.csr -subj /CN=smoke-test
        openssl x509 -req -in device.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out device.pem -days 2
    ) >"$work/openssl.log" 2>&1 || die "openssl failed: $(tail -3 "$work/openssl.log")"
    port=$((20000 + RANDOM % 20000))
    printf 'user root\nlistener %s 127.0.0.1\ncafile %s/ca.pem\ncertfile %s/server.pem\nkeyfile %s/server.key\nrequire_certificate true\nuse_identity_as_username true\nallow_anonymous true\n' \
        "$port" "$pki" "$pki" "$pki" >"$pki/mosquitto.conf"
    "$mosquitto" -c "$pki/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
    local broker=$!
    sleep 1
    started=$(date +%s%N)
    in_image SKERRY_ONCE=true SKERRY_THING_NAME=smoke-test SKERRY_MQTT_HOST=localhost SKERRY_MQTT_PORT="$port" \
        SKERRY_MQTT_TOPIC='fleet/{thing}/{format}' SKERRY_TLS_CA_PEM="$(cat "$pki/ca.pem")" \
        SKERRY_TLS_CERT_PEM="$(cat "$pki/device.pem")" SKERRY_TLS_KEY_PEM="$(cat "$pki/device.key")" \
        "${entrypoint[@]}" >"$work/stdout" 2>"$work/stderr" || {
        kill "$broker"
        die "publishing over TLS failed: $(tail -5 "$work/stderr") / broker: $(tail -3 "$work/mosquitto.log")"
    }
    elapsed=$((($(date +%s%N) - started) / 1000000))
    kill "$broker"
    echo "smoke-test: $archive ($arch): published a report over mutual TLS, acknowledged, in ${elapsed} ms"
}

host=$(dpkg --print-architecture)
qemu_arch=$(case $arch in amd64) echo x86_64 ;; arm64) echo aarch64 ;; *) echo "$arch" ;; esac)
if [ "$arch" = "$host" ] || [ -e "/proc/sys/fs/binfmt_misc/qemu-$qemu_arch" ]; then
    chroot=$(command -v chroot) mount=$(command -v mount)
    # Runs a command of the image chrooted into its root as the image's user, with the image's environment plus the
    # NAME=value pairs given first, in a mount namespace of its own: the root read-only, the host's /proc, /sys and
    # /dev, a tmpfs /tmp, the state directory as the volume.
    in_image() {
        local variables=()
        while [[ $1 == *=* ]]; do variables+=("$1"); shift; done
        env -i "${environment[@]}" "${variables[@]}" "$(command -v unshare)" --mount --fork -- /bin/sh -euc '
            mount=$1 chroot=$2 root=$3 state=$4 user=$5; shift 5
            $mount --bind "$root" "$root"
            $mount -o remount,bind,ro "$root"
            $mount --rbind /proc "$root/proc"; $mount --rbind /sys "$root/sys"; $mount --rbind /dev "$root/dev"
            $mount -t tmpfs -o mode=1777,nosuid,nodev,noexec tmpfs "$root/tmp"
            $mount --bind "$state" "$root/var/lib/skerry"
            exec $chroot --userspec="$user" "$root" "$@"' sh "$mount" "$chroot" "$root" "$state" "$uid:$gid" "$@"
    }
    started=$(date +%s%N)
    in_image SKERRY_ONCE=true SKERRY_THING_NAME=smoke-test "${entrypoint[@]}" >"$work/stdout" 2>"$work/stderr" ||
        die "the entrypoint failed: $(tail -5 "$work/stderr")"
    elapsed=$((($(date +%s%N) - started) / 1000000))
    id=$(report_id "$work/stdout")
    ! grep -q 'no directory for the process name link' "$work/stderr" || die "the launcher found no place for its link: $(cat "$work/stderr")"
    echo "smoke-test: $archive ($arch): ${entrypoint[*]} as $user on a read-only root printed report $id in ${elapsed} ms"
    in_image "${healthcheck[@]}" >"$work/health" 2>&1 || die "the HEALTHCHECK (${healthcheck[*]}) failed after a report: $(cat "$work/health")"
    echo "smoke-test: $archive ($arch): HEALTHCHECK ${healthcheck[*]}: $(cat "$work/health")"
    rm -f "$state/heartbeat"
    ! in_image "${healthcheck[@]}" >"$work/health" 2>&1 || die "the HEALTHCHECK passed without a heartbeat: $(cat "$work/health")"
    publish_over_tls
else
    command -v "qemu-$qemu_arch-static" >/dev/null || die "qemu-$qemu_arch-static is missing (apt-get install qemu-user-static)"
    java_home=$(printf '%s\n' "${environment[@]}" | sed -n 's/^JAVA_HOME=//p')
    started=$(date +%s%N)
    env -i "${environment[@]}" SKERRY_ONCE=true SKERRY_THING_NAME=smoke-test SKERRY_STATE_DIR="$state" \
        setpriv --reuid="$uid" --regid="$gid" --clear-groups \
        "qemu-$qemu_arch-static" -L "$root" "$root$java_home/bin/java" -jar "$root/usr/local/lib/skerry/quarkus-app/quarkus-run.jar" \
        >"$work/stdout" 2>"$work/stderr" || die "java under qemu-$qemu_arch-static failed: $(tail -5 "$work/stderr")"
    elapsed=$((($(date +%s%N) - started) / 1000000))
    id=$(report_id "$work/stdout")
    echo "smoke-test: $archive ($arch): the image's java ($java_home) under qemu-$qemu_arch-static as $user printed report $id in ${elapsed} ms"
    # the launcher is sh, the same on every architecture: its health check reads the heartbeat that run wrote
    env -i "${environment[@]}" SKERRY_STATE_DIR="$state" setpriv --reuid="$uid" --regid="$gid" --clear-groups \
        sh "$root/usr/local/bin/skerry" health >"$work/health" 2>&1 || die "skerry health failed after a report: $(cat "$work/health")"
    echo "smoke-test: $archive ($arch): skerry health: $(cat "$work/health")"
fi
