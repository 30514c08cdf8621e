#!/bin/sh
# env.sh OUT: writes the environment, the working directory and whether stdin is closed to OUT.
env > "$1"
echo "PWD_IS=$(pwd)" >> "$1"
if read -r _; then echo "STDIN=open" >> "$1"; else echo "STDIN=eof" >> "$1"; fi
