# The PostgreSQL source of bench/cutover.sh (sourced by it): a database on the local server,
# whose freeze is per database, so other databases of the server keep writing.
src=bench_cut_src tgt=bench_cut_tgt

src_start() {
  [[ "$(pg postgres -c 'SHOW wal_level')" == logical ]] || die "the server needs wal_level=logical (scripts/services.sh)"
  src_stop
  pg postgres -c "CREATE DATABASE ${src}"
}

# src_stop drops the source database and the forward stream's slots on it.
src_stop() {
  pg postgres -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
                  WHERE database = '${src}' AND NOT active" >/dev/null || true
  pg postgres -c "DROP DATABASE IF EXISTS ${src} WITH (FORCE)"
}

src_load() {
  pg "${src}" <<SQL
CREATE TABLE patients (patientid serial PRIMARY KEY, firstname varchar(50), lastname varchar(50),
  birthdate date, isactive boolean, gender char(1), clinicid int, notes varchar(200), updatedat timestamp);
CREATE TABLE visits (visitid int PRIMARY KEY, patientid int NOT NULL REFERENCES patients,
  visitdate timestamp, reason varchar(100));
INSERT INTO patients SELECT n, (ARRAY['James','Mary','José','Zoë','Łukasz','Wei','Aisha','Chloé'])[1 + n % 8],
  (ARRAY['Smith','García','O''Brien','Müller','Nguyen','Søren-Hansen'])[1 + n % 6],
  CASE WHEN n % 97 = 0 THEN NULL ELSE date '1920-01-01' + ((n::bigint * 7919) % 36500)::int END, n % 10 <> 0,
  CASE WHEN n % 50 = 0 THEN NULL ELSE (ARRAY['M','F','U'])[1 + n % 3] END, 1 + (n * 31) % 500,
  CASE WHEN n % 3 = 0 THEN NULL ELSE left(md5(n::text) || ' ' || md5((n + 1)::text), (n * 17) % 66) END,
  timestamp '2015-01-01' + make_interval(secs => (n::bigint * 104729) % 315360000)
  FROM generate_series(1, ${PATIENTS}) n;
SELECT setval('patients_patientid_seq', ${PATIENTS});
INSERT INTO visits SELECT n, 1 + (n * 7) % ${PATIENTS}, timestamp '2010-01-01' + make_interval(secs => (n::bigint * 7717) % 473040000),
  CASE WHEN n % 41 = 0 THEN NULL ELSE (ARRAY['Annual physical','Follow-up','Flu symptoms','Blood test'])[1 + n % 4] END
  FROM generate_series(1, ${VISITS}) n;
VACUUM ANALYZE;
SQL
}

src_url() { echo "postgres://${PGUSER}@${PGHOST}:${PGPORT}/${src}?sslmode=disable"; }
writer_dsn() { echo "$(src_url)&application_name=app"; }
src_query() { pg "${src}" -c "$1"; }
src_version() { pg postgres -c 'SHOW server_version' | cut -d' ' -f1; }
src_write_refused() { ! pg "${src}" -c "INSERT INTO visits VALUES (2147483647, 1, now(), 'after')" >/dev/null 2>&1; }

# The checks' queries: rows/sum of keys of visits, rows/digest of the patients written.
src_visits_sql="SELECT count(*) || '/' || coalesce(sum(visitid), 0) FROM visits"
src_patients_sql="SELECT count(*) || '/' || md5(string_agg(patientid || ':' || coalesce(notes, '-') || ':' || updatedat, ',' ORDER BY patientid))
  FROM patients WHERE notes LIKE 'bench write%'"
