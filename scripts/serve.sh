#!/bin/sh
# Serves the site (gunicorn, gunicorn.conf.py) with its job worker (imports and exports,
# sheet_jobs/; the reviewers' e-mail digests, suggestions/), and stops both together
# (Ctrl-C, a closed terminal, or TERM to this script). A worker that fails (killed, out of
# memory) is started again: the job it left is put back in the queue once its heartbeat is
# old (sheet_jobs/services.py); one told to stop stays stopped.
#   scripts/serve.sh VENV PORT
set -eu
venv=$1
port=$2

(
    worker=
    trap 'test -z "$worker" || kill -TERM "$worker" 2>/dev/null; wait; exit 0' HUP INT TERM
    while :; do
        "$venv/bin/python" manage.py procrastinate worker --queues sheets,mail &
        worker=$!
        if wait "$worker"; then
            exit 0
        else
            echo "The job worker failed (exit status $?); starting it again in 5 s." >&2
        fi
        sleep 5
    done
) &
job_worker=$!

"$venv/bin/gunicorn" --config gunicorn.conf.py --bind "127.0.0.1:$port" &
server=$!

stop() {
    kill -TERM "$server" "$job_worker" 2>/dev/null || true
}
# HUP too: a closed terminal must not leave gunicorn running (it takes HUP as "reload").
trap stop HUP INT TERM
wait "$server" || true
stop
wait
