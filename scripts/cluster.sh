#!/usr/bin/env bash
# The private PostgreSQL 15 cluster used by the demo, the tests and the benchmark.
#   cluster.sh create|start|stop [fast|immediate]|restart|status|wipe|psql [args]|url
# Data lives in $PG_DURABLE_CLUSTER_DIR (default: .cluster/ in the checkout); the server
# listens on a Unix socket in that folder and on 127.0.0.1:$PG_DURABLE_PORT (default 54329),
# trusts local connections and preloads pg_cron.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${PG_DURABLE_CLUSTER_DIR:-$root/.cluster}
port=${PG_DURABLE_PORT:-54329}
bin=$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)
data=$dir/data
socket=$dir/socket
log=$dir/server.log

# PostgreSQL refuses to run as root: run the server tools as the postgres user then
# (from /, since the caller's working directory may be closed to that user).
as_owner() {
  if [[ $(id -u) == 0 ]]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# As root, a checkout can sit below folders the postgres user may not enter (a mktemp -d
# folder is 0700): let it traverse them (o+x only; nothing becomes listable).
open_path_for_postgres() {
  [[ $(id -u) == 0 ]] || return 0
  local p=$1
  while [[ $p != / ]]; do
    [[ -d $p ]] && ! runuser -u postgres -- test -x "$p" && chmod o+x "$p" && echo "cluster: allowed postgres to traverse $p"
    p=$(dirname "$p")
  done
}

running() { [[ -f $data/postmaster.pid ]] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

create() {
  [[ -f $data/PG_VERSION ]] && return 0
  mkdir -p "$dir" "$socket"
  open_path_for_postgres "$(dirname "$dir")"
  [[ $(id -u) == 0 ]] && chown postgres: "$dir" "$socket"
  as_owner "$bin/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=trust \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  cat >>"$data/postgresql.conf" <<CONF
# pg_durable private cluster
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$socket'
shared_preload_libraries = 'pg_cron'
cron.database_name = 'postgres'
cron.host = '$socket'
max_connections = 200
log_line_prefix = '%m [%p] %u@%d '
CONF
  echo "cluster: created $data"
}

start() {
  create
  if running; then return 0; fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "cluster: port $port is taken by another server (another checkout's private cluster?);" \
      "stop it, or choose another port for this checkout: PG_DURABLE_PORT=54330 make test" >&2
    exit 1
  fi
  # A crash can leave a postmaster.pid behind whose process is gone.
  rm -f "$data/postmaster.pid"
  as_owner "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 -o "-p $port" start >/dev/null
  PGOPTIONS='-c client_min_messages=warning' psql -h "$socket" -p "$port" -U postgres -qAt \
    -c 'CREATE EXTENSION IF NOT EXISTS pg_cron' >/dev/null
  echo "cluster: running on port $port, socket $socket"
}

stop() {
  running || return 0
  as_owner "$bin/pg_ctl" -D "$data" -m "${1:-fast}" -w stop >/dev/null
}

case "${1:-}" in
  create) create ;;
  start) start ;;
  stop) stop "${2:-fast}" ;;
  restart) stop fast; start ;;
  status) if running; then echo "running (port $port)"; else echo "stopped"; exit 3; fi ;;
  wipe) stop immediate; rm -rf "$dir"; echo "cluster: wiped $dir" ;;
  psql) shift; exec psql -h "$socket" -p "$port" -U postgres "$@" ;;
  url) echo "postgresql://postgres@127.0.0.1:$port/postgres" ;;
  *) echo "usage: $0 create|start|stop [fast|immediate]|restart|status|wipe|psql [args]|url" >&2; exit 2 ;;
esac
