#!/usr/bin/env bash
# CI (root, Debian): installs the package on this machine as a user would (apt install ./skerry_*.deb), checks what
# postinst made, runs the agent once as the package's user with the package's layout, then purges the package.
#
#   deploy/deb/check-deb.sh target/deb/skerry_<version>_all.deb
set -euo pipefail
deb=$(realpath "$1")
die() { echo "check-deb: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root: it installs the package"
! dpkg -s skerry >/dev/null 2>&1 || die "skerry is already installed here; this check installs and purges it"

export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q "$deb" >/dev/null
trap 'apt-get purge -y -q skerry >/dev/null 2>&1 || true' EXIT

# What postinst and the package made.
getent passwd skerry >/dev/null || die "no user skerry"
[ "$(stat -c '%U %a' /var/lib/skerry)" = "skerry 700" ] || die "/var/lib/skerry is $(stat -c '%U %a' /var/lib/skerry), not skerry 700"
[ "$(stat -c '%U:%G %a' /etc/skerry/skerry.env)" = "root:root 640" ] || die "/etc/skerry/skerry.env is $(stat -c '%U:%G %a' /etc/skerry/skerry.env)"
unit=/lib/systemd/system/skerry.service
grep -qx 'ExecStart=/usr/bin/skerry' "$unit" && grep -qx 'User=skerry' "$unit" && ! grep -q '^DynamicUser=' "$unit" ||
    die "$unit does not start /usr/bin/skerry as the user skerry"
if command -v systemd-analyze >/dev/null; then
    # the unit as installed: no warning (the TLS files it loads are the operator's to add)
    warnings=$(systemd-analyze verify "$unit" 2>&1 | grep -v -e 'ca.pem' -e 'device.pem' -e 'device.key') || true
    [ -z "$warnings" ] || die "systemd-analyze verify $unit: $warnings"
    # as hardened as deploy/systemd/skerry.service (deploy/systemd/check): exposure at most 1.5
    score=$(systemd-analyze security --offline=true "$unit" | sed -n 's/.*Overall exposure level for skerry.service: \([0-9.]*\).*/\1/p')
    [ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 1.5) }' || die "$unit: exposure '$score' is above 1.5"
fi
version=$(/usr/bin/skerry --version)
[ "$version" = "skerry $(dpkg-query -W -f '${Version}' skerry | sed 's/~/-/g')" ] || die "skerry --version says '$version'"

# One report as the package's user, in its state directory, with the installed launcher and application.
report=$(runuser -u skerry -- env -i PATH=/usr/bin:/bin SKERRY_ONCE=true SKERRY_STATE_DIR=/var/lib/skerry /usr/bin/skerry 2>/tmp/check-deb.err) ||
    die "the agent failed as skerry: $(cat /tmp/check-deb.err)"
printf '%s\n' "$report" | jq -e '.header.report_id > 0 and (.metrics.listening_tcp_ports != null)' >/dev/null ||
    die "not a report: $report"
# by hand, as root and without the agent's environment: root's default state directory is /var/lib/skerry
health=$(env -i PATH=/usr/bin:/bin /usr/bin/skerry health 2>&1) || die "skerry health: $health"
[ -f /var/lib/skerry/heartbeat ] && [ "$(stat -c %U /var/lib/skerry/heartbeat)" = skerry ] || die "no heartbeat of skerry in /var/lib/skerry"

apt-get purge -y -q skerry >/dev/null
trap - EXIT
[ ! -e /usr/bin/skerry ] && [ ! -e /usr/lib/skerry ] && [ ! -e /var/lib/skerry ] && [ ! -e /etc/skerry ] || die "the purge left files behind"
echo "check-deb: $(basename "$deb"): installed (unit exposure ${score:-not checked}), one report as skerry ($version), $health, purged"
