#!/bin/sh
# record.sh MARKER [SECONDS] [ARG]: appends "start <ns>", sleeps, appends "end <ns>" to MARKER.
# Lets tests see that a command ran, with which argument, and whether two runs overlapped.
marker=$1 seconds=${2:-0}
echo "start $(date +%s%N) $$ ${3:-}" >> "$marker"
[ "$seconds" = 0 ] || sleep "$seconds"
echo "end $(date +%s%N) $$" >> "$marker"
echo "restarted"
