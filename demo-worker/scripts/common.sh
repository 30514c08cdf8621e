# shellcheck shell=sh
# Sourced by start.sh, stop.sh and restart.sh: settings and pidfile helpers for foo.
#
# Settings come from the environment, then from the config file FOO_CONFIG (default: foo.conf beside these
# scripts, if present; lines KEY=VALUE, # comments), then from the defaults below. The environment wins.

# xinetd and Nagios give no PATH; never depend on the caller's.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH

foo_settings="FOO_HOME FOO_PORT FOO_BIND FOO_JAVA FOO_LAUNCHER FOO_PIDFILE FOO_LOG FOO_OPTS FOO_START_TIMEOUT FOO_STOP_GRACE"

# foo_die STATUS MESSAGE: prints MESSAGE on stderr and exits with STATUS.
foo_die() {
    status=$1
    shift
    echo "foo: $*" >&2
    exit "$status"
}

# Reads FOO_CONFIG as data, not as shell code: only known keys, and only those the environment left unset.
foo_read_config() {
    config=${FOO_CONFIG:-}
    if [ -z "$config" ]; then
        [ -r "$foo_scripts/foo.conf" ] || return 0
        config=$foo_scripts/foo.conf
    fi
    [ -r "$config" ] || foo_die 2 "config file $config not readable"
    line_no=0
    while IFS= read -r line || [ -n "$line" ]; do
        line_no=$((line_no + 1))
        trimmed=$(printf '%s' "$line" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
        case $trimmed in '' | '#'*) continue ;; esac
        key=${trimmed%%=*}
        value=${trimmed#*=}
        case " $foo_settings " in
            *" $key "*) ;;
            *) foo_die 2 "$config line $line_no: unknown setting '$key' (known: $foo_settings)" ;;
        esac
        [ "$key" != "$trimmed" ] || foo_die 2 "$config line $line_no: expected KEY=VALUE"
        case $value in
            \"*\") value=${value#\"}; value=${value%\"} ;;
            \'*\') value=${value#\'}; value=${value%\'} ;;
        esac
        # $key is one of foo_settings, checked above; the value is assigned, never evaluated.
        eval "[ -n \"\${$key+set}\" ] || $key=\$value"
    done < "$config"
}

foo_scripts=$(dirname "$(readlink -f "$0")")
foo_read_config
FOO_HOME=${FOO_HOME:-/var/lib/foo}
FOO_PORT=${FOO_PORT:-8081}
FOO_BIND=${FOO_BIND:-127.0.0.1}
FOO_PIDFILE=${FOO_PIDFILE:-$FOO_HOME/foo.pid}
FOO_LOG=${FOO_LOG:-$FOO_HOME/foo.log}
FOO_OPTS=${FOO_OPTS:-}
# restart.sh takes at most FOO_STOP_GRACE + 5 + FOO_START_TIMEOUT seconds (stop.sh waits up to 5 s after KILL):
# 19 s, inside the command-listener's default command timeout of 20 s. See README.md, "Settings".
FOO_START_TIMEOUT=${FOO_START_TIMEOUT:-10}
FOO_STOP_GRACE=${FOO_STOP_GRACE:-4}
if [ -z "${FOO_LAUNCHER:-}" ]; then
    # Installed, the launcher sits beside the scripts; in a checkout it is in ../bin.
    if [ -x "$foo_scripts/foo" ]; then FOO_LAUNCHER=$foo_scripts/foo; else FOO_LAUNCHER=$foo_scripts/../bin/foo; fi
fi
if [ -n "${FOO_JAVA:-}" ]; then
    SELFHEAL_JAVA=$FOO_JAVA
    export SELFHEAL_JAVA
fi
for setting in FOO_START_TIMEOUT FOO_STOP_GRACE FOO_PORT; do
    eval "value=\$$setting"
    case $value in '' | *[!0-9]*) foo_die 2 "$setting must be a whole number, got '$value'" ;; esac
done

# foo_pid_alive PID: true if PID is a process that has not exited. A zombie has exited (kill -0 still
# succeeds on one until its parent reaps it), so it counts as dead.
foo_pid_alive() {
    stat=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
    case $stat in '' | Z*) return 1 ;; esac
    return 0
}

# foo_pid_is_foo PID: true if PID runs foo, so a pid reused by another program is never signalled.
foo_pid_is_foo() {
    ps -o args= -p "$1" 2>/dev/null | grep -q 'selfheal\.demo\.Foo'
}

# foo_pidfile_pid: prints the pid in the pidfile, or nothing.
foo_pidfile_pid() {
    [ -r "$FOO_PIDFILE" ] || return 0
    pid=$(head -c 32 "$FOO_PIDFILE" | tr -dc '0-9')
    [ -n "$pid" ] && echo "$pid"
    return 0
}

# foo_running_pid: prints the pid of the running foo the pidfile names, and is true; else false.
foo_running_pid() {
    pid=$(foo_pidfile_pid)
    [ -n "$pid" ] && foo_pid_alive "$pid" && foo_pid_is_foo "$pid" && echo "$pid"
}

# foo_clock: sets foo_now to the time since boot in hundredths of a second. Every wait is measured on this
# clock: a loop that counts its sleeps runs late by all the time its own commands take (a count of 200 polls
# took 25-35 s on a busy machine). /proc/uptime never jumps with the wall clock, and reading it forks nothing.
foo_clock() {
    read -r foo_now _ </proc/uptime
    foo_now=${foo_now%.*}${foo_now#*.}
    foo_now=${foo_now#"${foo_now%%[!0]*}"} # no leading zero: sh arithmetic would read it as octal
    foo_now=${foo_now:-0}
}

# foo_wait_dead PID HUNDREDTHS: waits up to HUNDREDTHS hundredths of a second for PID to die; true if it did.
foo_wait_dead() {
    foo_clock
    deadline=$((foo_now + $2))
    while foo_pid_alive "$1"; do
        foo_clock
        [ "$foo_now" -lt "$deadline" ] || return 1
        sleep 0.05
    done
    return 0
}
