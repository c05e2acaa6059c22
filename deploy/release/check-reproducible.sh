#!/usr/bin/env bash
# Checks that the build is reproducible: builds target/quarkus-app from a clean copy of the
# source tree and compares the SHA-256 of every file with a second build.
#
#   deploy/release/check-reproducible.sh                      # two clean builds, compared
#   deploy/release/check-reproducible.sh target/quarkus-app   # one clean build, compared with an existing one
#
# The existing tree must come from a clean package build of the same sources (CI uses two fresh
# builds: see README, "Reproducible build", for what Quarkus 3.33 leaves open). Each build runs in a copy of the source tree
# in a directory of its own, so a different path must not change the output either, and the
# working tree's target/ is left alone. Exit status: 0 identical, 1 different, 2 usage.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

if [ $# -gt 1 ]; then
  echo "usage: $0 [existing quarkus-app directory]" >&2
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/skerry-repro.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Build the committed and uncommitted (not ignored) files of this checkout in a fresh directory.
build() {
  local dir=$work/$1
  mkdir -p "$dir"
  git -C "$root" ls-files -z --cached --others --exclude-standard \
    | (cd "$root" && tar --null -T - -cf -) | tar -xf - -C "$dir"
  echo "+ build $1 in $dir" >&2
  (cd "$dir" && ./mvnw -B -q package -DskipTests >"$work/$1.log" 2>&1) || {
    cat "$work/$1.log" >&2
    echo "check-reproducible: build $1 failed" >&2
    exit 2
  }
  echo "$dir/target/quarkus-app"
}

sums() {
  (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
}

if [ $# -eq 1 ]; then
  first=$(cd "$1" && pwd)
  [ -f "$first/quarkus-run.jar" ] || { echo "check-reproducible: no quarkus-run.jar in $1" >&2; exit 2; }
else
  first=$(build first)
fi
second=$(build second)

sums "$first" >"$work/first.sha256"
sums "$second" >"$work/second.sha256"
files=$(wc -l <"$work/first.sha256")
if ! diff <(cut -c67- "$work/first.sha256") <(cut -c67- "$work/second.sha256"); then
  echo "check-reproducible: NOT reproducible: the two builds ship different files" >&2
  exit 1
fi
differing=$(join -j 2 <(sort -k2 "$work/first.sha256") <(sort -k2 "$work/second.sha256") | awk '$2 != $3 { print $1 }')
if [ -z "$differing" ]; then
  echo "reproducible: all $files files in quarkus-app identical (SHA-256) in two builds"
  exit 0
fi

# Quarkus 3.33 names the values its recorders pass between generated classes "proxykey<N>", N from
# one counter that build steps running in parallel share, so N changes from build to build (fixed
# in later Quarkus versions). A class of generated-bytecode.jar that differs is accepted only if
# its disassembly is the same once those keys are numbered in order of first use.
canonical_keys() {
  awk '{ line = $0; out = "";
         while (match(line, /proxykey[0-9]+/)) {
           key = substr(line, RSTART, RLENGTH);
           if (!(key in id)) id[key] = ++n;
           out = out substr(line, 1, RSTART - 1) "proxykey#" id[key];
           line = substr(line, RSTART + RLENGTH) }
         print out line }'
}
# Quarkus 3.33 also writes a recorded hash set (the runtime configuration properties to validate)
# in an order that can change between builds: the weaker comparison, per class, of the multiset of
# instructions and constants without offsets, constant pool indexes and key numbers.
unordered() {
  sed -E 's/^ *[0-9]+: //; s/#[0-9]+(,[ 0-9]+)?//g; s/proxykey[0-9]+/proxykey/g' \
    | awk '/^(public|final|abstract|class|interface)|^[a-z].* class / { print "== " $0; next } { print }' \
    | awk '/^== / { cls = $0 } { print cls "\t" $0 }' | LC_ALL=C sort
}
disassemble() { # directory, class files...
  local dir=$1; shift
  (cd "$dir" && javap -c -p -constants "$@") | grep -v '^Classfile\|^  Last modified\|^  SHA-256\|^  MD5'
}

failed=0
for file in $differing; do
  if [ "$file" != ./quarkus/generated-bytecode.jar ]; then
    echo "differs: $file" >&2
    failed=1
    continue
  fi
  mkdir -p "$work/a" "$work/b"
  (cd "$work/a" && unzip -q "$first/$file") && (cd "$work/b" && unzip -q "$second/$file")
  if ! diff <(unzip -Z1 "$first/$file") <(unzip -Z1 "$second/$file") >&2; then
    echo "differs: $file (entries)" >&2
    failed=1
    continue
  fi
  entries=$(cd "$work/a" && find . -type f | LC_ALL=C sort | while read -r entry; do
    cmp -s "$work/a/$entry" "$work/b/$entry" || echo "$entry"; done)
  count="$(echo "$entries" | wc -l) of $(unzip -Z1 "$first/$file" | grep -c -v '/$') classes"
  # shellcheck disable=SC2086 # entry names have no spaces
  if diff <(disassemble "$work/a" $entries | canonical_keys) <(disassemble "$work/b" $entries | canonical_keys) >/dev/null; then
    echo "note: $file: $count differ only in the numbering of recorder proxy keys" >&2
  elif diff <(disassemble "$work/a" $entries | unordered) <(disassemble "$work/b" $entries | unordered) >&2; then
    echo "note: $file: $count hold the same instructions and constants, some in another order (a recorded hash set) and with other proxy key numbers" >&2
  else
    echo "differs: $file (beyond proxy key numbering and order)" >&2
    failed=1
  fi
done
if [ $failed -ne 0 ]; then
  echo "check-reproducible: NOT reproducible" >&2
  exit 1
fi
echo "reproducible: all $files files in quarkus-app identical in two builds, except generated-bytecode.jar as noted above"
