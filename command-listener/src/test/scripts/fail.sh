#!/bin/sh
# fail.sh: a restart that fails, saying why on stderr.
echo "cannot restart: no such unit" >&2
exit 3
