#!/usr/bin/env bash
# Start a throwaway PostgreSQL for the store tests and print its URL (the only line on stdout).
#
#   url=$(scripts/start_postgres.sh)          # start, or reuse the one already running
#   scripts/start_postgres.sh --stop          # stop it and delete its files
#
# The cluster lives in $FORMFACT_PG_DIR (default /tmp/formfact-postgres), listens on 127.0.0.1 only, on a
# free port, with trust auth and fsync off: it is for tests, never for data you want to keep. Run again
# while it is up, it prints the same URL; if its files are left from a dead server, it starts afresh.
# initdb refuses to run as root, so as root the server runs as the `postgres` user (created when absent).
set -euo pipefail

DIR=${FORMFACT_PG_DIR:-/tmp/formfact-postgres}
DB=formfact_test
log() { echo "start_postgres: $*" >&2; }
# pg_ctl on PATH (Debian links it from /usr/local/bin), else the newest /usr/lib/postgresql/<v>/bin.
if command -v pg_ctl >/dev/null 2>&1; then
  BIN=$(dirname "$(readlink -f "$(command -v pg_ctl)")")
else
  BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
fi
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ] || [ ! -x "$BIN/pg_ctl" ]; then
  log "no PostgreSQL server binaries (initdb, pg_ctl) found"
  exit 1
fi

if [ "$(id -u)" = 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  fi
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi

running() { [ -f "$DIR/url" ] && as_pg "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; }

if [ "${1:-}" = "--stop" ]; then
  if running; then as_pg "$BIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >&2; fi
  rm -rf "$DIR"
  log "stopped and removed $DIR"
  exit 0
fi

if running; then
  url=$(cat "$DIR/url")
  port=$(sed -E 's#.*:([0-9]+)/.*#\1#' <<<"$url")
  if "$BIN/pg_isready" -q -h 127.0.0.1 -p "$port"; then
    log "reusing the server in $DIR"
    echo "$url"
    exit 0
  fi
fi

# Left-overs of a dead server (or a half-made one): a throwaway cluster is rebuilt, not repaired.
if [ -d "$DIR/data" ]; then
  as_pg "$BIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
fi
rm -rf "$DIR"
mkdir -p "$DIR"
if [ "$(id -u)" = 0 ]; then chown postgres: "$DIR"; fi
chmod 700 "$DIR"

# --no-sync: nothing here needs to survive a power cut, and it saves seconds.
as_pg "$BIN/initdb" -D "$DIR/data" -U postgres -A trust -E UTF8 --locale=C --no-sync --no-instructions >/dev/null

# A free port can be taken between choosing it and binding it: try a few.
started=""
for _ in 1 2 3; do
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  if as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 20 \
      -o "-h 127.0.0.1 -p $port -k $DIR -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200" \
      start >/dev/null; then
    started=1
    break
  fi
done
if [ -z "$started" ]; then
  log "the server did not start; its log:"
  cat "$DIR/server.log" >&2 || true
  exit 1
fi
"$BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres "$DB"
url="postgresql://postgres@127.0.0.1:$port/$DB"
echo "$url" >"$DIR/url"
log "started PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') in $DIR"
echo "$url"
