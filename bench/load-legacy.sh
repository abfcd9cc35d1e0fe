#!/usr/bin/env bash
# Loads the benchmark source database `legacy` (Patients 2,000,000 rows, Visits 3,000,000 rows)
# into the local MariaDB from ../shared/bench/legacy-patients.sql.
#
# Loading takes about 20 s, so it is skipped when `legacy` already holds exactly the expected
# row counts: reruns of the benchmark then start at once. Any other state (missing database,
# half-loaded tables, extra rows) is reloaded from scratch, because the SQL file drops and
# recreates the database itself.
#
# Environment: MYSQL_HOST (default 127.0.0.1), MYSQL_PORT (3306), MYSQL_USER (root);
# the password, if any, goes in MYSQL_PWD, which the mariadb client reads itself.
set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(dirname "${bench_dir}")"
sql_file="${LEGACY_SQL:-${repo_dir}/../shared/bench/legacy-patients.sql}"

MYSQL_HOST="${MYSQL_HOST:-127.0.0.1}"
MYSQL_PORT="${MYSQL_PORT:-3306}"
MYSQL_USER="${MYSQL_USER:-root}"

want_patients=2000000
want_visits=3000000

die() { echo "load-legacy: $*" >&2; exit 1; }

# my runs the mariadb client against the benchmark server, without column names or borders.
my() { mariadb -h "${MYSQL_HOST}" -P "${MYSQL_PORT}" -u "${MYSQL_USER}" -B -N "$@"; }

# count prints COUNT(*) of legacy.$1, or -1 when the table (or the database) does not exist,
# so a fresh server and a half-loaded one both lead to a reload rather than an error.
count() {
  local exists
  exists="$(my -e "SELECT COUNT(*) FROM information_schema.tables
                   WHERE table_schema = 'legacy' AND table_name = '$1'")" \
    || die "query information_schema on ${MYSQL_HOST}:${MYSQL_PORT} failed (is MariaDB running?)"
  if [[ "${exists}" != "1" ]]; then echo -1; return; fi
  my -e "SELECT COUNT(*) FROM legacy.\`$1\`" || die "count rows of legacy.$1 failed"
}

command -v mariadb >/dev/null || die "the mariadb client is not installed"
[[ -r "${sql_file}" ]] || die "cannot read ${sql_file}"

patients="$(count Patients)"
visits="$(count Visits)"
if [[ "${patients}" == "${want_patients}" && "${visits}" == "${want_visits}" ]]; then
  echo "load-legacy: legacy already holds ${patients} Patients and ${visits} Visits; not reloading"
  exit 0
fi

echo "load-legacy: legacy holds Patients=${patients} Visits=${visits} (-1 = missing); loading ${sql_file}"
start="$(date +%s)"
# The file prints counts and table sizes at its end; they go to stdout as a record of the load.
my < "${sql_file}" || die "loading ${sql_file} into MariaDB at ${MYSQL_HOST}:${MYSQL_PORT} failed"
echo "load-legacy: loaded in $(( $(date +%s) - start )) s"

# Verify rather than trust the file: the benchmark's row checks depend on these exact counts.
patients="$(count Patients)"
visits="$(count Visits)"
[[ "${patients}" == "${want_patients}" ]] \
  || die "legacy.Patients has ${patients} rows after loading, want ${want_patients}"
[[ "${visits}" == "${want_visits}" ]] \
  || die "legacy.Visits has ${visits} rows after loading, want ${want_visits}"
echo "load-legacy: legacy holds ${patients} Patients and ${visits} Visits"
