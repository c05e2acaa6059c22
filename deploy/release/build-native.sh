#!/usr/bin/env bash
# Builds skerry's native executable into target/native: the executable `skerry`, and beside it lib/ with the JDK's
# shared libraries when the native-image in use links them dynamically (the toolchain below does; a GraalVM or
# Mandrel distribution links them statically and needs no lib/).
#
#   deploy/release/build-native.sh
#
# native-image, first match wins: $GRAALVM_HOME/bin/native-image; native-image on PATH; else the toolchain of
# native-toolchain/install.sh (found as $SKERRY_NATIVE_TOOLCHAIN, ../shared/native-toolchain or
# /work/shared/native-toolchain), assembled once into target/graalvm. With none of them it says so in one line and
# exits 3 (the caller skips the native steps); under CI (CI=true) that is exit 1: a green CI run means the native
# executable was built and tested.
# Leaves target/quarkus-app alone (a native build writes target/*-runner and target/*-native-image-source-jar).
set -euo pipefail
cd "$(dirname "$0")/../.."

fail() { echo "build-native: $*" >&2; exit 1; }

if [ -n "${GRAALVM_HOME:-}" ] && [ -x "$GRAALVM_HOME/bin/native-image" ]; then
    :
elif command -v native-image >/dev/null; then
    GRAALVM_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v native-image)")")")
else
    toolchain=
    for dir in "${SKERRY_NATIVE_TOOLCHAIN:-}" ../shared/native-toolchain /work/shared/native-toolchain; do
        if [ -n "$dir" ] && [ -x "$dir/install.sh" ]; then toolchain=$dir; break; fi
    done
    if [ -z "$toolchain" ]; then
        echo "build-native: no native-image (GRAALVM_HOME, PATH) and no native-toolchain/install.sh: native steps skipped" >&2
        [ "${CI:-}" = true ] && exit 1
        exit 3
    fi
    mkdir -p target
    GRAALVM_HOME=$PWD/target/graalvm
    if [ ! -x "$GRAALVM_HOME/bin/native-image" ]; then
        echo "+ $toolchain/install.sh $GRAALVM_HOME"
        "$toolchain/install.sh" "$GRAALVM_HOME" >target/graalvm-install.log 2>&1 ||
            fail "the toolchain did not install: $(tail -5 target/graalvm-install.log)"
    fi
fi
export GRAALVM_HOME
echo "build-native: $("$GRAALVM_HOME/bin/native-image" --version 2>&1 | head -1) ($GRAALVM_HOME)"

dynjdk=$GRAALVM_HOME/lib/svm/dynjdk
append=()
# The JDK's native libraries are shared objects with the toolchain: found in lib/ beside the executable.
[ ! -d "$dynjdk" ] || append+=("-H:NativeLinkerOption=-Wl\\,-rpath\\,\$ORIGIN/lib")
# What the native-arm64 profile appends, which a -D of the same property would replace.
[ "$(uname -m)" != aarch64 ] || append+=(-H:PageSize=65536)
args=()
[ ${#append[@]} -eq 0 ] || args=("-Dquarkus.native.additional-build-args-append=$(IFS=,; echo "${append[*]}")")
rm -f target/*-runner
./mvnw -B -q package -DskipTests -Dnative "${args[@]}"
runner=$(ls target/*-runner 2>/dev/null | head -1)
[ -n "$runner" ] || fail "no target/*-runner after the native build"

rm -rf target/native
mkdir -p target/native
cp "$runner" target/native/skerry
if [ -d "$dynjdk" ]; then
    mkdir target/native/lib
    cp "$dynjdk"/*.so target/native/lib/
    # Every shared object the executable asks for beyond the C library must be in lib/.
    missing=$(LD_LIBRARY_PATH= ldd target/native/skerry | awk '/not found/ {print $1}')
    [ -z "$missing" ] || fail "target/native/skerry needs libraries that lib/ lacks: $missing"
fi
echo "build-native: target/native/skerry ($(( $(stat -c %s target/native/skerry) / 1048576 )) MiB$([ -d target/native/lib ] && echo ", lib/ $(du -sk target/native/lib | cut -f1) KiB"))"
