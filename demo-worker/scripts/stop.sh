#!/bin/sh
# stop.sh: stops the foo named by the pidfile: TERM, then KILL after FOO_STOP_GRACE seconds. Exit 0 once foo
# is not running (also when it was not running: no pidfile, a dead or zombie pid, or a pid reused by another
# program, which is never signalled); 1 if it survived KILL; 2 on a configuration error. Itself stopped by
# TERM, INT or HUP after it sent TERM, it sends KILL at once (exit 128 + the signal's number).
set -u
# shellcheck source=common.sh
. "$(dirname "$(readlink -f "$0")")/common.sh"

pid=$(foo_pidfile_pid)
if [ -z "$pid" ]; then
    echo "foo not running (no pidfile $FOO_PIDFILE)"
    exit 0
fi
if ! foo_pid_alive "$pid"; then
    rm -f "$FOO_PIDFILE"
    echo "foo not running (pid $pid is gone; stale pidfile removed)"
    exit 0
fi
if ! foo_pid_is_foo "$pid"; then
    rm -f "$FOO_PIDFILE"
    echo "foo not running (pid $pid is another program; stale pidfile removed)"
    exit 0
fi

# Whoever stops this script (the command-listener's timeout: TERM, 1 s, KILL) has given up on a graceful stop;
# foo must not be left between TERM and KILL with no one to finish the job, so it is KILLed now.
foo_interrupted() {
    kill -KILL "$pid" 2>/dev/null
    echo "foo: stop.sh interrupted by $1 during the grace period; sent KILL to pid $pid" >&2
    foo_wait_dead "$pid" 50 && [ "$(foo_pidfile_pid)" = "$pid" ] && rm -f "$FOO_PIDFILE"
    exit "$2"
}
trap 'foo_interrupted TERM 143' TERM
trap 'foo_interrupted INT 130' INT
trap 'foo_interrupted HUP 129' HUP

kill -TERM "$pid" 2>/dev/null
if ! foo_wait_dead "$pid" $((FOO_STOP_GRACE * 100)); then
    echo "foo: pid $pid still running $FOO_STOP_GRACE s after TERM; sending KILL" >&2
    kill -KILL "$pid" 2>/dev/null
    foo_wait_dead "$pid" 500 || foo_die 1 "pid $pid still running after KILL"
fi
trap - TERM INT HUP
# foo removes its pidfile on TERM; after a KILL it cannot.
[ "$(foo_pidfile_pid)" != "$pid" ] || rm -f "$FOO_PIDFILE"
echo "foo stopped (pid $pid)"
