# shellcheck shell=sh
# Sourced by the launchers in */bin/ (and by their installed copies). Defines selfheal_launch.
#
# Nagios and xinetd start programs with a bare environment (no PATH, no JAVA_HOME), so the JDK is found
# from files alone, without running anything: SELFHEAL_JAVA, then JAVA_HOME, then under /usr/lib/jvm the
# newest JDK (17 or later) with an archive for this jar and program, else the newest JDK 17 or later.
# A check starts one JVM, so every fork counts: this file uses sh builtins only, plus one `cksum` of the jar
# when an archive for it exists. The choices are measured in bench/README.md.
#
# Start-up archives (made by launcher/make-archives at build or install time, never here) sit beside the
# jar, named   ARTIFACT.MAIN.CRC-SIZE.jdkVERSION.jsa   (JDK 17-24: static AppCDS archive)
#       or     ARTIFACT.MAIN.CRC-SIZE.jdkVERSION.aot   (JDK 25+: AOT cache)
# where CRC-SIZE is `cksum` of the exact jar. A rebuilt or replaced jar has another name, so an old archive
# is never offered to the JVM and never runs old classes; -Xlog:disable keeps any JVM complaint about an
# archive (JDK 17 prints them on stdout) out of the plugin's output.

# JVM flags for a short-lived process; make-archives trains with the same ones. SELFHEAL_JAVA_OPTS is
# appended (e.g. a larger -Xmx for a huge status document).
#   -Xint                  no JIT threads: the least CPU for a run this short (-XX:TieredStopAtLevel=1 costs more)
#   -XX:-UsePerfData       no hsperfdata file in /tmp, less start-up work
#   -Xmx64m                a small heap: G1 sets up less (default max heap is 1/4 of RAM)
#   -Xms16m                and commits 16 MiB at start, not all 64: fewer page faults setting up G1's tables
#                          for regions a check never uses (a plain check allocates about 1.5 MiB, a TLS check
#                          about 10 MiB with one collection, as with 64m; -Xms4m would make that 11)
#   -XX:StringTableSize=1024 -XX:SymbolTableSize=1024 (experimental)  the VM's interned-string and symbol
#                          tables start at 1024 buckets, not 65536 and 32768: the archive has its own tables for
#                          what a check uses, and zeroing the default ones costs ~190 page faults (768 KiB) per
#                          start; the tables grow when a long-running program needs more
#   -Xlog:disable          no unified-logging output on stdout (CDS/AOT warnings would corrupt the plugin line)
#   -XX:ArchiveRelocationMode=0  map the archive at the address it was made for: since 17.0.x the JDK
#                          relocates it to a random address by default (ASLR), which costs each start a few
#                          ms of pointer patching. A hardening trade-off for processes that live a tenth of a
#                          second; SELFHEAL_JAVA_OPTS=-XX:ArchiveRelocationMode=1 restores the default.
#   -Djdk.includeInExceptions=hostInfoExclSocket  the value JDK 25's java.security ships with, given as
#                          the system property that overrides it: JDK 25's InetAddress asks for it at class
#                          initialisation, and answering it from java.security means parsing that 58 KiB
#                          file, interpreted, in every check (JDK 17 asks only when a connection fails,
#                          and does not know this value, so it includes no host there, as by default)
#   -Djdk.reflect.useNativeAccessorOnly=true  core reflection through JNI, as before JDK 18: JDK 25's
#                          socket set-up calls Enum.valueOf, whose reflective values() call would otherwise
#                          generate a method-handle class at run time (JDK 17 ignores it)
# (-Xshare:auto, the default, uses an archive if it maps and runs without it otherwise; it must not be
# given explicitly, because JDK 25 refuses to start when -Xshare:* and -XX:AOTCache meet.)
selfheal_jvm_flags="-Xint -XX:-UsePerfData -Xmx64m -Xms16m -Xlog:disable -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0
-XX:StringTableSize=1024 -XX:+UnlockExperimentalVMOptions -XX:SymbolTableSize=1024
-Djdk.includeInExceptions=hostInfoExclSocket -Djdk.reflect.useNativeAccessorOnly=true"

# A check that does a TLS handshake runs its elliptic-curve and RSA arithmetic for a good part of a second,
# code that JDK 25 writes for its JIT: interpreted, an HTTPS check took 3-4 s of CPU on JDK 25 and 1 s on
# 17, with the C1 compiler 0.6 and 0.75 s (bench/README.md). A launcher whose program will do one sets
# selfheal_jit=yes before selfheal_launch and gets C1 in place of -Xint, with the archive make-archives
# trained for it (NAME-jit: a TLS check), or else the interpreted program's.
selfheal_jit_flags="-XX:TieredStopAtLevel=1 ${selfheal_jvm_flags#-Xint }"

# Long-running programs (the demo worker foo, the check service) must keep the JIT: a launcher that starts
# one sets selfheal_daemon=yes and gets the flags every program had before the start-up tuning, and no
# archive (make-archives trains only the per-check programs); selfheal_daemon_heap sets -Xmx (64m). Their heaps
# are small and their work is not pause-sensitive: SerialGC kept the check service 8 MiB smaller than G1 after
# plain checks and 22 MiB after HTTPS ones, at the same CPU per check (bench/README.md).
selfheal_daemon_flags="-XX:TieredStopAtLevel=1 -XX:-UsePerfData -XX:+UseSerialGC"

# Sets selfheal_major and selfheal_version from JAVA_HOME/release (empty if unreadable). Builtins only.
selfheal_read_release() {
    selfheal_major='' selfheal_version=
    [ -r "$1/release" ] || return 0
    while IFS= read -r line; do
        case $line in
            JAVA_VERSION=*)
                selfheal_version=${line#JAVA_VERSION=}
                selfheal_version=${selfheal_version#\"}
                selfheal_version=${selfheal_version%\"}
                selfheal_major=${selfheal_version%%[!0-9]*}
                return 0 ;;
        esac
    done < "$1/release"
}

# selfheal_compute_jar_key JAR: sets selfheal_jar_key to "CRC-SIZE" of the jar's bytes, once (the one fork).
selfheal_compute_jar_key() {
    [ -z "${selfheal_jar_key:-}" ] || return 0
    selfheal_jar_key=$(cksum < "$1") || { selfheal_jar_key=; return 1; }
    selfheal_jar_key=${selfheal_jar_key%% *}-${selfheal_jar_key#* }
}

# selfheal_archive_name JAR PROGRAM HOME: sets selfheal_archive to the archive for this jar, program and
# JDK if one exists, else empty. PROGRAM is the main class (its simple name counts) or NAME-jit, the name
# of the archive make-archives trains with selfheal_jit_flags. selfheal_jar_key is computed once, and only
# when some archive for this program and JDK exists at all.
selfheal_archive_name() {
    selfheal_archive=
    selfheal_read_release "$3"
    [ -n "$selfheal_major" ] && [ "$selfheal_major" -ge 17 ] || return 0
    if [ "$selfheal_major" -ge 25 ]; then ext=aot; else ext=jsa; fi
    prefix=${1%.jar}.${2##*.}
    for candidate in "$prefix".*".jdk$selfheal_version.$ext"; do
        [ -r "$candidate" ] || return 0
        selfheal_compute_jar_key "$1" || return 0
        if [ "$candidate" = "$prefix.$selfheal_jar_key.jdk$selfheal_version.$ext" ]; then
            selfheal_archive=$candidate
            return 0
        fi
    done
}

# selfheal_pick_java JAR PROGRAM: sets selfheal_java (empty if none found) and selfheal_archive.
selfheal_pick_java() {
    selfheal_java='' selfheal_archive='' selfheal_jar_key=
    if [ -n "${SELFHEAL_JAVA:-}" ]; then
        selfheal_java=$SELFHEAL_JAVA
        selfheal_archive_name "$1" "$2" "${SELFHEAL_JAVA%/bin/java}"
        return 0
    fi
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
        selfheal_java=$JAVA_HOME/bin/java
        selfheal_archive_name "$1" "$2" "$JAVA_HOME"
        return 0
    fi
    best='' best_major=16 best_archive='' best_archive_major=16 best_archive_file=
    for release in /usr/lib/jvm/*/release; do
        home=${release%/release}
        [ -x "$home/bin/java" ] || continue
        selfheal_archive_name "$1" "$2" "$home"
        [ -n "$selfheal_major" ] || continue
        if [ -n "$selfheal_archive" ] && [ "$selfheal_major" -gt "$best_archive_major" ]; then
            best_archive=$home best_archive_major=$selfheal_major best_archive_file=$selfheal_archive
        fi
        if [ "$selfheal_major" -gt "$best_major" ]; then
            best=$home best_major=$selfheal_major
        fi
    done
    if [ -n "$best_archive" ]; then
        selfheal_java=$best_archive/bin/java selfheal_archive=$best_archive_file
    elif [ -n "$best" ]; then
        selfheal_java=$best/bin/java selfheal_archive=
    else
        selfheal_java=$(command -v java 2>/dev/null) || selfheal_java=
        selfheal_archive=
    fi
}

# selfheal_pick JAR MAIN: selfheal_pick_java for this program as selfheal_jit asks: with selfheal_jit, the
# JDK and archive that make-archives trained with selfheal_jit_flags (NAME-jit) if it made one, else the
# interpreted program's, which a JVM with C1 maps as well.
selfheal_pick() {
    if [ -n "${selfheal_jit:-}" ]; then
        selfheal_pick_java "$1" "${2##*.}-jit"
        [ -z "$selfheal_archive" ] || return 0
    fi
    selfheal_pick_java "$1" "$2"
}

# selfheal_launch HERE ARTIFACT MAIN_CLASS [ARGS...]
# HERE is the directory of the calling launcher. The jar is HERE/ARTIFACT.jar once installed, or
# HERE/../target/ARTIFACT.jar in a checkout after `mvn package`. selfheal_jit=yes asks for
# selfheal_jit_flags instead of selfheal_jvm_flags.
selfheal_launch() {
    here=$1 artifact=$2 main=$3
    shift 3
    jar=$here/$artifact.jar
    [ -r "$jar" ] || jar=$here/../target/$artifact.jar
    if [ ! -r "$jar" ]; then
        echo "UNKNOWN - $artifact.jar not found beside $here or in $here/../target (run mvn package)"
        exit 3
    fi
    selfheal_pick "$jar" "$main"
    if [ -z "$selfheal_java" ]; then
        echo "UNKNOWN - no Java 17 or later found; set SELFHEAL_JAVA or JAVA_HOME"
        exit 3
    fi
    if [ -n "${selfheal_daemon:-}" ]; then
        # shellcheck disable=SC2086
        exec "$selfheal_java" $selfheal_daemon_flags "-Xmx${selfheal_daemon_heap:-64m}" ${SELFHEAL_JAVA_OPTS:-} \
            -cp "$jar" "$main" "$@"
    fi
    case $selfheal_archive in
        *.jsa) archive_flag=-XX:SharedArchiveFile=$selfheal_archive ;;
        *.aot) archive_flag=-XX:AOTCache=$selfheal_archive ;;
        *) archive_flag= ;;
    esac
    flags=$selfheal_jvm_flags
    [ -z "${selfheal_jit:-}" ] || flags=$selfheal_jit_flags
    # shellcheck disable=SC2086 # the flag lists are word lists
    exec "$selfheal_java" $flags ${archive_flag:+"$archive_flag"} ${SELFHEAL_JAVA_OPTS:-} -cp "$jar" "$main" "$@"
}
