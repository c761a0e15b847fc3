#!/usr/bin/env bash
# The protocol simulator: the real sender and receiver decision logic over a virtual network with a virtual clock.
# Prints a markdown table next to the formulas; asserts nothing.
#   bench/simulate.sh [IMAGE_MIB]     (default 1024)
set -euo pipefail
cd "$(dirname "$0")/../protocol"
mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
exec java -Xmx8g -cp "target/classes:target/test-classes:$(cat target/test-classpath.txt)" \
  dev.broadband.protocol.sim.SimulationReport "$@"
