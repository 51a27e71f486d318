#!/bin/sh
# run.sh - builds what the benchmarks need and runs them (from any folder).
#
#   lock-bench/run.sh [--quick] [--only NAME,...] [--dir FOLDER] [--out FILE]   the cross-process harness
#   lock-bench/run.sh jmh [JMH OPTIONS]                                        the JMH benchmarks
#
# Harness measurements (for --only): uncontended waitcpu timeout handoff threads contention
# scale fdlimit cli. The table goes to standard output and to --out (default
# lock-bench/target/bench-results.md). The CLI start-up is measured on the java of JAVA_HOME (or
# the PATH) and on a Java 25 JDK when one is found (JAVA25_HOME, or the first JDK 25 installed in
# the usual place), like .ci/run.
# Environment: SKIP_BUILD=1 uses what is already built; MVN_OPTS are passed to mvn (e.g. -o).
set -eu
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
repo=$(dirname -- "$here")
cd "$repo"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    # the reactor builds every module the benchmarks use, and the CLI's jar; nothing is installed
    # shellcheck disable=SC2086
    mvn -B -q ${MVN_OPTS:-} -pl lock-bench,lock-cli -am package -DskipTests
fi
cp="$here/target/classes:$(cat "$here/target/bench.classpath")"
# the native backends are allowed their native calls (the option exists since Java 17)
native=--enable-native-access=ALL-UNNAMED
if [ -n "${JAVA_HOME:-}" ]; then java=$JAVA_HOME/bin/java; else java=java; fi

if [ "${1:-}" = jmh ]; then
    shift
    if [ $# -gt 0 ]; then
        exec "$java" "$native" -cp "$cp" org.openjdk.jmh.Main "$@"
    fi
    # every backend in every mode it has: nio has LOCKFILE only
    "$java" "$native" -cp "$cp" org.openjdk.jmh.Main UncontendedBenchmark -p backend=nio -p mode=LOCKFILE
    exec "$java" "$native" -cp "$cp" org.openjdk.jmh.Main UncontendedBenchmark -p backend=jna,jnr -p mode=LOCKFILE,FLOCK,BOTH
fi

java25="${JAVA25_HOME:-}"
if [ -z "$java25" ]; then
    for candidate in /usr/lib/jvm/*/; do
        candidate="${candidate%/}"
        [ -x "$candidate/bin/java" ] || continue
        case "$("$candidate/bin/java" -version 2>&1 | head -1)" in
            *'"25'*) java25="$candidate"; break ;;
        esac
    done
fi
set -- --launcher "$repo/lock-cli/astlock" --out "$here/target/bench-results.md" "$@"
if [ -n "$java25" ]; then
    set -- --java25 "$java25" "$@"
fi
exec "$java" "$native" -cp "$cp" io.github.astlock.bench.Harness "$@"
