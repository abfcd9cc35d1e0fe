#!/usr/bin/env bash
# Benchmark: reruns in merge mode over the core benchmark's 5,000,000 rows (bench/run.sh's
# source, `legacy` in MariaDB), one after another into the database bench_merge:
#   full       the first load of a fresh database (strategy: merge loads it directly)
#   rerun-0%   the same sources again: every row compared by its hash, nothing written
#   rerun-0%-first  the first rerun: reads and compares every row, records chunk digests
#   rerun-0%   a later rerun: the source digests every chunk's range, none changed, none read
#   rerun-1%-spread     after changing 1% of the rows of both tables, every 100th key
#              (UpdatedAt and VisitDate moved by one second): every chunk is read, exactly
#              those rows are updated
#   rerun-1%-clustered  the same for the first 1% of keys: only their chunks are read
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

# The 1% changes: 1% of each table's rows get their timestamp moved by $1 seconds (+1 to
# change, -1 to restore). spread: every 100th key, so every chunk holds changed rows.
# clustered: the first 1% of keys, as when recent rows are the ones that change. Each
# prints how many rows of each table it touched.
change() {
  local p_where="PatientID % 100 = 0" v_where="VisitID % 100 = 0"
  if [[ "$2" == clustered ]]; then p_where="PatientID <= 20000" v_where="VisitID <= 30000"; fi
  my -e "UPDATE legacy.Patients SET UpdatedAt = UpdatedAt + INTERVAL ($1) SECOND
           WHERE ${p_where} AND UpdatedAt IS NOT NULL; SELECT ROW_COUNT();
         UPDATE legacy.Visits SET VisitDate = VisitDate + INTERVAL ($1) SECOND
           WHERE ${v_where} AND VisitDate IS NOT NULL; SELECT ROW_COUNT();" | paste -sd' '
}
changed=""
restore() { if [[ -n "${changed}" ]]; then change -1 "${changed}" >/dev/null && log "source restored"; fi; }
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
run rerun-0%-first 0 0      # reads every row, and records each chunk's source digest
run rerun-0% 0 0            # skips every chunk: the source's digests did not change
read -r p v < <(change 1 spread); changed=spread
log "changed ${p} patients and ${v} visits, spread over every chunk"
run rerun-1%-spread 0 $((p + v))
change -1 spread >/dev/null; changed=""
run rerun-restore 0 $((p + v))
read -r p v < <(change 1 clustered); changed=clustered
log "changed ${p} patients and ${v} visits, the first 1% of keys"
run rerun-1%-clustered 0 $((p + v))

report="## ${stamp} (merge reruns)

$(nproc) cores; $(my -e 'SELECT VERSION()' | cut -d- -f1-2) -> PostgreSQL $(pg postgres -c 'SHOW server_version' | cut -d' ' -f1).
Each run: \`sluice migrate --verify none --config bench/merge.yaml\`, in this order; each 1% run follows a change of 1% of each table's rows (the restore run puts the spread change back).

${table}
- logs: ${log_dir#"${repo_dir}/"}
"
echo "${report}"
echo "${report}" >>"${bench_dir}/results/$(date +%F).md"
exit "${failed}"
