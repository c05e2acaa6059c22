#!/usr/bin/env bash
# JMH benchmarks of the hot parsers and encoders (bench/src/dev/skerry/bench/{Parsers,Encoders}.java),
# built with the test classes under the Maven profile "bench".
#   bash bench/jmh.sh CLASSPATH [JMH options, e.g. -f 1 -wi 3 -i 5]
source "$(dirname "$0")/lib.sh"
classpath=$1
shift
java -cp "$classpath" org.openjdk.jmh.Main -rf text -rff /dev/stdout "$@" 'dev.skerry.bench.*' 2>&1 |
    sed -n '/^Benchmark /,$p' | awk '!seen[$0]++'
