#!/usr/bin/env bash
# Packs a built skerry into release artifacts with their checksums:
#
#   ./mvnw -B package -DskipTests && deploy/release/release.sh [out-dir]   # default target/release
#
# writes into out-dir
#   skerry-<version>.tar.gz       bin/skerry (the launcher) and lib/skerry/quarkus-app, the layout
#                                 the launcher looks for; byte-for-byte reproducible: entries sorted
#                                 by name, owner root:root, modes 0755/0644, every time stamp the
#                                 pom's project.build.outputTimestamp, gzip without name or time
#   skerry-<version>.cdx.json     the CycloneDX SBOM of what the tarball ships
#   SHA256SUMS                    for both (check with: sha256sum -c SHA256SUMS)
set -euo pipefail
cd "$(dirname "$0")/../.."

out=${1:-target/release}
app=target/quarkus-app
sbom=target/quarkus-run-cyclonedx.json
for file in "$app/quarkus-run.jar" "$sbom"; do
  [ -f "$file" ] || { echo "release: $file missing; build first: ./mvnw -B package -DskipTests" >&2; exit 1; }
done

version=$(sed -n '/<artifactId>skerry<\/artifactId>/{n;s/.*<version>\(.*\)<\/version>.*/\1/p;q}' pom.xml)
timestamp=$(sed -n 's/.*<project.build.outputTimestamp>\(.*\)<\/project.build.outputTimestamp>.*/\1/p' pom.xml)
[ -n "$version" ] && [ -n "$timestamp" ] || { echo "release: no version or outputTimestamp in pom.xml" >&2; exit 1; }
epoch=$(date -u -d "$timestamp" +%s)
name=skerry-$version

stage=$(mktemp -d "${TMPDIR:-/tmp}/skerry-release.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name/bin" "$stage/$name/lib/skerry"
cp deploy/bin/skerry "$stage/$name/bin/skerry"
cp -R "$app" "$stage/$name/lib/skerry/quarkus-app"
find "$stage/$name" -type d -exec chmod 0755 {} +
find "$stage/$name" -type f -exec chmod 0644 {} +
chmod 0755 "$stage/$name/bin/skerry"

mkdir -p "$out"
tar --sort=name --format=gnu --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
  -C "$stage" -cf - "$name" | gzip -9 -n >"$out/$name.tar.gz"
cp "$sbom" "$out/$name.cdx.json"
(cd "$out" && sha256sum "$name.tar.gz" "$name.cdx.json" >SHA256SUMS)
cat "$out/SHA256SUMS"
