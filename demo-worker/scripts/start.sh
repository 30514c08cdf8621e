#!/bin/sh
# start.sh: starts foo fully detached and waits until its status endpoint listens (foo writes its pidfile
# only after binding). Exit 0 once foo runs (or already ran); 1 with a message on stderr if it did not start
# within FOO_START_TIMEOUT seconds; 2 on a configuration error. Settings: see common.sh and README.md.
set -u
# shellcheck source=common.sh
. "$(dirname "$(readlink -f "$0")")/common.sh"

if pid=$(foo_running_pid); then
    echo "foo already running (pid $pid)"
    exit 0
fi
[ -x "$FOO_LAUNCHER" ] || foo_die 1 "launcher $FOO_LAUNCHER not found or not executable"
mkdir -p "$FOO_HOME" || foo_die 1 "cannot create FOO_HOME $FOO_HOME"
rm -f "$FOO_PIDFILE" # stale: it names no running foo

# Own session, stdin from /dev/null, output to the log: the worker must never hold the caller's socket
# (xinetd) or pipe ($(...), nc), or the caller would wait until the worker dies.
set -- --home "$FOO_HOME" --bind "$FOO_BIND" --port "$FOO_PORT" --pidfile "$FOO_PIDFILE"
set -f # FOO_OPTS is split into words, never globbed
for opt in $FOO_OPTS; do set -- "$@" "$opt"; done
set +f
setsid "$FOO_LAUNCHER" "$@" </dev/null >>"$FOO_LOG" 2>&1 &
child=$!

tenths=$((FOO_START_TIMEOUT * 10))
while :; do
    if pid=$(foo_running_pid); then
        echo "foo started (pid $pid, status http://$FOO_BIND:$FOO_PORT/health)"
        exit 0
    fi
    if ! foo_pid_alive "$child"; then
        wait "$child"
        status=$?
        echo "foo: failed to start (exit status $status); last lines of $FOO_LOG:" >&2
        tail -n 5 "$FOO_LOG" >&2
        exit 1
    fi
    if [ "$tenths" -le 0 ]; then
        kill -TERM "$child" 2>/dev/null
        foo_wait_dead "$child" 20 || kill -KILL "$child" 2>/dev/null
        echo "foo: not ready within $FOO_START_TIMEOUT s (no pidfile $FOO_PIDFILE); stopped pid $child; see $FOO_LOG" >&2
        exit 1
    fi
    sleep 0.1
    tenths=$((tenths - 1))
done
