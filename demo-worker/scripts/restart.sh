#!/bin/sh
# restart.sh: stop.sh, then start.sh. Exit 0 once a new foo runs; see those scripts for the rest.
set -u
here=$(dirname "$(readlink -f "$0")")
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
"$here/stop.sh" || exit $?
exec "$here/start.sh"
