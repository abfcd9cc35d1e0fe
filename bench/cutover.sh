#!/usr/bin/env bash
# Benchmark: the write freeze of `sluice cutover` on a 5,000,000-row database while the
# application writes 1,000 statements per second.
#   source   patients 2,000,000 rows, visits 3,000,000 rows with a foreign key (the shape
#            of bench/legacy-patients.sql): SOURCE=postgres (the default), a database
#            bench_cut_src on the local server (bench/cutover-postgres.sh); SOURCE=mariadb,
#            a private MariaDB server (bench/cutover-mariadb.sh)
#   target   bench_cut_tgt (bench_cutm_tgt for SOURCE=mariadb, so that both can run at
#            once) on the local PostgreSQL, keys: uuid, naming: camelCase
#   writer   bench/cutwriter: RATE statements per second (an insert into visits, an update
#            of a patient) on 8 sessions kept open, as a connection pool keeps them; it
#            retries a refused write on a new session after 50 ms
# Steps: copy and verify (`sync --catch-up`, `verify`), start the writer, run `sync`
# for SYNC_SECONDS while it writes, stop sync, then `sluice cutover --max-lag 2s --freeze
# source --end-sessions` (VERIFY: quick by default) under /usr/bin/time -v. The writer
# runs until the freeze stops it and goes on trying (refused) until the switch.
# Measured: the write freeze cutover prints, the time from its start to its switch, each
# step's time from its audit entries, and the writer's own view: the time from its last
# accepted write to the switch. Checked: every write the source accepted is in the target
# (the rows of both tables compared through the mapping by count and by the sum of the
# legacy keys of the written rows) and the source refuses writes after the switch.
#
# Usage: bench/cutover.sh     (SOURCE=postgres PATIENTS=2000000 VISITS=3000000 RATE=1000
#                              SYNC_SECONDS=30 VERIFY=quick; PGHOST/PGPORT/PGUSER as for psql;
#                              SLUICE_BIN=path: that binary instead of this tree's, for a
#                              baseline)
# Needs psql, awk, /usr/bin/time and go (and mariadb, mariadbd, mariadb-install-db for
# SOURCE=mariadb). Appends its table to bench/results/<date>.md.
set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(dirname "${bench_dir}")"
SOURCE="${SOURCE:-postgres}"
PATIENTS="${PATIENTS:-2000000}"
VISITS="${VISITS:-3000000}"
RATE="${RATE:-1000}"
SYNC_SECONDS="${SYNC_SECONDS:-30}"
VERIFY="${VERIFY:-quick}"
PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
export PGHOST PGPORT PGUSER
work="$(mktemp -d)"

log() { echo "cutover-bench: $*" >&2; }
die() { log "$*"; exit 1; }
pg() { local db="$1"; shift; psql -X -q -A -t -v ON_ERROR_STOP=1 -d "${db}" "$@"; }
load1() { cut -d' ' -f1 /proc/loadavg; }
wall_seconds() {
  awk -F': ' '/Elapsed \(wall clock\) time/ { n = split($NF, p, ":"); s = 0
    for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$1"
}

# Each source engine defines: src_start (check or start the server, make an empty
# source database), src_load, src_url (sluice's), writer_dsn, src_query SQL (one value),
# src_write_refused (true when the application's insert is refused), src_version,
# src_stop; and the database names src and tgt.
case "${SOURCE}" in
  postgres) source "${bench_dir}/cutover-postgres.sh" ;;
  mariadb) source "${bench_dir}/cutover-mariadb.sh" ;;
  *) die "SOURCE must be postgres or mariadb, not ${SOURCE}" ;;
esac

# One run per source engine on this machine: a second would drop the first's databases.
exec 9>"/tmp/sluice-bench-cutover-${SOURCE}.lock"
flock -n 9 || die "another bench/cutover.sh with SOURCE=${SOURCE} is running on this machine (lock /tmp/sluice-bench-cutover-${SOURCE}.lock)"

# drop_target removes the target database and every slot on it (the reverse stream's), so
# that no slot keeps WAL after the run.
drop_target() {
  pg postgres -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
                  WHERE database = '${tgt}' AND NOT active" >/dev/null || true
  pg postgres -c "DROP DATABASE IF EXISTS ${tgt} WITH (FORCE)"
}
writer_pid=""
sync_pid=""
cleanup() {
  local p
  # By pid: a bare wait would wait for the private MariaDB too, which src_stop ends.
  for p in ${writer_pid} ${sync_pid}; do kill "${p}" 2>/dev/null || true; wait "${p}" 2>/dev/null || true; done
  src_stop >/dev/null 2>&1 || true
  drop_target >/dev/null 2>&1 || true
  rm -rf "${work}"
}
trap cleanup EXIT

(cd "${repo_dir}" && go build -o "${work}/cutwriter" ./bench/cutwriter)
if [[ -n "${SLUICE_BIN:-}" ]]; then cp "${SLUICE_BIN}" "${work}/sluice"; else (cd "${repo_dir}" && go build -o "${work}/sluice" ./cmd/sluice); fi
drop_target
src_start
pg postgres -c "CREATE DATABASE ${tgt}"

log "generating ${PATIENTS} patients and ${VISITS} visits"
load_start=$(date +%s.%N)
src_load
load_s=$(awk -v a="${load_start}" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')

cat > "${work}/sluice.yaml" <<YAML
version: 1
sources:
  src:
    url: $(src_url)
target:
  url: postgres://${PGUSER}@${PGHOST}:${PGPORT}/${tgt}?sslmode=disable
defaults:
  naming: camelCase
  keys: uuid
YAML
cd "${work}"
log "copying (sync --catch-up) and verifying"
copy_start=$(date +%s.%N)
./sluice sync --catch-up --progress none --verify none >/dev/null 2>sync-copy.log || { tail sync-copy.log >&2; die "sync --catch-up failed"; }
copy_s=$(awk -v a="${copy_start}" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
./sluice verify --level 1,2,3,4,5 >verify.log 2>&1 || { tail verify.log >&2; die "verify found differences"; }

log "writer at ${RATE}/s, sync for ${SYNC_SECONDS} s"
./cutwriter -engine "${SOURCE}" -dsn "$(writer_dsn)" \
  -rate "${RATE}" -patients "${PATIENTS}" -first-visit $((VISITS + 1)) >writer.out 2>writer.err &
writer_pid=$!
./sluice sync --progress none >sync.log 2>&1 &
sync_pid=$!
sleep "${SYNC_SECONDS}"
kill -INT "${sync_pid}"; wait "${sync_pid}" || true
sync_pid=""

load_before="$(load1)"
log "cutover (load average ${load_before})"
cut_start=$(date +%s.%N)
/usr/bin/time -v -o cutover.time ./sluice cutover --max-lag 2s --freeze source --end-sessions --verify "${VERIFY}" \
  >cutover.out 2>cutover.err || { cat cutover.out cutover.err >&2; die "cutover failed"; }
cut_end=$(date +%s.%N)
load_after="$(load1)"
sleep 1 # the writer, still trying, has its refusals after the switch too
kill -INT "${writer_pid}"; wait "${writer_pid}" || true
writer_pid=""
cat cutover.err cutover.out >&2

freeze=$(sed -n 's/^write freeze: \([^ ]*\)\. .*/\1/p' cutover.out)
wall=$(wall_seconds cutover.time)
switched=$(pg "${tgt}" -c "SELECT to_char(freeze_ended AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM sluice.cutovers ORDER BY cutover_id DESC LIMIT 1")
last_ok=$(sed -n 's/^last_accepted=//p' writer.out)
writer_gap=$(pg postgres -c "SELECT round(extract(epoch FROM '${switched}'::timestamptz - '${last_ok}'::timestamptz)::numeric, 3)")
steps=$(pg "${tgt}" -c "SELECT string_agg(op || ' +' || round(extract(epoch FROM at - prev)::numeric, 2) || ' s', ', ' ORDER BY seq)
  FROM (SELECT seq, replace(operation, 'cutover.', '') op, at, lag(at) OVER (ORDER BY seq) prev
        FROM sluice.audit WHERE operation LIKE 'cutover.%') a WHERE prev IS NOT NULL")
log "steps: ${steps}"
accepted=$(sed -n 's/^accepted=//p' writer.out)
refused=$(sed -n 's/^refused=//p' writer.out)
reached=$(sed -n 's/^rate=//p' writer.out)

problems=""
want=$(src_query "${src_visits_sql}")
got=$(pg "${tgt}" -c "SELECT count(*) || '/' || coalesce(sum(legacy_id), 0) FROM visits")
[[ "${want}" == "${got}" ]] || problems+="visits: source ${want} (rows/sum of keys), target ${got}; "
want=$(src_query "${src_patients_sql}")
got=$(pg "${tgt}" -c "SELECT count(*) || '/' || md5(string_agg(legacy_id || ':' || coalesce(notes, '-') || ':' || updatedat, ',' ORDER BY legacy_id)) FROM patients WHERE notes LIKE 'bench write%'")
[[ "${want}" == "${got}" ]] || problems+="patients written: source ${want}, target ${got}; "
src_write_refused || problems+="the source accepted a write after the switch; "
check="${problems:-ok: every accepted write is in the target, the source refuses writes}"

table="| rows | writes/s asked (reached) | verify | write freeze (printed) | last accepted write -> switch | cutover start -> switch | accepted / refused | load avg before/after | check |
|---|---|---|---:|---:|---:|---|---|---|
| $((PATIENTS + VISITS)) | ${RATE} (${reached}) | ${VERIFY} | ${freeze} | ${writer_gap} s | ${wall} s | ${accepted} / ${refused} | ${load_before} / ${load_after} | ${check} |"
report="## cutover $(date +%Y-%m-%dT%H%M%S)

$(nproc) cores; source ${SOURCE} $(src_version), target PostgreSQL $(pg postgres -c 'SHOW server_version' | cut -d' ' -f1); load ${load_s} s, copy ${copy_s} s.
Steps (time since the previous one): ${steps}

${table}
"
echo "${report}"
mkdir -p "${bench_dir}/results"
echo "${report}" >>"${bench_dir}/results/$(date +%F).md"
[[ -z "${problems}" ]]
