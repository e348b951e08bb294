#!/usr/bin/env bash
# A local PostgreSQL server for the project's `postgres` target and its tests, on loopback
# only, with its data under target/postgres/ (gitignored). Idempotent.
#
#   scripts/postgres.sh [start]   install PostgreSQL if missing (Debian package, as root),
#                                 initdb, start, create the role and database of profiles.yml,
#                                 then print the environment variables to export
#   scripts/postgres.sh status    exit 0 and print the variables when it is running
#   scripts/postgres.sh stop      stop it (the data stays; `rm -rf target/postgres` drops it)
#
# Environment: REVOPS_PG_PORT (default 55432; when the default is taken by another program the
# next free port is used), REVOPS_PG_USER (revops), REVOPS_PG_DATABASE (revops),
# REVOPS_PG_DATA (the data directory, default target/postgres/data, or a directory in /var/tmp
# named after the project's path when the project is not reachable by the user postgres).
# Works as root (initdb refuses root: the server runs as the `postgres` system user, created if
# missing) and as a normal user (the server runs as that user). Trust authentication, loopback
# only, C collation (text sorts byte-wise, as in DuckDB) and durability off: a test server.
set -euo pipefail
cd "$(dirname "$0")/.."
project_root="$PWD"

command_name="${1:-start}"
default_port=55432
port="${REVOPS_PG_PORT:-$default_port}"
role="${REVOPS_PG_USER:-revops}"
database="${REVOPS_PG_DATABASE:-revops}"
base_dir="$project_root/target/postgres"

# True when other users can traverse every existing directory from / down to $1.
world_searchable() {
    local dir="$1"
    while [ "$dir" != "/" ] && [ -n "$dir" ]; do
        if [ -d "$dir" ] && [ -z "$(find "$dir" -maxdepth 0 -perm -o+x 2>/dev/null)" ]; then return 1; fi
        dir="$(dirname "$dir")"
    done
}

# As root the server runs as the user postgres, which cannot reach a project checked out
# under a private directory (a mktemp -d clone, a home directory with mode 700): the data
# then lives in /var/tmp, in a directory named after the project's path, so start, stop and
# status find the same one.
if [ -z "${REVOPS_PG_DATA:-}" ] && [ "$(id -u)" -eq 0 ] && ! world_searchable "$project_root"; then
    base_dir="/var/tmp/revops-postgres-$(printf '%s' "$project_root" | md5sum | cut -c1-12)"
fi
data_dir="${REVOPS_PG_DATA:-$base_dir/data}"
case "$data_dir" in /*) ;; *) data_dir="$project_root/$data_dir" ;; esac
log_file="$(dirname "$data_dir")/server.log"

say() { echo "postgres.sh: $*" >&2; }
die() { say "$*"; exit 1; }

# -- binaries ---------------------------------------------------------------------------
find_bindir() {
    local candidate
    if command -v pg_config >/dev/null 2>&1; then
        candidate="$(pg_config --bindir 2>/dev/null || true)"
        if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then echo "$candidate"; return 0; fi
    fi
    # Debian keeps the server binaries out of PATH: the newest version installed
    for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
        if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then echo "$candidate"; return 0; fi
    done
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v initdb)")"
        return 0
    fi
    return 1
}

ensure_binaries() {
    if bindir="$(find_bindir)"; then return 0; fi
    [ "$(id -u)" -eq 0 ] || die "initdb/pg_ctl not found and not root: install PostgreSQL (apt-get install postgresql)"
    command -v apt-get >/dev/null 2>&1 || die "initdb/pg_ctl not found and no apt-get to install PostgreSQL with"
    say "installing PostgreSQL (apt-get install postgresql)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    bindir="$(find_bindir)" || die "PostgreSQL installed but initdb/pg_ctl still not found"
}

# -- who runs the server ----------------------------------------------------------------
if [ "$(id -u)" -eq 0 ]; then
    server_user=postgres
else
    server_user="$(id -un)"
fi

as_server_user() {
    if [ "$(id -u)" -eq 0 ]; then
        # from /: the server user may not be allowed into the current directory
        (cd / && runuser -u "$server_user" -- "$@")
    else
        "$@"
    fi
}

ensure_server_user() {
    [ "$(id -u)" -eq 0 ] || return 0
    if ! id -u postgres >/dev/null 2>&1; then
        say "creating the system user postgres"
        useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres 2>/dev/null \
            || useradd -r -d /var/lib/postgresql -s /bin/sh postgres
    fi
}

# -- the server's state -----------------------------------------------------------------
is_running() {
    [ -f "$data_dir/postmaster.pid" ] && as_server_user "$bindir/pg_ctl" -D "$data_dir" status >/dev/null 2>&1
}

running_port() {
    # line 4 of postmaster.pid is the port
    sed -n 4p "$data_dir/postmaster.pid"
}

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

print_environment() {
    local running="$1"
    cat <<EOF
export REVOPS_PG_HOST=127.0.0.1
export REVOPS_PG_PORT=$running
export REVOPS_PG_USER=$role
export REVOPS_PG_DATABASE=$database
EOF
}

psql_admin() {
    # as the bootstrap superuser (postgres), over TCP on loopback (trust)
    "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U postgres -d postgres "${@:2}"
}

start() {
    ensure_binaries
    ensure_server_user
    if is_running; then
        local running
        running="$(running_port)"
        say "already running on 127.0.0.1:$running (data $data_dir)"
        ensure_role_and_database "$running"
        print_environment "$running"
        return 0
    fi

    mkdir -p "$(dirname "$data_dir")"
    if [ "$(id -u)" -eq 0 ]; then
        chown "$server_user" "$(dirname "$data_dir")"
        if ! runuser -u "$server_user" -- test -w "$(dirname "$data_dir")"; then
            die "the user $server_user cannot write to $(dirname "$data_dir") (a parent directory is not searchable by it); set REVOPS_PG_DATA to a directory it can reach"
        fi
    fi

    if [ ! -f "$data_dir/PG_VERSION" ]; then
        say "initdb $data_dir"
        rm -rf "$data_dir"
        as_server_user "$bindir/initdb" -D "$data_dir" -U postgres --auth=trust \
            --encoding=UTF8 --locale=C --lc-ctype=C.UTF-8 >/dev/null \
            || as_server_user "$bindir/initdb" -D "$data_dir" -U postgres --auth=trust \
                --encoding=UTF8 --locale=C >/dev/null
        # loopback only, no Unix socket (its directory would need to be writable), a test
        # server: no durability, UTC sessions
        cat >>"$data_dir/postgresql.conf" <<EOF

# scripts/postgres.sh
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
timezone = 'UTC'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
        cat >"$data_dir/pg_hba.conf" <<EOF
# scripts/postgres.sh: trust on loopback only
host    all             all             127.0.0.1/32            trust
EOF
        if [ "$(id -u)" -eq 0 ]; then chown "$server_user" "$data_dir/postgresql.conf" "$data_dir/pg_hba.conf"; fi
    fi

    if [ -z "${REVOPS_PG_PORT:-}" ]; then
        while port_in_use "$port"; do port=$((port + 1)); done
        [ "$port" = "$default_port" ] || say "port $default_port is taken; using $port"
    elif port_in_use "$port"; then
        die "port $port (REVOPS_PG_PORT) is already in use by another program"
    fi

    say "starting on 127.0.0.1:$port (log $log_file)"
    # a stale pid file from a killed server would stop pg_ctl; pg_ctl status said it is not running
    rm -f "$data_dir/postmaster.pid"
    if ! as_server_user "$bindir/pg_ctl" -D "$data_dir" -l "$log_file" -o "-p $port" -w -t 60 start >/dev/null; then
        tail -n 20 "$log_file" >&2 || true
        die "the server did not start (log above)"
    fi
    ensure_role_and_database "$port"
    print_environment "$port"
}

ensure_role_and_database() {
    local running="$1"
    if [ "$role" != postgres ]; then
        psql_admin "$running" -v role="$role" <<'SQL'
select format('create role %I login', :'role')
where not exists (select from pg_roles where rolname = :'role') \gexec
SQL
    fi
    psql_admin "$running" -v role="$role" -v database="$database" <<'SQL'
select format('create database %I owner %I template template0 encoding %L lc_collate %L', :'database', :'role', 'UTF8', 'C')
where not exists (select from pg_database where datname = :'database') \gexec
SQL
}

stop() {
    bindir="$(find_bindir)" || { say "PostgreSQL is not installed; nothing to stop"; return 0; }
    if is_running; then
        as_server_user "$bindir/pg_ctl" -D "$data_dir" -m fast -w stop >/dev/null
        say "stopped"
    else
        say "not running"
    fi
}

status() {
    bindir="$(find_bindir)" || { say "PostgreSQL is not installed"; return 1; }
    if is_running; then
        say "running on 127.0.0.1:$(running_port) (data $data_dir)"
        print_environment "$(running_port)"
    else
        say "not running (data $data_dir)"
        return 1
    fi
}

case "$command_name" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) die "usage: scripts/postgres.sh [start|stop|status]" ;;
esac
