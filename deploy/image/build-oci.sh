#!/usr/bin/env bash
# Builds skerry's images as OCI archives without a container daemon or a registry:
#   target/skerry-jvm-<arch>.oci.tar   (arch: amd64, arm64, armv7) from target/quarkus-app (run ./mvnw package first)
#   target/skerry-native-amd64.oci.tar from target/native (deploy/release/build-native.sh; the build host's
#                                      architecture only: native-image cannot cross-compile)
# and Debian 12 packages of the target architecture.
#
#   deploy/image/build-oci.sh [amd64] [arm64] [armhf] [native]      (default: amd64)
#
# The native image is the JVM image without Java: the executable and its lib/ in /usr/local/lib/skerry/native,
# started by the same launcher (which finds it there), the same user, volume and HEALTHCHECK.
#
# The image matches deploy/docker/Dockerfile.jvm: user and group skerry (10001:10001), entrypoint the launcher
# /usr/local/bin/skerry, JAVA_HOME=/opt/java/openjdk, SKERRY_STATE_DIR=/var/lib/skerry as its only VOLUME,
# HEALTHCHECK `skerry health`, nothing writable but the state directory (and a tmpfs /tmp if mounted).
#
# Recipe, two layers:
#   1. base: glibc, zlib, libgcc, libstdc++ and busybox-static (for /bin/sh and the few tools the launcher
#      uses) of the target architecture, from `apt-get download <package>:<arch>`, unpacked with `dpkg-deb -x`;
#      a Java 17 runtime in /opt/java/openjdk: jlink (the build host's, Java 17) of the jmods in Debian's
#      openjdk-17-jdk-headless:<arch>, with only the modules skerry loads (JLINK_MODULES; found with jdeps on
#      target/quarkus-app, plus jdk.zipfs, which Quarkus opens the jars with, and jdk.crypto.ec for TLS).
#   2. app: target/quarkus-app in /usr/local/lib/skerry/quarkus-app and deploy/bin/skerry.
# Layers are tar files sorted by name, every time stamp SOURCE_DATE_EPOCH (default: the last commit), gzip -n:
# the same inputs (package versions and JDK, both recorded in target/image/<kind>-<arch>/packages.txt and the image's
# labels) give the same image digest. Downloaded .debs are kept in $SKERRY_IMAGE_CACHE (default
# target/image-cache). Needs root (file owners in the layers), apt-get, dpkg-deb, GNU tar, sha256sum, and jlink of
# a Java 17 JDK. Foreign architectures are added to dpkg (dpkg --add-architecture, apt-get update) when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

APP_UID=10001
APP_GID=10001
JLINK_MODULES=java.base,java.logging,java.management,java.naming,jdk.unsupported,jdk.zipfs,jdk.crypto.ec
BASE_PACKAGES="libc6 libgcc-s1 libstdc++6 zlib1g busybox-static"
# The applets of busybox the launcher runs (sh, its external commands, and what `skerry health` uses).
APPLETS="sh cat chmod cut date dirname grep id ln mkdir rm sed stat tr uname"
APP=target/quarkus-app
NATIVE=target/native
CACHE=${SKERRY_IMAGE_CACHE:-target/image-cache}
EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
VERSION=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)

die() { echo "build-oci: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root: the layers carry file owners (root, and $APP_UID for the state directory)"

# Debian architecture -> OCI platform and file suffix.
platform() {
    case $1 in
        amd64) echo "amd64 '' amd64" ;;
        arm64) echo "arm64 v8 arm64" ;;
        armhf) echo "arm v7 armv7" ;;
        *) die "unknown architecture '$1' (amd64, arm64 or armhf)" ;;
    esac
}

# The .deb files of the given packages for $arch, downloaded into the cache once.
debs() {
    local arch=$1 dir="$CACHE/$1" package missing=()
    shift
    mkdir -p "$dir"
    for package in "$@"; do
        compgen -G "$dir/${package}_*_$arch.deb" >/dev/null || compgen -G "$dir/${package}_*_all.deb" >/dev/null || missing+=("$package:$arch")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        if ! dpkg --print-architecture | grep -qx "$arch" && ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
            dpkg --add-architecture "$arch"
            apt-get update -q >&2 || echo "build-oci: apt-get update reported errors; going on with the indexes it has" >&2
        fi
        (cd "$dir" && apt-get download -q -o APT::Sandbox::User=root "${missing[@]}" >&2)
    fi
    for package in "$@"; do
        compgen -G "$dir/${package}_*.deb" | sort -V | tail -1
    done
}

# A reproducible gzip'd tar of a directory's contents; prints "<diff id> <blob digest> <blob size>".
layer() {
    local dir=$1 blobs=$2 tar
    tar=$(mktemp)
    tar --sort=name --mtime="@$EPOCH" --numeric-owner --format=posix \
        --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -cf "$tar" -C "$dir" .
    local diff_id
    diff_id=$(sha256sum "$tar" | cut -d' ' -f1)
    gzip -9n <"$tar" >"$tar.gz"
    local digest size
    digest=$(sha256sum "$tar.gz" | cut -d' ' -f1)
    size=$(stat -c %s "$tar.gz")
    mv "$tar.gz" "$blobs/$digest"
    rm -f "$tar"
    echo "$diff_id $digest $size"
}

# Writes a JSON blob; prints "<digest> <size>".
blob() {
    local blobs=$1 json=$2 digest
    digest=$(printf '%s' "$json" | sha256sum | cut -d' ' -f1)
    printf '%s' "$json" >"$blobs/$digest"
    echo "$digest ${#json}"
}

build() {
    local arch=$1 kind=$2 oci_arch variant suffix
    if [ "$kind" = native ]; then
        [ -x "$NATIVE/skerry" ] || die "no $NATIVE/skerry: run deploy/release/build-native.sh first"
    else
        [ -f "$APP/quarkus-run.jar" ] || die "no $APP/quarkus-run.jar: run ./mvnw -B package first"
    fi
    read -r oci_arch variant suffix <<<"$(platform "$arch")"
    variant=${variant//\'/}
    local work=target/image/$kind-$arch
    rm -rf "$work"
    mkdir -p "$work/base" "$work/app" "$work/layout/blobs/sha256"
    local base=$work/base packages=$work/packages.txt

    # --- layer 1: the base ---
    local deb packages_wanted=$BASE_PACKAGES
    # The native executable has no C++ in it: no libstdc++.
    [ "$kind" = jvm ] || packages_wanted=${packages_wanted/libstdc++6 /}
    # shellcheck disable=SC2086 # a list of package names
    for deb in $(debs "$arch" $packages_wanted); do
        dpkg-deb -x "$deb" "$base"
        dpkg-deb -W --showformat='${Package} ${Version} ${Architecture}\n' "$deb" >>"$packages"
    done
    rm -rf "$base"/usr/share/{doc,man,info,lintian,locale,bug,gdb,gcc} "$base"/usr/lib/*/gconv "$base"/usr/bin "$base"/usr/sbin \
        "$base"/sbin "$base"/usr/libexec "$base"/etc/ld.so.conf.d
    mkdir -p "$base/bin"
    if [ "$kind" = jvm ]; then
        # The Java runtime: only the modules skerry loads, linked from the jmods of Debian's JDK for this architecture.
        deb=$(debs "$arch" openjdk-17-jdk-headless)
        dpkg-deb -x "$deb" "$work/jdk"
        dpkg-deb -W --showformat='${Package} ${Version} ${Architecture} (jmods)\n' "$deb" >>"$packages"
        mkdir -p "$base/opt/java"
        jlink --module-path "$work/jdk/usr/lib/jvm/java-17-openjdk-$arch/jmods" --add-modules "$JLINK_MODULES" \
            --strip-java-debug-attributes --no-man-pages --no-header-files --compress=2 --output "$base/opt/java/openjdk"
        rm -rf "$work/jdk"
        echo "jlink $(jlink --version) $JLINK_MODULES" >>"$packages"
    fi
    local applet
    for applet in $APPLETS; do
        ln -s busybox "$base/bin/$applet"
    done
    mkdir -p "$base/etc" "$base/tmp" "$base/var/lib/skerry" "$base/proc" "$base/sys" "$base/dev"
    printf 'root:x:0:0:root:/root:/sbin/nologin\nskerry:x:%s:%s:skerry:/var/lib/skerry:/sbin/nologin\n' "$APP_UID" "$APP_GID" >"$base/etc/passwd"
    printf 'root:x:0:\nskerry:x:%s:\n' "$APP_GID" >"$base/etc/group"
    chmod 1777 "$base/tmp"
    chown "$APP_UID:$APP_GID" "$base/var/lib/skerry"
    chmod 0700 "$base/var/lib/skerry"

    # --- layer 2: skerry ---
    local app=$work/app
    mkdir -p "$app/usr/local/bin" "$app/usr/local/lib/skerry"
    if [ "$kind" = jvm ]; then
        cp -a "$APP" "$app/usr/local/lib/skerry/quarkus-app"
    else
        cp -a "$NATIVE" "$app/usr/local/lib/skerry/native"
    fi
    install -m 0755 deploy/bin/skerry "$app/usr/local/bin/skerry"
    chown -R 0:0 "$base" "$app/usr"
    chown "$APP_UID:$APP_GID" "$base/var/lib/skerry"

    # --- the OCI layout ---
    local blobs=$work/layout/blobs/sha256 base_layer app_layer
    base_layer=($(layer "$base" "$blobs"))
    app_layer=($(layer "$app" "$blobs"))
    local created
    created=$(date -u -d "@$EPOCH" +%Y-%m-%dT%H:%M:%SZ)
    local config variant_field= java_home_env=
    [ "$kind" = native ] || java_home_env=',"JAVA_HOME=/opt/java/openjdk"'
    [ -z "$variant" ] || variant_field='"variant":"'$variant'",'
    config=$(cat <<JSON
{"architecture":"$oci_arch",$variant_field"os":"linux","created":"$created","config":{"User":"$APP_UID:$APP_GID","Env":["PATH=/usr/local/bin:/usr/bin:/bin"$java_home_env,"SKERRY_STATE_DIR=/var/lib/skerry"],"Entrypoint":["/usr/local/bin/skerry"],"WorkingDir":"/","Volumes":{"/var/lib/skerry":{}},"Healthcheck":{"Test":["CMD","/usr/local/bin/skerry","health"],"Interval":120000000000,"Timeout":10000000000,"StartPeriod":180000000000,"Retries":3},"Labels":{"org.opencontainers.image.title":"skerry","org.opencontainers.image.version":"$VERSION","org.opencontainers.image.description":"skerry, $kind, built by deploy/image/build-oci.sh"}},"rootfs":{"type":"layers","diff_ids":["sha256:${base_layer[0]}","sha256:${app_layer[0]}"]},"history":[{"created":"$created","created_by":"deploy/image/build-oci.sh: base ($(cut -d' ' -f1,2 "$packages" | paste -sd, - | sed 's/"//g'))"},{"created":"$created","created_by":"deploy/image/build-oci.sh: skerry $VERSION"}]}
JSON
)
    local config_blob manifest manifest_blob
    config_blob=($(blob "$blobs" "$config"))
    manifest=$(printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s},{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
        "${config_blob[0]}" "${config_blob[1]}" "${base_layer[1]}" "${base_layer[2]}" "${app_layer[1]}" "${app_layer[2]}")
    manifest_blob=($(blob "$blobs" "$manifest"))
    printf '{"imageLayoutVersion":"1.0.0"}' >"$work/layout/oci-layout"
    printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"%s","os":"linux"%s},"annotations":{"org.opencontainers.image.ref.name":"latest","io.containerd.image.name":"localhost/skerry-%s:latest"}}]}' \
        "${manifest_blob[0]}" "${manifest_blob[1]}" "$oci_arch" "${variant:+,\"variant\":\"$variant\"}" "$kind" >"$work/layout/index.json"
    local archive=target/skerry-$kind-$suffix.oci.tar
    tar --sort=name --mtime="@$EPOCH" --owner=0 --group=0 --numeric-owner -cf "$archive" -C "$work/layout" .
    echo "build-oci: $archive ($(du -k "$archive" | cut -f1) KiB; layers $((base_layer[2] / 1024)) + $((app_layer[2] / 1024)) KiB gzip'd), manifest sha256:${manifest_blob[0]}"
}

for arch in "${@:-amd64}"; do
    if [ "$arch" = native ]; then
        build "$(dpkg --print-architecture)" native
    else
        build "$arch" jvm
    fi
done
