#!/usr/bin/env bash
# Runs dev.asession.ConformanceAdapter for the shared conformance runner:
#   node conformance/run.mjs --binding --impl "bash bindings/java/conformance-adapter.sh"
# Builds the classes and the dependency classpath once (again when a main source changes); the lock keeps
# cases that start in parallel from building at the same time. Run it with --build before the suite so no
# case spends its time limit on the build.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target="$here/target"
cp_file="$target/adapter-classpath.txt"

stale() {
  [ ! -s "$cp_file" ] || [ ! -f "$target/classes/dev/asession/ConformanceAdapter.class" ] ||
    [ -n "$(find "$here/src/main" "$here/pom.xml" -newer "$cp_file" -print -quit)" ]
}

if stale; then
  mkdir -p "$target"
  (
    flock 9
    if stale; then
      (cd "$here" && mvn -q -B -Dstyle.color=never compile dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile="$cp_file") >&2
      # build-classpath leaves an unchanged file untouched; its time marks this build.
      touch "$cp_file"
    fi
  ) 9>"$target/.adapter-build.lock"
fi

[ "${1:-}" = "--build" ] && exit 0

# The engine under test is this checkout's unless the runner names another.
export ASESSION_BIN="${ASESSION_BIN:-$here/../../dist/cli.js}"

# Short-lived JVM: C1 only and serial GC start faster; exec so SIGTERM reaches the JVM's shutdown hook.
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$target/classes:$(cat "$cp_file")" dev.asession.ConformanceAdapter
