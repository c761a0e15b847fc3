#!/usr/bin/env bash
# Runs the JMH micro-benchmarks of the protocol library's test sources (FEC encode/decode); arguments go to JMH,
# e.g. `bench/jmh.sh Encode -p k=64`. Prints figures; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/../protocol"
mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
exec java -cp "target/classes:target/test-classes:$(cat target/test-classpath.txt)" org.openjdk.jmh.Main \
  -f 1 -wi 3 -i 5 -w 1s -r 1s "$@"
