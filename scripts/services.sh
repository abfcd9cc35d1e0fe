#!/usr/bin/env bash
# Starts the databases Sluice's demo and tests talk to: PostgreSQL on
# 127.0.0.1:5432 (trust auth, user postgres) and MariaDB on 127.0.0.1:3306
# (root, empty password). Each is installed with apt-get when missing and
# started when not running, so this works on a fresh Debian machine; on a
# machine where both already run it does nothing.
set -euo pipefail

log() { echo "services: $*" >&2; }

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

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432; }

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

my_up() { mariadb -h 127.0.0.1 -P 3306 -uroot -e 'SELECT 1' >/dev/null 2>&1; }

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

start_postgres
start_mariadb
mariadb -h 127.0.0.1 -uroot -e 'CREATE DATABASE IF NOT EXISTS test' >/dev/null
log "PostgreSQL and MariaDB are up"
