#!/usr/bin/env bash
# The project's own PostgreSQL + PostGIS cluster, kept under .data/ so that it never
# touches a system server.
#   scripts/localdb.sh start     create the cluster and the database if needed, then start it
#   scripts/localdb.sh stop
#   scripts/localdb.sh status
#   scripts/localdb.sh url       print the DATABASE_URL that reaches it
#
# Only connections through the Unix socket are accepted (trust), and the socket's
# folder is readable by the cluster's owner alone; the TCP port listens on loopback
# and asks for a password that no role has, so nothing else can log in.
set -euo pipefail

cd "$(dirname "$0")/.."
project=$(pwd -P)
port=${PGPORT:-55432}
database=${PGDATABASE_NAME:-geo_directory}
role=geodir
# LOCALDB_DIR puts a cluster elsewhere (the fault tests start and stop one of their own).
state_dir=${LOCALDB_DIR:-$project/.data}
data_dir=$state_dir/postgres
log_file=$state_dir/postgres.log
bin_dir=${PG_BIN_DIR:-/usr/lib/postgresql/15/bin}

# A Unix socket path is limited to 107 bytes: a deep clone falls back to /tmp.
socket_dir=$state_dir/run
if [ $(( ${#socket_dir} + 20 )) -gt 107 ]; then
    socket_dir=/tmp/geo-directory-$(printf '%s' "$state_dir" | md5sum | cut -c1-12)
fi

# PostgreSQL refuses to run as root: as root, the cluster belongs to the unprivileged
# system user `postgres` that Debian's server package creates.
as_owner=()
owner=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
    owner=postgres
    as_owner=(runuser -u postgres --)
fi

pg() { "${as_owner[@]}" "$bin_dir/$1" "${@:2}"; }
psql_local() { "${as_owner[@]}" psql -X -q -v ON_ERROR_STOP=1 -h "$socket_dir" -p "$port" -U "$role" "$@"; }

ensure_owner_can_reach() {
    # The cluster's owner must be able to enter every folder above the cluster's.
    local dir=$state_dir
    while [ "$dir" != / ]; do
        if ! "${as_owner[@]}" test -x "$dir"; then
            echo "Letting $owner traverse $dir (chmod o+x) so that it can reach the cluster."
            chmod o+x "$dir"
        fi
        dir=$(dirname "$dir")
    done
}

init_cluster() {
    [ -f "$data_dir/PG_VERSION" ] && return
    echo "Creating the project's PostgreSQL cluster in $data_dir"
    install -d -m 700 "$state_dir"
    [ "$owner" = "$(id -un)" ] || chown "$owner" "$state_dir"
    ensure_owner_can_reach
    pg initdb -D "$data_dir" -U "$role" --auth-local=trust --auth-host=scram-sha-256 \
        --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    cat >>"$data_dir/postgresql.conf" <<EOF

# The project's own settings
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$socket_dir'
shared_buffers = 512MB
work_mem = 16MB
maintenance_work_mem = 512MB
max_connections = 100
timezone = 'UTC'
EOF
}

is_running() { pg pg_ctl status -D "$data_dir" >/dev/null 2>&1; }

start() {
    init_cluster
    ensure_owner_can_reach
    install -d -m 700 "$socket_dir"
    [ "$owner" = "$(id -un)" ] || chown "$owner" "$socket_dir" "$state_dir"
    if ! is_running; then
        touch "$log_file" && chown "$owner" "$log_file"
        pg pg_ctl start -D "$data_dir" -l "$log_file" -w -t 60 \
            -o "-p $port -k '$socket_dir'" >/dev/null ||
            { echo "PostgreSQL did not start; its log:" >&2; tail -20 "$log_file" >&2; exit 1; }
    fi
    if [ -z "$(psql_local -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'")" ]; then
        psql_local -d postgres -c "CREATE DATABASE $database"
    fi
    psql_local -d "$database" -c "CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE EXTENSION IF NOT EXISTS unaccent;"
}

stop() { if is_running; then pg pg_ctl stop -D "$data_dir" -m fast -w >/dev/null; fi; }

url() {
    # The socket folder goes before the database name, percent-encoded.
    printf 'postgis://%s@:%s/%s/%s\n' "$role" "$port" "${socket_dir//\//%2F}" "$database"
}

case ${1:-} in
    start) start ;;
    stop) stop ;;
    status) if is_running; then echo "running on port $port, socket in $socket_dir"; else echo stopped; exit 3; fi ;;
    url) url ;;
    *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
esac
