# Sourced by the launchers in */bin/ (and by their installed copies). Defines selfheal_launch.
#
# Nagios and xinetd start programs with a bare environment (no PATH, no JAVA_HOME), so the JDK is found
# from files alone, without running anything: SELFHEAL_JAVA, then JAVA_HOME, then the newest JDK (17 or
# later) under /usr/lib/jvm, then java on PATH.

# Prints the path of the java binary to use, or nothing.
selfheal_find_java() {
    if [ -n "${SELFHEAL_JAVA:-}" ]; then
        echo "$SELFHEAL_JAVA"; return
    fi
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
        echo "$JAVA_HOME/bin/java"; return
    fi
    best= best_major=16
    for release in /usr/lib/jvm/*/release; do
        [ -r "$release" ] || continue
        # JAVA_VERSION="17.0.15" or "25"; the major is the part before the first dot.
        major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")
        home=${release%/release}
        if [ -n "$major" ] && [ "$major" -gt "$best_major" ] && [ -x "$home/bin/java" ]; then
            best=$home/bin/java best_major=$major
        fi
    done
    if [ -n "$best" ]; then
        echo "$best"; return
    fi
    command -v java 2>/dev/null
}

# selfheal_launch HERE ARTIFACT MAIN_CLASS [ARGS...]
# HERE is the directory of the calling launcher. The jar is HERE/ARTIFACT.jar once installed, or
# HERE/../target/ARTIFACT.jar in a checkout after `mvn package`.
selfheal_launch() {
    here=$1 artifact=$2 main=$3
    shift 3
    jar=$here/$artifact.jar
    [ -r "$jar" ] || jar=$here/../target/$artifact.jar
    java=$(selfheal_find_java)
    if [ -z "$java" ]; then
        echo "UNKNOWN - no Java 17 or later found; set SELFHEAL_JAVA or JAVA_HOME"
        exit 3
    fi
    if [ ! -r "$jar" ]; then
        echo "UNKNOWN - $artifact.jar not found beside $here or in $here/../target (run mvn package)"
        exit 3
    fi
    # Short-lived processes: the C1 compiler alone, no perf-data file in /tmp, a small heap.
    exec "$java" -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xshare:auto -Xmx64m \
        -cp "$jar" "$main" "$@"
}
