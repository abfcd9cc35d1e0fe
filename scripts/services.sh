#!/usr/bin/env bash
# Starts the databases Sluice's demo and tests talk to: PostgreSQL on
# 127.0.0.1:5432 (trust auth, user postgres) and MariaDB on 127.0.0.1:3306
# (root, empty password), with PostGIS available to PostgreSQL. Each is
# installed with apt-get when missing and started when not running, so this
# works on a fresh Debian machine; on a machine where both already run it
# does nothing. It also installs the
# independent TDS clients the SQL Server tests check the TDS test server
# with: FreeTDS's tsql (freetds-bin) and tedious (npm, from the committed
# lock file in sluicetest/tds/clients/tedious), and the tools the tests of
# the dashboard and the alert rules drive (headless Chromium, promtool).
#
# Change capture (sluice sync) needs PostgreSQL with wal_level=logical and
# MariaDB with a row-based binlog (log_bin, binlog_format=ROW,
# binlog_row_image=FULL, a server_id). Turning either on needs a restart:
# each server is restarted once, only when the setting is not active yet.
#
# For testing the script: SLUICE_SERVICES_PG_PORT and SLUICE_SERVICES_MY_PORT
# point it at other servers, SLUICE_SERVICES_MY_CNF at another MariaDB
# option file, and SLUICE_SERVICES_DRY_RUN=1 makes it say what it would
# change and restart instead of doing it.
set -euo pipefail

PG_PORT=${SLUICE_SERVICES_PG_PORT:-5432}
MY_PORT=${SLUICE_SERVICES_MY_PORT:-3306}
PG_SLOTS=${SLUICE_SERVICES_PG_SLOTS:-40}
MY_CNF=${SLUICE_SERVICES_MY_CNF:-/etc/mysql/mariadb.conf.d/90-sluice-capture.cnf}
DRY_RUN=${SLUICE_SERVICES_DRY_RUN:-0}

log() { echo "services: $*" >&2; }

# change runs a command that changes a server, or only says it under DRY_RUN.
change() {
  if [ "$DRY_RUN" = 1 ]; then
    log "would run: $*"
  else
    "$@"
  fi
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=0
install() {
  if [ "$apt_updated" -eq 0 ]; then
    as_root apt-get update -qq
    apt_updated=1
  fi
  log "installing $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

wait_for() { # name, command...
  local name=$1; shift
  for _ in $(seq 1 60); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  log "$name did not come up within 60 s"
  return 1
}

pg_up() { pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; }
pg_sql() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -Atc "$1"; }

start_postgres() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    install postgresql postgresql-client
  fi
  if pg_up; then return 0; fi
  local version
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  log "starting PostgreSQL $version"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  wait_for PostgreSQL pg_up
  trust_local_postgres "$version"
}

# A fresh Debian cluster asks for a password over TCP; the tests, like the
# guide, expect trust auth for local connections of user postgres.
trust_local_postgres() {
  if psql -h 127.0.0.1 -U postgres -c 'SELECT 1' >/dev/null 2>&1; then return 0; fi
  local hba="/etc/postgresql/$1/main/pg_hba.conf"
  log "allowing trust auth on 127.0.0.1 in $hba"
  as_root sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
  as_root pg_ctlcluster --skip-systemctl-redirect "$1" main reload
  wait_for "PostgreSQL trust auth" psql -h 127.0.0.1 -U postgres -c 'SELECT 1'
}

# PostGIS lets spatial columns load as geometry (the tests of that path run
# in CI); its package adds the extension to the installed server, which
# needs no restart.
ensure_postgis() {
  local version
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  if [ -f "/usr/share/postgresql/$version/extension/postgis.control" ]; then return 0; fi
  change install "postgresql-$version-postgis-3"
}

my_up() { mariadb -h 127.0.0.1 -P "$MY_PORT" -uroot -e 'SELECT 1' >/dev/null 2>&1; }
my_sql() { mariadb -h 127.0.0.1 -P "$MY_PORT" -uroot -N -B -e "$1"; }

start_mariadb() {
  if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
    install mariadb-server mariadb-client
  fi
  if my_up; then return 0; fi
  log "starting MariaDB"
  as_root mkdir -p /run/mysqld
  as_root chown mysql:mysql /run/mysqld 2>/dev/null || true
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  wait_for MariaDB my_up || allow_root_over_tcp
}

# Debian's MariaDB lets root in through the socket only (unix_socket auth);
# the tests connect over TCP as root with an empty password.
allow_root_over_tcp() {
  log "allowing root with an empty password over TCP"
  as_root mariadb -uroot -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket; FLUSH PRIVILEGES;"
  wait_for MariaDB my_up
}

# capture_postgres sets wal_level=logical, and room for the replication
# slots and WAL senders that the sync and cutover tests open side by side
# (each test package holds a few; the default of 10 runs out when packages
# run in parallel), and restarts PostgreSQL once, unless all is set already.
capture_postgres() {
  local level slots senders
  level=$(pg_sql 'SHOW wal_level')
  slots=$(pg_sql 'SHOW max_replication_slots')
  senders=$(pg_sql 'SHOW max_wal_senders')
  if [ "$level" = logical ] && [ "$slots" -ge "$PG_SLOTS" ] && [ "$senders" -ge "$PG_SLOTS" ]; then
    log "PostgreSQL: wal_level is logical, $slots replication slots"
    return 0
  fi
  log "PostgreSQL: wal_level is $level, $slots slots, $senders WAL senders; setting logical and $PG_SLOTS, restarting once"
  change pg_sql 'ALTER SYSTEM SET wal_level = logical'
  change pg_sql "ALTER SYSTEM SET max_replication_slots = $PG_SLOTS"
  change pg_sql "ALTER SYSTEM SET max_wal_senders = $PG_SLOTS"
  change as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main restart
  if [ "$DRY_RUN" = 1 ]; then return 0; fi
  wait_for PostgreSQL pg_up
  level=$(pg_sql 'SHOW wal_level')
  if [ "$level" != logical ]; then
    log "PostgreSQL: wal_level is still $level after the restart"
    return 1
  fi
}

# capture_mariadb turns on MariaDB's row-based binlog in an option file of
# its own; it restarts the server once, only when the binlog is off (the
# format and image change at runtime).
capture_mariadb() {
  local state log_bin format image id
  state=$(my_sql 'SELECT @@log_bin, @@binlog_format, @@binlog_row_image, @@server_id')
  read -r log_bin format image id <<<"$state"
  if [ "$log_bin" = 1 ] && [ "$format" = ROW ] && [ "$image" = FULL ] && [ "$id" != 0 ]; then
    log "MariaDB: the binlog is on (ROW, FULL, server_id $id)"
    return 0
  fi
  [ "$id" != 0 ] || id=1
  log "MariaDB: log_bin=$log_bin binlog_format=$format binlog_row_image=$image server_id=$id; writing $MY_CNF"
  change write_my_cnf "$id"
  if [ "$log_bin" = 1 ]; then
    change my_sql "SET GLOBAL binlog_format = 'ROW'; SET GLOBAL binlog_row_image = 'FULL'; SET GLOBAL server_id = $id"
    return 0
  fi
  log "MariaDB: the binlog needs a restart to turn on; restarting once"
  change mariadb-admin -h 127.0.0.1 -P "$MY_PORT" -uroot shutdown
  if [ "$DRY_RUN" = 1 ]; then
    log "would start mariadbd again"
    return 0
  fi
  wait_for "MariaDB to stop" mariadb_stopped
  start_mariadb
  state=$(my_sql 'SELECT @@log_bin, @@binlog_format')
  if [ "$state" != "$(printf '1\tROW')" ]; then
    log "MariaDB: the binlog is still not on after the restart ($state)"
    return 1
  fi
}

mariadb_stopped() { ! start-stop-daemon --status --exec /usr/sbin/mariadbd; }

write_my_cnf() {
  as_root mkdir -p "$(dirname "$MY_CNF")"
  printf '[mariadbd]\nlog-bin = mysql-bin\nbinlog-format = ROW\nbinlog-row-image = FULL\nserver-id = %s\n' "$1" |
    as_root tee "$MY_CNF" >/dev/null
  include_my_cnf
}

# include_my_cnf makes the server read $MY_CNF: Debian's my.cnf includes
# mariadb.conf.d, but a hand-written one may not, and the server then starts
# without the binlog. The folder is included once, at the end of my.cnf.
include_my_cnf() {
  if mariadbd_defaults | grep -q -- '--log-bin'; then return 0; fi
  local main_cnf=${SLUICE_SERVICES_MAIN_CNF:-/etc/mysql/my.cnf}
  log "MariaDB: $main_cnf does not read $(dirname "$MY_CNF"); including it"
  printf '\n!includedir %s/\n' "$(dirname "$MY_CNF")" | as_root tee -a "$main_cnf" >/dev/null
}

mariadbd_defaults() { /usr/sbin/mariadbd --print-defaults 2>/dev/null || my_print_defaults mariadbd mysqld 2>/dev/null; }

# The TDS test server's wire format is checked against clients other than
# go-mssqldb; under CI=true those tests fail rather than skip without them.
install_tds_clients() {
  local missing=()
  command -v tsql >/dev/null 2>&1 || missing+=(freetds-bin)
  command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
  if [ ${#missing[@]} -gt 0 ]; then change install "${missing[@]}"; fi
  local dir
  dir="$(dirname "$0")/../sluicetest/tds/clients/tedious"
  if [ ! -d "$dir/node_modules/tedious" ]; then
    log "installing tedious (npm ci)"
    change bash -c "cd '$dir' && npm ci --no-audit --no-fund --loglevel=error >/dev/null"
  fi
}

# The tools some tests drive: promtool (Debian's prometheus package) checks
# and unit-tests the alerting rules, headless Chromium loads the dashboard.
install_test_tools() {
  local missing=()
  command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  if [ ${#missing[@]} -gt 0 ]; then change install --no-install-recommends "${missing[@]}"; fi
}

start_postgres
ensure_postgis
start_mariadb
install_tds_clients
capture_postgres
capture_mariadb
install_test_tools
change mariadb -h 127.0.0.1 -P "$MY_PORT" -uroot -e 'CREATE DATABASE IF NOT EXISTS test' >/dev/null
log "PostgreSQL (with PostGIS) and MariaDB are up; tsql and tedious are installed"
