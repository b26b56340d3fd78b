#!/usr/bin/env bash
# Stops with one line naming the port, what holds it and how to choose another, when
# something already listens on a loopback port the project is about to use.
#   scripts/check-port.sh PORT VARIABLE WHAT     e.g. scripts/check-port.sh 8000 PORT "the web server"
set -euo pipefail

port=$1 variable=$2 what=$3

# Connecting tells whether anything listens; bash opens the socket itself.
if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    exit 0
fi
holder=""
if command -v ss >/dev/null; then
    holder=$(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'users:(("[^"]*",pid=[0-9]*' | head -1 |
        sed -E 's/users:\(\("([^"]*)",pid=([0-9]*)/ (by \1, pid \2)/')
fi
echo "Port $port, wanted for $what, is already taken${holder}: stop that, or choose another port, for example '$variable=$((port + 1)) make run'." >&2
exit 1
