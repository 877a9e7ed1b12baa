#!/usr/bin/env bash
# Runs dev.asession.ConformanceAdapter for the shared conformance runner:
#   node conformance/run.mjs --binding --impl "bash bindings/java/conformance-adapter.sh"
# Any Maven build of the module (mvn test included) leaves target/classes and target/adapter-classpath.txt;
# this builds them only when they are missing or older than the sources, under a lock so cases that start
# in parallel do not build at once. Run it with --build before the suite so no case spends its time limit
# on a build.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target="$here/target"
cp_file="$target/adapter-classpath.txt"
main_class="$target/classes/dev/asession/ConformanceAdapter.class"

# The compiler plugin recompiles the whole module on any change, so the main class dates the last compile.
stale() {
  [ ! -s "$cp_file" ] || [ ! -f "$main_class" ] || [ "$here/pom.xml" -nt "$cp_file" ] ||
    [ -n "$(find "$here/src/main" -newer "$main_class" -print -quit)" ]
}

if stale; then
  mkdir -p "$target"
  (
    flock 9
    if stale; then
      (cd "$here" && mvn -q -B -Dstyle.color=never process-classes) >&2
      # build-classpath leaves an unchanged file untouched; its time marks this build against pom.xml.
      touch "$cp_file"
    fi
  ) 9>"$target/.adapter-build.lock"
fi

[ "${1:-}" = "--build" ] && exit 0

# The engine under test is this checkout's unless the runner names another.
export ASESSION_BIN="${ASESSION_BIN:-$here/../../dist/cli.js}"

# Short-lived JVM: C1 only and serial GC start faster; exec so SIGTERM reaches the JVM's shutdown hook.
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$target/classes:$(cat "$cp_file")" dev.asession.ConformanceAdapter
