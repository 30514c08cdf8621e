#!/bin/sh
# hang.sh PIDFILE: ignores TERM, starts a child that also ignores it (ignored signals are inherited),
# writes the child's pid and never ends. Only killing the whole process group with KILL stops both.
trap '' TERM
sleep 1000 &
echo $! > "$1"
sleep 1000
