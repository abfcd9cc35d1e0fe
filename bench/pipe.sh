#!/usr/bin/env bash
# The "ceiling" contender: the fastest correct load a shell user can write without any tool.
# Two `mariadb --quick -B -N | psql \copy` pipes run in parallel (one per table) into tables
# without keys, then the primary keys, the index on visits.patientid and the foreign key are
# added. run.sh runs this whole script under /usr/bin/time -v, so every step here is timed.
#
# Usage: pipe.sh TARGET_DB RSS_DIR
#   TARGET_DB  an empty PostgreSQL database (run.sh drops and recreates it)
#   RSS_DIR    where each of the four concurrent client processes writes its /usr/bin/time -v
#              report, so run.sh can add up their peak RSS (a parent's time -v only reports
#              the largest descendant, not the sum of processes running at once)
#
# NULLs. mariadb -B escapes tab, newline and backslash as \t \n \\ - exactly what PostgreSQL's
# text COPY format reads back - but prints SQL NULL as the bare word NULL. Selecting
# IFNULL(col, '\\N') does not help: -B escapes that backslash too and prints \\N, which COPY
# reads as the two-character text "\N". So the copy uses COPY's NULL 'NULL' option. COPY
# compares the null marker with the raw field before unescaping, so this is exact as long as
# no real value is the text NULL; run.sh proves that for this data set before the timed
# section (and the absence of carriage returns, which text COPY rejects), and fails otherwise.
set -euo pipefail

db="${1:?usage: pipe.sh TARGET_DB RSS_DIR}"
rss_dir="${2:?usage: pipe.sh TARGET_DB RSS_DIR}"

MYSQL_HOST="${MYSQL_HOST:-127.0.0.1}"
MYSQL_PORT="${MYSQL_PORT:-3306}"
MYSQL_USER="${MYSQL_USER:-root}"
PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
PGUSER="${PGUSER:-postgres}"
export PGHOST PGPORT PGUSER

die() { echo "pipe: $*" >&2; exit 1; }

# pg runs SQL in the target database; ON_ERROR_STOP makes psql exit non-zero on the first error.
pg() { psql -X -q -v ON_ERROR_STOP=1 -d "${db}" "$@"; }

# Natural PostgreSQL types for the MariaDB columns: INT -> integer, VARCHAR(n) -> varchar(n),
# CHAR(1) -> char(1), DATE -> date, DATETIME -> timestamp (no time zone, like DATETIME),
# TINYINT(1) -> boolean (COPY accepts MariaDB's 0/1). No keys yet: indexes are built once at
# the end, which is much faster than maintaining them row by row.
pg <<'SQL' || die "create tables in ${db} failed"
CREATE TABLE patients (
  patientid integer NOT NULL,
  firstname varchar(50),
  lastname  varchar(50),
  birthdate date,
  isactive  boolean,
  gender    char(1),
  clinicid  integer,
  notes     varchar(200),
  updatedat timestamp
);
CREATE TABLE visits (
  visitid   integer NOT NULL,
  patientid integer NOT NULL,
  visitdate timestamp,
  reason    varchar(100)
);
SQL

# copy_table streams legacy.$1 into $2 through one pipe; each side is wrapped in its own
# /usr/bin/time so its peak RSS is recorded. pipefail makes a failing mariadb fail the pipe
# even though psql, seeing a clean EOF, would commit what it had received.
copy_table() {
  local source_table="$1" target_table="$2" columns="$3"
  /usr/bin/time -v -o "${rss_dir}/mariadb-${target_table}.time" \
    mariadb --quick -B -N -h "${MYSQL_HOST}" -P "${MYSQL_PORT}" -u "${MYSQL_USER}" \
      -e "SELECT ${columns} FROM legacy.${source_table}" \
  | /usr/bin/time -v -o "${rss_dir}/psql-${target_table}.time" \
    psql -X -q -v ON_ERROR_STOP=1 -d "${db}" \
      -c "\\copy ${target_table} (${columns}) from stdin with (format text, null 'NULL')"
}

copy_table Patients patients \
  "PatientID, FirstName, LastName, BirthDate, IsActive, Gender, ClinicID, Notes, UpdatedAt" &
patients_pid=$!
copy_table Visits visits "VisitID, PatientID, VisitDate, Reason" &
visits_pid=$!
# Wait for both before failing, so no pipe is left running behind a failed one.
patients_rc=0; wait "${patients_pid}" || patients_rc=$?
visits_rc=0; wait "${visits_pid}" || visits_rc=$?
[[ "${patients_rc}" == 0 ]] || die "pipe legacy.Patients -> ${db}.patients failed (exit ${patients_rc})"
[[ "${visits_rc}" == 0 ]] || die "pipe legacy.Visits -> ${db}.visits failed (exit ${visits_rc})"

# The two tables' keys are independent, so build them in parallel on the two cores; the
# foreign key needs patients' primary key, so it comes last. Its validation scans visits.
# A session-level maintenance_work_mem of 256MB (default 64MB) lets each sort of 2-3 million
# keys run in memory, about 1 s faster in all; any user can set it, and this is the ceiling.
# (pgloader raises it too, to 128MB, by default.)
export PGOPTIONS="${PGOPTIONS:-} -c maintenance_work_mem=256MB"
pg -c 'ALTER TABLE patients ADD PRIMARY KEY (patientid)' &
patients_pk_pid=$!
pg -c 'ALTER TABLE visits ADD PRIMARY KEY (visitid)' \
   -c 'CREATE INDEX visits_patientid_idx ON visits (patientid)' &
visits_pk_pid=$!
patients_rc=0; wait "${patients_pk_pid}" || patients_rc=$?
visits_rc=0; wait "${visits_pk_pid}" || visits_rc=$?
[[ "${patients_rc}" == 0 ]] || die "add primary key to ${db}.patients failed"
[[ "${visits_rc}" == 0 ]] || die "add primary key and index to ${db}.visits failed"

pg -c 'ALTER TABLE visits ADD CONSTRAINT fk_visits_patient
         FOREIGN KEY (patientid) REFERENCES patients (patientid)' \
  || die "add foreign key visits.patientid -> patients in ${db} failed"
