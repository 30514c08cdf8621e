#!/bin/sh
# noisy.sh: writes about 1 MB to stdout and some stderr; a listener that did not drain both would hang.
i=0
while [ $i -lt 16 ]; do
    head -c 65536 /dev/zero | tr '\0' 'x'
    echo "line $i" >&2
    i=$((i + 1))
done
