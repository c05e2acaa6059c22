#!/usr/bin/env bash
# Builds the Debian package without a daemon or root, with dpkg-deb, from the packaged application:
#
#   ./mvnw -B package -DskipTests && deploy/deb/build-deb.sh [out-dir]   # default target/deb
#
# writes out-dir/skerry_<version>_all.deb holding
#   /usr/bin/skerry                         the launcher (deploy/bin/skerry)
#   /usr/lib/skerry/quarkus-app             the application, where the launcher looks for it
#   /lib/systemd/system/skerry.service      deploy/systemd/skerry.service for this layout: ExecStart=/usr/bin/skerry,
#                                           and the package's system user instead of DynamicUser=
#   /etc/skerry/skerry.env                  the configuration (a conffile, 0640), every line a comment
# postinst makes the system user skerry and /var/lib/skerry (0700, its own); it starts nothing: the install is
#   apt install ./skerry_<version>_all.deb && systemctl enable --now skerry
# Time stamps are the pom's project.build.outputTimestamp; owners root:root.
set -euo pipefail
cd "$(dirname "$0")/../.."

out=${1:-target/deb}
app=target/quarkus-app
[ -f "$app/quarkus-run.jar" ] || { echo "build-deb: $app/quarkus-run.jar missing; build first: ./mvnw -B package -DskipTests" >&2; exit 1; }
command -v dpkg-deb >/dev/null || { echo "build-deb: dpkg-deb not found (Debian package dpkg)" >&2; exit 1; }

pom_version=$(sed -n '/<artifactId>skerry<\/artifactId>/{n;s/.*<version>\(.*\)<\/version>.*/\1/p;q}' pom.xml)
timestamp=$(sed -n 's/.*<project.build.outputTimestamp>\(.*\)<\/project.build.outputTimestamp>.*/\1/p' pom.xml)
[ -n "$pom_version" ] && [ -n "$timestamp" ] || { echo "build-deb: no version or outputTimestamp in pom.xml" >&2; exit 1; }
# 0.1.0-SNAPSHOT becomes 0.1.0~SNAPSHOT, which Debian sorts before the release 0.1.0.
version=$(printf '%s' "$pom_version" | sed 's/-/~/g')
export SOURCE_DATE_EPOCH
SOURCE_DATE_EPOCH=$(date -u -d "$timestamp" +%s)

stage=$(mktemp -d "${TMPDIR:-/tmp}/skerry-deb.XXXXXX")
trap 'rm -rf "$stage"' EXIT
root=$stage/root
mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root/usr/lib/skerry" "$root/lib/systemd/system" "$root/etc/skerry" \
    "$root/usr/share/doc/skerry"
cp deploy/bin/skerry "$root/usr/bin/skerry"
cp -R "$app" "$root/usr/lib/skerry/quarkus-app"
cp README.md "$root/usr/share/doc/skerry/README.md"

# The unit for this layout. A static user: postinst makes it, and it owns /var/lib/skerry across upgrades.
grep -q '^ExecStart=/usr/local/bin/skerry$' deploy/systemd/skerry.service && grep -q '^DynamicUser=yes$' deploy/systemd/skerry.service ||
    { echo "build-deb: deploy/systemd/skerry.service no longer has the lines this script rewrites" >&2; exit 1; }
sed -e 's|^ExecStart=/usr/local/bin/skerry$|ExecStart=/usr/bin/skerry|' \
    -e 's|^DynamicUser=yes$|User=skerry\nGroup=skerry|' \
    -e 's|^# A user of its own, allocated at start;|# The system user of the package (postinst);|' \
    deploy/systemd/skerry.service >"$root/lib/systemd/system/skerry.service"
cp deploy/deb/skerry.env "$root/etc/skerry/skerry.env"

installed_kib=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<CONTROL
Package: skerry
Version: $version
Architecture: all
Maintainer: skerry <skerry@localhost>
Installed-Size: $installed_kib
Depends: default-jre-headless (>= 2:1.17) | java17-runtime-headless, passwd
Section: admin
Priority: optional
Description: device metrics reporter for AWS IoT Device Defender and MQTT
 skerry reads a Linux host's network and health state from /proc and /sys
 every interval and sends an AWS IoT Device Defender metrics report over
 MQTT with mutual TLS, or prints it on standard output.
CONTROL
echo /etc/skerry/skerry.env >"$root/DEBIAN/conffiles"
for script in postinst prerm postrm; do
    install -m 0755 "deploy/deb/$script" "$root/DEBIAN/$script"
done

find "$root" -type d -exec chmod 0755 {} +
find "$root/usr" "$root/lib" -type f -exec chmod 0644 {} +
chmod 0755 "$root/usr/bin/skerry"
chmod 0640 "$root/etc/skerry/skerry.env"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles"
find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

mkdir -p "$out"
deb=$out/skerry_${version}_all.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "build-deb: $deb ($(du -k "$deb" | cut -f1) KiB)"
