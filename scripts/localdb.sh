#!/usr/bin/env bash
# The project's own PostgreSQL + PostGIS cluster, kept under .data/ so that it never
# touches a system server.
#   scripts/localdb.sh start     create the cluster and the database if needed, then start it
#   scripts/localdb.sh stop
#   scripts/localdb.sh status
#   scripts/localdb.sh url       print the DATABASE_URL that reaches it
#
# The port is PGPORT, else the one the cluster last started on, else 55432; `start` writes
# the URL to .data/database-url, which the settings read when DATABASE_URL is unset, so
# that every manage.py command reaches the cluster whatever port it runs on.
#
# Only connections through the Unix socket are accepted (trust), and the socket's
# folder is readable by the cluster's owner alone; the TCP port listens on loopback
# and asks for a password that no role has, so nothing else can log in.
set -euo pipefail

cd "$(dirname "$0")/.."
project=$(pwd -P)
database=${PGDATABASE_NAME:-geo_directory}
role=geodir
# LOCALDB_DIR puts a cluster elsewhere (the fault tests start and stop one of their own).
state_dir=${LOCALDB_DIR:-$project/.data}
port_file=$state_dir/port
url_file=$state_dir/database-url
port=${PGPORT:-$(cat "$port_file" 2>/dev/null || echo 55432)}
# The server programs read PGPORT too: it must never be empty for them.
export PGPORT=$port
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

# The 4th line of postmaster.pid is the port the running server listens on.
running_port() { sed -n 4p "$data_dir/postmaster.pid" 2>/dev/null; }

require_postgis() {
    local control
    control=$("$bin_dir/pg_config" --sharedir 2>/dev/null || echo /usr/share/postgresql/15)/extension/postgis.control
    [ -f "$control" ] && return
    echo "PostGIS for PostgreSQL 15 is missing ($control): install it with 'apt-get install postgresql-15-postgis-3' (as root, or with sudo), then run make again." >&2
    exit 1
}

start() {
    [ -x "$bin_dir/postgres" ] || {
        echo "PostgreSQL 15 is missing ($bin_dir/postgres): install it with 'apt-get install postgresql-15' (as root, or with sudo), then run make again." >&2
        exit 1
    }
    require_postgis
    init_cluster
    ensure_owner_can_reach
    install -d -m 700 "$socket_dir"
    [ "$owner" = "$(id -un)" ] || chown "$owner" "$socket_dir" "$state_dir"
    if is_running; then
        if [ "$(running_port)" != "$port" ]; then
            echo "The project's cluster already runs on port $(running_port), not $port: use PGPORT=$(running_port), or move it with 'make db-stop' then 'PGPORT=$port make run'." >&2
            exit 1
        fi
    else
        "$project/scripts/check-port.sh" "$port" PGPORT "the project's PostgreSQL cluster"
        touch "$log_file" && chown "$owner" "$log_file"
        pg pg_ctl start -D "$data_dir" -l "$log_file" -w -t 60 \
            -o "-p $port -k '$socket_dir'" >/dev/null ||
            { echo "PostgreSQL did not start; its log:" >&2; tail -20 "$log_file" >&2; exit 1; }
    fi
    if [ -z "$(psql_local -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'")" ]; then
        psql_local -d postgres -c "CREATE DATABASE $database"
    fi
    psql_local -d "$database" -c "CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE EXTENSION IF NOT EXISTS unaccent;"
    echo "$port" >"$port_file"
    url >"$url_file"
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
