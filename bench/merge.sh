#!/usr/bin/env bash
# Benchmark: reruns in merge mode over the core benchmark's 5,000,000 rows (bench/run.sh's
# source, `legacy` in MariaDB), one after another into the database bench_merge:
#   full       the first load of a fresh database (strategy: merge loads it directly)
#   rerun-0%   the same sources again: every row compared by its hash, nothing written
#   rerun-1%   after changing 1% of the rows of both tables in the source (UpdatedAt and
#              VisitDate moved by one second): exactly those rows are updated
# Each is `sluice migrate --verify none` under /usr/bin/time -v. The script checks the
# counts each run reports (inserted, updated, unchanged) against what it changed, prints a
# markdown table, appends it to bench/results/<date>.md, and restores the source on exit.
#
# Usage: bench/merge.sh        (environment as for bench/run.sh)
set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(dirname "${bench_dir}")"

MYSQL_HOST="${MYSQL_HOST:-127.0.0.1}"
MYSQL_PORT="${MYSQL_PORT:-3306}"
MYSQL_USER="${MYSQL_USER:-root}"
PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
PGUSER="${PGUSER:-postgres}"
export MYSQL_HOST MYSQL_PORT MYSQL_USER PGHOST PGPORT PGUSER

die() { echo "merge: $*" >&2; exit 1; }
log() { echo "merge: $*" >&2; }
pg() { local db="$1"; shift; psql -X -q -A -t -v ON_ERROR_STOP=1 -d "${db}" "$@"; }
my() { mariadb -h "${MYSQL_HOST}" -P "${MYSQL_PORT}" -u "${MYSQL_USER}" -B -N "$@"; }

wall_seconds() {
  awk -F': ' '/Elapsed \(wall clock\) time/ {
      n = split($NF, p, ":"); s = 0
      for (i = 1; i <= n; i++) s = s * 60 + p[i]
      printf "%.2f\n", s }' "$1"
}
peak_mb() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $NF / 1024 }' "$1"; }

# The 1% change: rows whose key is a multiple of 100 and whose timestamp is set. change +1
# moves them one second forward, change -1 back; both print how many rows they touched.
change() {
  my -e "UPDATE legacy.Patients SET UpdatedAt = UpdatedAt + INTERVAL ($1) SECOND
           WHERE PatientID % 100 = 0 AND UpdatedAt IS NOT NULL; SELECT ROW_COUNT();
         UPDATE legacy.Visits SET VisitDate = VisitDate + INTERVAL ($1) SECOND
           WHERE VisitID % 100 = 0 AND VisitDate IS NOT NULL; SELECT ROW_COUNT();" | paste -sd' '
}
changed=""
restore() { if [[ -n "${changed}" ]]; then change -1 >/dev/null && log "source restored"; fi; }
trap restore EXIT

"${bench_dir}/load-legacy.sh" >&2 || die "prepare the source database legacy failed"

stamp="$(date +%Y-%m-%dT%H%M%S)"
log_dir="${bench_dir}/results/merge-${stamp}"
mkdir -p "${log_dir}"
bin="${log_dir}/sluice"
(cd "${repo_dir}" && go build -o "${bin}" ./cmd/sluice) || die "build sluice failed"

pg postgres -c 'SET client_min_messages = warning' \
  -c "DROP DATABASE IF EXISTS bench_merge WITH (FORCE)" -c "CREATE DATABASE bench_merge" >/dev/null

table="| run | wall (s) | peak RSS (MB) | inserted | updated | unchanged | check |
|---|---:|---:|---:|---:|---:|---|"
failed=0

# run NAME WANT_INSERTED WANT_UPDATED: one timed migrate, its reported changes checked.
run() {
  local name="$1" ins upd unch got want check=ok
  pg postgres -c CHECKPOINT >/dev/null; sync
  log "${name}: sluice migrate"
  (cd "${repo_dir}" && /usr/bin/time -v -o "${log_dir}/${name}.time" \
    "${bin}" migrate --verify none --progress none --config bench/merge.yaml >"${log_dir}/${name}.log" 2>&1) \
    || { check="FAIL: exit $? (see ${log_dir}/${name}.log)"; failed=1; }
  # "changes: I inserted, U updated, N unchanged, D deleted"; a fresh load prints no such line.
  read -r ins upd unch < <(awk '/^changes:/ { print $2, $4, $6 }' "${log_dir}/${name}.log") || true
  ins="${ins:-5000000}" upd="${upd:-0}" unch="${unch:-0}"
  got="${ins}/${upd}" want="$2/$3"
  if [[ "${check}" == ok && "${got}" != "${want}" ]]; then
    check="FAIL: inserted/updated ${got}, want ${want}"; failed=1
  fi
  rows="$(pg bench_merge -c 'SELECT (SELECT count(*) FROM patients) + (SELECT count(*) FROM visits)')"
  [[ "${rows}" == 5000000 ]] || { check="FAIL: the target holds ${rows} rows"; failed=1; }
  table+=$'\n'"| ${name} | $(wall_seconds "${log_dir}/${name}.time") | $(peak_mb "${log_dir}/${name}.time") | ${ins} | ${upd} | ${unch} | ${check} |"
}

run full 5000000 0
run rerun-0% 0 0
read -r p v < <(change 1); changed=yes
log "changed ${p} patients and ${v} visits"
run rerun-1% 0 $((p + v))

report="## ${stamp} (merge reruns)

$(nproc) cores; $(my -e 'SELECT VERSION()' | cut -d- -f1-2) -> PostgreSQL $(pg postgres -c 'SHOW server_version' | cut -d' ' -f1).
Each run: \`sluice migrate --verify none --config bench/merge.yaml\`; the 1% run follows a change of ${p} patients and ${v} visits.

${table}
- logs: ${log_dir#"${repo_dir}/"}
"
echo "${report}"
echo "${report}" >>"${bench_dir}/results/$(date +%F).md"
exit "${failed}"
