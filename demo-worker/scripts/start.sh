#!/bin/sh
# start.sh: starts foo fully detached and waits until its status endpoint listens (foo writes its pidfile
# only after binding). Exit 0 once foo runs (or already ran); 1 with a message on stderr if it did not start
# within FOO_START_TIMEOUT seconds; 2 on a configuration error. Settings: see common.sh and README.md.
# A start that fails leaves no foo behind: one that is not ready in time is stopped, and so is one whose
# start.sh is stopped by TERM, INT or HUP before it is ready (exit 128 + the signal's number).
set -u
# shellcheck source=common.sh
. "$(dirname "$(readlink -f "$0")")/common.sh"
foo_clock
deadline=$((foo_now + FOO_START_TIMEOUT * 100)) # FOO_START_TIMEOUT counts from here, as the caller's clock does

if pid=$(foo_running_pid); then
    echo "foo already running (pid $pid)"
    exit 0
fi
[ -x "$FOO_LAUNCHER" ] || foo_die 1 "launcher $FOO_LAUNCHER not found or not executable"
mkdir -p "$FOO_HOME" || foo_die 1 "cannot create FOO_HOME $FOO_HOME"
rm -f "$FOO_PIDFILE" # stale: it names no running foo

# foo_stop_unready PID: stops the worker this script started and that is not ready: TERM, 0.5 s, KILL, within
# the command-listener's 1 s between TERM and KILL. A worker that is not ready has done no work, so KILL
# loses nothing. Until this script waits for it, PID stays ours (at worst a zombie), so it names no other
# process. The process itself is signalled too, in case it has not called setsid() yet.
foo_stop_unready() {
    kill -TERM -"$1" "$1" 2>/dev/null
    foo_wait_dead "$1" 50 && return 0
    kill -KILL -"$1" "$1" 2>/dev/null
    foo_wait_dead "$1" 50
}

foo_interrupted() {
    # $! rather than $child: a signal may arrive between starting foo and the assignment.
    if [ -n "${!:-}" ]; then
        foo_stop_unready "$!"
        echo "foo: start.sh interrupted by $1 before foo was ready; stopped pid $!" >&2
    fi
    exit "$2"
}
trap 'foo_interrupted TERM 143' TERM
trap 'foo_interrupted INT 130' INT
trap 'foo_interrupted HUP 129' HUP

# Own session, stdin from /dev/null, output to the log: the worker must never hold the caller's socket
# (xinetd) or pipe ($(...), nc), or the caller would wait until the worker dies.
set -- --home "$FOO_HOME" --bind "$FOO_BIND" --port "$FOO_PORT" --pidfile "$FOO_PIDFILE"
set -f # FOO_OPTS is split into words, never globbed
for opt in $FOO_OPTS; do set -- "$@" "$opt"; done
set +f
# $! is foo itself, and so is its session: a background job of a shell without job control is no process
# group leader, so setsid calls setsid() in place, without a fork, and both the launcher and launch.sh exec.
# Its process group is what gets stopped, so a launcher that forked would still leave nothing behind.
setsid "$FOO_LAUNCHER" "$@" </dev/null >>"$FOO_LOG" 2>&1 &
child=$!

while :; do
    if pid=$(foo_running_pid); then
        trap - TERM INT HUP # foo is ready: from now on, stopping this script leaves it running
        echo "foo started (pid $pid, status http://$FOO_BIND:$FOO_PORT/health)"
        exit 0
    fi
    if ! foo_pid_alive "$child"; then
        trap - TERM INT HUP # foo is gone; once waited for, its pid may name another process
        wait "$child"
        status=$?
        echo "foo: failed to start (exit status $status); last lines of $FOO_LOG:" >&2
        tail -n 5 "$FOO_LOG" >&2
        exit 1
    fi
    foo_clock
    if [ "$foo_now" -ge "$deadline" ]; then
        foo_stop_unready "$child"
        echo "foo: not ready within $FOO_START_TIMEOUT s (no pidfile $FOO_PIDFILE); stopped pid $child; see $FOO_LOG" >&2
        exit 1
    fi
    sleep 0.1
done
