#!/usr/bin/env bash
# Runs every step of the native build except native-image itself (no GraalVM or Mandrel needed):
# Quarkus writes target/native-sources (native-image.args, the runner jar with its reflection and
# resource configuration, lib/). Then checks what native-image would be given:
#   - the build succeeds with the native profile (its native-only build steps run here too);
#   - the arm64 page size (-Pnative-arm64) reaches native-image.args;
#   - the types skerry registers for reflection (JsonNode, see NativeReflectionTest) are in reflect-config.json;
#   - no heap dump on a signal (it would write the TLS private key to disk);
#   - no HTTP server.
# Leaves target/quarkus-app alone.
set -euo pipefail
cd "$(dirname "$0")/../.."

out=target/native-sources
rm -rf "$out"
./mvnw -B -q package -DskipTests -Dnative -Pnative-arm64 -Dquarkus.native.sources-only=true

args=$(cat "$out/native-image.args")
runner=$(ls "$out"/*-runner.jar)
reflect=$(unzip -p "$runner" META-INF/native-image/reflect-config.json)
failed=0
check() { # description, command...
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAILED: $what" >&2; failed=1; fi
}
has_arg() { grep -qx -- "$1" <<<"$(tr ' ' '\n' <<<"$args")"; }
lacks_arg() { ! grep -q -- "$1" <<<"$args"; }
registered() { grep -q "\"name\" *: *\"$1\"" <<<"$reflect"; }
no_http_server() { ! ls "$out/lib" | grep -q -E 'quarkus-vertx-http|vertx-web|quarkus-rest'; }

check "arm64 page size -H:PageSize=65536" has_arg -H:PageSize=65536
check "--no-fallback (a native executable, never a JVM fallback)" has_arg --no-fallback
check "--link-at-build-time (a missing class fails the build, not the device)" has_arg --link-at-build-time
check "JsonNode registered for reflection" registered com.fasterxml.jackson.databind.JsonNode
check "no heap dump monitoring" lacks_arg heapdump
check "thread dumps on SIGQUIT (--enable-monitoring=threaddump), which otherwise kills the executable" has_arg --enable-monitoring=threaddump
check "no HTTP server on the class path" no_http_server
[ $failed -eq 0 ] || { echo "check-native-sources: native-image.args: $args" >&2; exit 1; }
echo "native sources ready: $out ($(ls "$out/lib" | wc -l) jars)"
