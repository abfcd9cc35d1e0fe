#!/usr/bin/env bash
# Benchmark: legacy MariaDB database (Patients 2,000,000 rows + Visits 3,000,000 rows with a
# foreign key) into PostgreSQL, three contenders side by side in one run:
#   pipe      the ceiling: two parallel `mariadb -B | psql \copy` pipes, then keys (pipe.sh)
#   pgloader  the Debian package, with its defaults
#   sluice    `sluice migrate --config bench/legacy.yaml` (camelCase names, uuid keys)
# Each one loads into its own freshly created database under /usr/bin/time -v; the script
# prints a markdown table (wall time, rows/s, peak RSS, checks), appends it to
# bench/results/<date>.md, and exits non-zero if any contender that ran failed a check.
#
# Usage: bench/run.sh [--only pipe|pgloader|sluice]
# Environment: MYSQL_HOST/MYSQL_PORT/MYSQL_USER (127.0.0.1/3306/root, empty password) and
# PGHOST/PGPORT/PGUSER (127.0.0.1/5432/postgres, trust auth), as on the dev machine.
# Needs mariadb, psql, /usr/bin/time, awk, python3 (the UUIDv5 check), go (to build sluice);
# installs pgloader with apt-get when it is missing. Checks run outside the timed sections.
# The contenders are called as "run_${contender}", which shellcheck cannot follow.
# shellcheck disable=SC2317
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

total_rows=5000000
want_patients=2000000
want_visits=3000000
# Notes of PatientID 1 as the generator writes it: newline, tab, backslash and double quotes.
expected_note_1='multi-line note
tab:	x backslash:\ quote:"q" end'

die() { echo "run: $*" >&2; exit 1; }
log() { echo "run: $*" >&2; }

usage() { echo "usage: bench/run.sh [--only pipe|pgloader|sluice]" >&2; exit 2; }

contenders=(pipe pgloader sluice)
while (($#)); do
  case "$1" in
    --only)
      [[ $# -ge 2 ]] || usage
      case "$2" in
        pipe | pgloader | sluice) contenders=("$2") ;;
        *) echo "run: --only takes pipe, pgloader or sluice, not: $2" >&2; usage ;;
      esac
      shift 2 ;;
    -h | --help) usage ;;
    *) echo "run: unknown argument: $1" >&2; usage ;;
  esac
done

# ---------------------------------------------------------------------------------------------
# Database helpers.

# pg DB ARGS... runs psql against DB: unaligned, tuples only, stop at the first error.
pg() { local db="$1"; shift; psql -X -q -A -t -v ON_ERROR_STOP=1 -d "${db}" "$@"; }
# my ARGS... runs the mariadb client: tab-separated, no column names.
my() { mariadb -h "${MYSQL_HOST}" -P "${MYSQL_PORT}" -u "${MYSQL_USER}" -B -N "$@"; }

# fresh_db drops and recreates a target database, so every contender starts from nothing.
# WITH (FORCE) ends sessions a previous, interrupted run may have left behind.
fresh_db() {
  pg postgres -c 'SET client_min_messages = warning' \
    -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" \
    || die "recreate PostgreSQL database $1 failed"
}

# settle makes contenders start from the same state: no dirty buffers from the previous
# contender left for this one's checkpoints to write.
settle() { pg postgres -c 'CHECKPOINT' >/dev/null || die "checkpoint PostgreSQL failed"; sync; }

# ---------------------------------------------------------------------------------------------
# Reading /usr/bin/time -v reports.

# wall_seconds FILE prints "Elapsed (wall clock) time", given as h:mm:ss or m:ss.ss, in seconds.
wall_seconds() {
  awk -F': ' '/Elapsed \(wall clock\) time/ {
      n = split($NF, p, ":"); s = 0
      for (i = 1; i <= n; i++) s = s * 60 + p[i]
      printf "%.2f\n", s }' "$1"
}
# peak_kb FILE prints "Maximum resident set size" in kB.
peak_kb() { awk -F': ' '/Maximum resident set size/ { print $NF }' "$1"; }

mb() { awk -v kb="$1" 'BEGIN { if (kb > 0) printf "%.0f", kb / 1024; else printf "-" }'; }
# rows_per_second prints "-" when there is no wall time (a run that died before time wrote it).
rows_per_second() { awk -v s="$1" -v n="${total_rows}" 'BEGIN { if (s > 0) printf "%.0f", n / s; else printf "-" }'; }

# ---------------------------------------------------------------------------------------------
# Checks on a loaded target. Each prints nothing when all is well and one line per problem.

# table_in DB SCHEMA NAME prints the quoted name of the table whose lower-cased name is NAME,
# so the same check works for pipe (patients), pgloader (legacy.patients) and sluice.
table_in() {
  pg "$1" -v schema="$2" -v name="$3" <<'SQL'
SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables
 WHERE table_schema = :'schema' AND lower(table_name) = :'name';
SQL
}

# check_counts DB SCHEMA: both tables exist and hold exactly the source's row counts.
check_counts() {
  local db="$1" schema="$2" table want got qualified
  for table in patients:"${want_patients}" visits:"${want_visits}"; do
    want="${table#*:}"; table="${table%%:*}"
    qualified="$(table_in "${db}" "${schema}" "${table}")" \
      || { echo "cannot look up ${schema}.${table} in ${db}"; continue; }
    if [[ -z "${qualified}" ]]; then echo "${db} has no table ${schema}.${table}"; continue; fi
    got="$(pg "${db}" -c "SELECT count(*) FROM ${qualified}")" \
      || { echo "count rows of ${db}.${qualified} failed"; continue; }
    [[ "${got}" == "${want}" ]] || echo "${db}.${qualified} has ${got} rows, want ${want}"
  done
}

# The content checks address target columns through the associative array col: lower-cased
# source column name -> quoted target column name, so that one set of queries serves the pipe
# and pgloader (patientid) and sluice's camelCase ("patientId"). col[pkey] and col[vkey] hold
# the legacy integer keys of patients and visits: patientid and visitid, or legacy_id in both
# where keys became UUIDs.
declare -A col

# load_columns DB PATIENTS VISITS int|uuid fills col from the target's catalog. Both tables
# have a patientid column under the same name in both, so one map is enough.
load_columns() {
  local low quoted
  col=()
  while IFS='|' read -r low quoted; do col["${low}"]="${quoted}"; done < <(
    pg "$1" -c "SELECT DISTINCT lower(column_name), format('%I', column_name)
                  FROM information_schema.columns
                 WHERE format('%I.%I', table_schema, table_name) IN ('$2', '$3')")
  if [[ "$4" == uuid ]]; then
    col[pkey]="${col[legacy_id]:-}" col[vkey]="${col[legacy_id]:-}"
  else
    col[pkey]="${col[patientid]:-}" col[vkey]="${col[visitid]:-}"
  fi
  for low in pkey vkey patientid firstname lastname birthdate isactive gender clinicid notes updatedat visitdate reason; do
    [[ -n "${col[${low}]:-}" ]] || { echo "no column for ${low} in $2 or $3"; return 1; }
  done
}

# Per-column NULL counts, in the same column order on both sides. Comparing them over the
# whole tables proves NULLs arrived as NULL and no value (an empty string, the text NULL)
# turned into one.
source_nulls_sql='SELECT CONCAT_WS(",",
  SUM(FirstName IS NULL), SUM(LastName IS NULL), SUM(BirthDate IS NULL), SUM(IsActive IS NULL),
  SUM(Gender IS NULL), SUM(ClinicID IS NULL), SUM(Notes IS NULL), SUM(UpdatedAt IS NULL),
  (SELECT CONCAT_WS(",", SUM(VisitDate IS NULL), SUM(Reason IS NULL)) FROM legacy.Visits))
  FROM legacy.Patients'
# target_nulls_sql PATIENTS VISITS: the same counts in the target.
target_nulls_sql() {
  local c out="" sep=""
  for c in firstname lastname birthdate isactive gender clinicid notes updatedat; do
    out+="${sep}count(*) FILTER (WHERE ${col[${c}]} IS NULL)"; sep=", "
  done
  echo "SELECT concat_ws(',', ${out},
    (SELECT concat_ws(',', count(*) FILTER (WHERE ${col[visitdate]} IS NULL),
                           count(*) FILTER (WHERE ${col[reason]} IS NULL)) FROM $2))
    FROM $1"
}

# A digest of the text columns, as hex bytes, of every row the generator gives a tab, a
# newline, a backslash and quotes (PatientID % 1000 = 1): byte-identical or not. "-" stands
# for NULL, which CONCAT_WS would otherwise skip.
source_digest_sql='SET SESSION group_concat_max_len = 67108864;
SELECT MD5(GROUP_CONCAT(CONCAT_WS(":", PatientID, IFNULL(HEX(FirstName), "-"),
         IFNULL(HEX(LastName), "-"), IFNULL(HEX(Notes), "-")) ORDER BY PatientID SEPARATOR ","))
  FROM legacy.Patients WHERE PatientID % 1000 = 1'
# target_digest_sql PATIENTS: the same digest in the target.
target_digest_sql() {
  local c hex=""
  for c in firstname lastname notes; do
    hex+=", coalesce(upper(encode(convert_to(${col[${c}]}, 'UTF8'), 'hex')), '-')"
  done
  echo "SELECT md5(string_agg(concat_ws(':', ${col[pkey]}${hex}), ',' ORDER BY ${col[pkey]}))
          FROM $1 WHERE ${col[pkey]} % 1000 = 1"
}

# The visit -> patient pairing as one number: SUM(VisitID * PatientID). A foreign key that
# points at the wrong patient (a bad UUID rewrite, a shifted column) changes it.
source_pairs_sql='SELECT SUM(CAST(VisitID AS DECIMAL(30)) * PatientID) FROM legacy.Visits'
# target_pairs_sql PATIENTS VISITS: the same sum, through the target's foreign key.
target_pairs_sql() {
  echo "SELECT sum(v.${col[vkey]}::numeric * p.${col[pkey]})
          FROM $2 v JOIN $1 p ON p.${col[patientid]} = v.${col[patientid]}"
}

# check_content DB SCHEMA int|uuid: NULLs, the special rows byte for byte, PatientID 1's note
# against the generator's literal text, and the visit -> patient pairing. The last argument
# says whether the target kept the integer keys or rewrote them (see col above).
check_content() {
  local db="$1" schema="$2" patients visits want got
  patients="$(table_in "${db}" "${schema}" patients)" || { echo "cannot look up patients in ${db}"; return; }
  visits="$(table_in "${db}" "${schema}" visits)" || { echo "cannot look up visits in ${db}"; return; }
  [[ -n "${patients}" && -n "${visits}" ]] || return 0 # check_counts already said so
  load_columns "${db}" "${patients}" "${visits}" "$3" || return 0

  want="$(my -e "${source_nulls_sql}")" || { echo "count NULLs in legacy failed"; return; }
  got="$(pg "${db}" -c "$(target_nulls_sql "${patients}" "${visits}")")" \
    || { echo "count NULLs in ${db} failed"; return; }
  [[ "${got}" == "${want}" ]] \
    || echo "NULL counts differ (FirstName..UpdatedAt, VisitDate, Reason): source ${want}, ${db} ${got}"

  want="$(my -e "${source_digest_sql}")" || { echo "digest special rows in legacy failed"; return; }
  got="$(pg "${db}" -c "$(target_digest_sql "${patients}")")" \
    || { echo "digest special rows in ${db} failed"; return; }
  [[ "${got}" == "${want}" ]] \
    || echo "rows with PatientID % 1000 = 1 differ from the source (digest ${got}, want ${want})"

  # psql interpolates :'note' (as a safely quoted literal) only in SQL read from stdin.
  got="$(pg "${db}" -v note="${expected_note_1}" \
           <<<"SELECT ${col[notes]} = :'note' FROM ${patients} WHERE ${col[pkey]} = 1")" \
    || { echo "read PatientID 1 from ${db} failed"; return; }
  [[ "${got}" == "t" ]] || echo "${db}: Notes of PatientID 1 is not the generator's exact text"

  want="$(my -e "${source_pairs_sql}")" || { echo "sum visit/patient pairs in legacy failed"; return; }
  got="$(pg "${db}" -c "$(target_pairs_sql "${patients}" "${visits}")")" \
    || { echo "sum visit/patient pairs in ${db} failed"; return; }
  [[ "${got}" == "${want}" ]] || echo "visits point at other patients than in the source (${got}, want ${want})"
}

# check_uuid DB: keys: uuid must give PatientID 1 the key UUIDv5(default namespace,
# "legacy.Patients:1") (GUIDE invariant 3); python3 computes the expected value.
check_uuid() {
  local want got
  want="$(python3 -c 'import uuid; print(uuid.uuid5(uuid.UUID("a18306cf-4b0a-5674-93e2-be8c183b5270"), "legacy.Patients:1"))')" \
    || { echo "compute UUIDv5 with python3 failed"; return; }
  got="$(pg "$1" -c "SELECT ${col[patientid]} FROM $(table_in "$1" public patients) WHERE ${col[pkey]} = 1")" \
    || { echo "read the key of PatientID 1 in $1 failed"; return; }
  [[ "${got}" == "${want}" ]] || echo "PatientID 1 has key ${got}, want UUIDv5 ${want}"
}

# ---------------------------------------------------------------------------------------------
# Contenders. Each sets: status ("ok", "FAIL", "skipped"), detail, wall, peak_kb, rss_note.

# timed NAME CMD... runs CMD under /usr/bin/time -v; its output goes to the log directory.
timed() {
  local name="$1"; shift
  /usr/bin/time -v -o "${log_dir}/${name}.time" "$@" >"${log_dir}/${name}.log" 2>&1
}

# record_time NAME fills wall and peak_kb from NAME's time report.
# A missing report (time itself failed) leaves them empty, shown as "-" in the table.
record_time() {
  wall="$(wall_seconds "${log_dir}/$1.time" 2>/dev/null)" || wall=""
  peak_kb="$(peak_kb "${log_dir}/$1.time" 2>/dev/null)" || peak_kb=""
}

# pipe_preconditions proves what pipe.sh's NULL 'NULL' choice relies on: no text value in the
# source is the text NULL, and none holds a carriage return or NUL byte (mariadb -B passes
# a CR through raw and prints NUL as \0, both of which text COPY refuses).
pipe_preconditions() {
  local bad
  bad="$(my -e "SELECT
     (SELECT COUNT(*) FROM legacy.Patients WHERE BINARY 'NULL' IN (FirstName, LastName, Gender, Notes)
         OR LOCATE(CHAR(13), Notes) OR LOCATE(CHAR(0), Notes))
   + (SELECT COUNT(*) FROM legacy.Visits WHERE BINARY Reason = 'NULL'
         OR LOCATE(CHAR(13), Reason) OR LOCATE(CHAR(0), Reason))")" \
    || die "check the source for values the pipe cannot carry failed"
  [[ "${bad}" == 0 ]] || die "${bad} source rows hold the text NULL, a CR or a NUL byte: pipe.sh's NULL 'NULL' would corrupt them"
}

run_pipe() {
  local db=bench_pipe part largest=0 largest_name="" sum=0 kb rc=0
  pipe_preconditions
  fresh_db "${db}"; settle
  mkdir -p "${log_dir}/pipe-rss"
  log "pipe: loading ${db}"
  timed pipe "${bench_dir}/pipe.sh" "${db}" "${log_dir}/pipe-rss" || rc=$?
  record_time pipe
  if [[ "${rc}" != 0 ]]; then
    status=FAIL; detail="pipe.sh exited ${rc}: $(tail -n 3 "${log_dir}/pipe.log" | tr '\n' ' ')"
    return
  fi
  # The four client processes run at once, so their peaks add up.
  for part in mariadb-patients psql-patients mariadb-visits psql-visits; do
    kb="$(peak_kb "${log_dir}/pipe-rss/${part}.time")"
    sum=$((sum + kb))
    if ((kb > largest)); then largest="${kb}"; largest_name="${part}"; fi
  done
  peak_kb="${sum}"
  rss_note="pipe: peak RSS is the sum of its 4 concurrent clients (2 mariadb, 2 psql); the largest alone is ${largest_name} at $(mb "${largest}") MB"
  verify "${db}" public int
}

# ensure_pgloader installs the Debian package when it is missing (needs root), so a fresh
# machine can run the whole benchmark; apt-get update first because the lists may be empty.
ensure_pgloader() {
  command -v pgloader >/dev/null && return
  log "pgloader is missing; installing the Debian package"
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y pgloader; } >&2 \
    || die "install pgloader with apt-get failed (run as root, or install it yourself)"
}

run_pgloader() {
  local db=bench_pgloader rc=0
  ensure_pgloader
  fresh_db "${db}"; settle
  log "pgloader: loading ${db}"
  # postgresql:///DB takes host, port and user from PGHOST, PGPORT and PGUSER, exported above,
  # so pgloader reaches PostgreSQL over TCP like the other two. Without PGUSER (and with USER
  # unset, as here) pgloader 3.6 crashes with "The value of CL-POSTGRES::USER is NIL".
  # MariaDB's root@127.0.0.1 uses mysql_native_password with an empty password, which
  # pgloader 3.6 handles; no dedicated user is needed.
  timed pgloader pgloader "mysql://${MYSQL_USER}@${MYSQL_HOST}:${MYSQL_PORT}/legacy" \
    "postgresql:///${db}" || rc=$?
  record_time pgloader
  if [[ "${rc}" != 0 ]]; then
    status=FAIL; detail="pgloader exited ${rc}: see ${log_dir}/pgloader.log"; return
  fi
  # pgloader puts the tables in a schema named after the source database.
  verify "${db}" legacy int
}

run_sluice() {
  local db=bench_sluice rc=0 bin="${log_dir}/sluice"
  if [[ ! -d "${repo_dir}/cmd/sluice" ]]; then
    status=skipped; detail="./cmd/sluice does not exist yet"; return
  fi
  if ! (cd "${repo_dir}" && go build -o "${bin}" ./cmd/sluice) >"${log_dir}/sluice-build.log" 2>&1; then
    status=skipped
    detail="./cmd/sluice does not build: $(head -n 2 "${log_dir}/sluice-build.log" | tr '\n' ' ')"
    return
  fi
  fresh_db "${db}"; settle
  log "sluice: loading ${db}"
  # Run from the repository so the config's relative paths resolve the same way for everyone.
  # The load alone, like the other two contenders, which check nothing afterwards; the
  # verification that migrate runs by default is timed on its own just below.
  (cd "${repo_dir}" && timed sluice "${bin}" migrate --verify none --config bench/legacy.yaml) || rc=$?
  record_time sluice
  if [[ "${rc}" != 0 ]]; then
    status=FAIL; detail="sluice migrate exited ${rc}: see ${log_dir}/sluice.log"; return
  fi
  time_sluice_verify "${bin}"
  # camelCase names: the checks find columns case-insensitively; keys: uuid keeps the legacy
  # key in legacy_id (docs/CONFIG.md default) and the FK is a UUID.
  verify "${db}" public uuid
}

# time_sluice_verify times `sluice verify` at all six levels (every value of every row
# compared with the source through the mapping) over the target just loaded, and reports it
# in rss_note next to the load's time.
time_sluice_verify() {
  local bin="$1" rc=0 vwall vkb
  settle
  log "sluice: verifying bench_sluice at levels 1-6"
  (cd "${repo_dir}" && timed sluice-verify "${bin}" verify --config bench/legacy.yaml) || rc=$?
  vwall="$(wall_seconds "${log_dir}/sluice-verify.time" 2>/dev/null)" || vwall="-"
  vkb="$(peak_kb "${log_dir}/sluice-verify.time" 2>/dev/null)" || vkb=0
  if [[ "${rc}" != 0 ]]; then
    rss_note="sluice verify exited ${rc} (see ${log_dir}/sluice-verify.log)"
    return
  fi
  rss_note="sluice verify (levels 1-6, 0 findings) took ${vwall} s with a peak RSS of $(mb "${vkb}") MB, after a load of ${wall} s"
}

# verify DB SCHEMA int|uuid sets status and detail from the checks; uuid (sluice's keys: uuid)
# finds the legacy keys in legacy_id and adds the deterministic-key check.
verify() {
  local problems
  problems="$(
    check_counts "$1" "$2"
    check_content "$1" "$2" "$3"
    if [[ "$3" == uuid ]]; then check_uuid "$1"; fi
  )"
  if [[ -z "${problems}" ]]; then
    status=ok
    detail="2,000,000 + 3,000,000 rows; NULL counts match; PatientID % 1000 = 1 rows byte-identical; FK pairs match"
    if [[ "$3" == uuid ]]; then detail+="; UUIDv5 keys"; fi
  else
    status=FAIL; detail="${problems//$'\n'/; }"
  fi
}

# ---------------------------------------------------------------------------------------------
# Main.

for tool in mariadb psql awk; do
  command -v "${tool}" >/dev/null || die "${tool} is not installed"
done
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install time)"

# The source must hold exactly the expected rows; this reloads it only when it does not.
"${bench_dir}/load-legacy.sh" >&2 || die "prepare the source database legacy failed"

stamp="$(date +%Y-%m-%dT%H%M%S)"
results_dir="${bench_dir}/results"
log_dir="${results_dir}/logs-${stamp}"
mkdir -p "${log_dir}" || die "create ${log_dir} failed"

table="| contender | wall (s) | rows/s | peak RSS (MB) | check |
|---|---:|---:|---:|---|"
notes=()
failed=0
# load1 prints the 1-minute load average. Other work on the machine (builds, test suites)
# skews wall times badly on 2 cores, so it is recorded with every contender and warned about.
load1() { cut -d' ' -f1 /proc/loadavg; }
busy() { awk -v l="$(load1)" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; }

for contender in "${contenders[@]}"; do
  status="" detail="" wall="" peak_kb="" rss_note=""
  if busy; then log "warning: load average $(load1) on $(nproc) cores before ${contender}: figures will be skewed"; fi
  load_before="$(load1)"
  "run_${contender}"
  [[ "${status}" == skipped ]] || notes+=("${contender}: 1-minute load average ${load_before} before, $(load1) after")
  log "${contender}: ${status} ${detail}"
  if [[ "${status}" == skipped ]]; then
    table+=$'\n'"| ${contender} | - | - | - | skipped: ${detail} |"
    continue
  fi
  [[ "${status}" == ok ]] || failed=1
  table+=$'\n'"| ${contender} | ${wall} | $(rows_per_second "${wall}") | $(mb "${peak_kb}") | ${status}: ${detail} |"
  [[ -z "${rss_note}" ]] || notes+=("${rss_note}")
done

# Read the whole output: head -n 1 would close the pipe early and fail it under pipefail.
pgloader_version="$(pgloader --version 2>/dev/null)" || pgloader_version="pgloader not installed"
pgloader_version="${pgloader_version%%$'\n'*}"

report="## ${stamp}

$(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM; \
$(my -e 'SELECT VERSION()' | cut -d- -f1-2) -> PostgreSQL $(pg postgres -c 'SHOW server_version' | cut -d' ' -f1); \
${pgloader_version}. \
rows/s = ${total_rows} / wall. Peak RSS is the client side only (not mariadbd or postgres).

${table}
"
for note in "${notes[@]+"${notes[@]}"}"; do report+=$'\n'"- ${note}"; done
report+=$'\n'"- logs: ${log_dir#"${repo_dir}/"}"$'\n'

echo "${report}"
echo "${report}" >>"${results_dir}/$(date +%F).md" || die "append to ${results_dir}/$(date +%F).md failed"
exit "${failed}"
