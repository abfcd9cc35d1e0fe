# The MariaDB source of bench/cutover.sh (sourced by it). MariaDB's freeze, read_only, stops
# the whole server, so the source is a PRIVATE server: mariadb-install-db and mariadbd in a
# temporary folder on a free port, binlog ROW/FULL and a server id (as
# sluicetest.StartPrivateMariaDB does), stopped and removed on exit. The tables are those of
# cutover-postgres.sh (lower-case names, the same generated values), loaded from MariaDB's
# seq_1_to_N tables with the binlog off for the load (the copy's snapshot comes after it).
# The writer is the user `app`, without READ_ONLY ADMIN: root passes through read_only, an
# application does not.
src=bench_cut_src tgt=bench_cutm_tgt
maria_dir="" maria_pid="" maria_port=""

my() { mariadb --no-defaults -h 127.0.0.1 -P "${maria_port}" -u "${1}" --default-character-set=utf8mb4 -B -N "${@:2}"; }

src_start() {
  command -v mariadb-install-db >/dev/null || die "mariadb-install-db is not installed (apt-get install mariadb-server)"
  maria_dir="$(mktemp -d /tmp/sluice-bench-mariadb-XXXXXX)"
  local user=()
  if [[ "$(id -u)" == 0 ]]; then chown mysql: "${maria_dir}"; user=(--user=mysql); fi
  mariadb-install-db --no-defaults --datadir="${maria_dir}/data" --auth-root-authentication-method=normal \
    --skip-test-db "${user[@]}" >"${maria_dir}/install.log" 2>&1 || { cat "${maria_dir}/install.log" >&2; die "mariadb-install-db failed"; }
  maria_port="$(free_port)"
  # 9>&-: the server does not hold the run's lock (cutover.sh) should it outlive the run.
  "$(command -v mariadbd || echo /usr/sbin/mariadbd)" --no-defaults --datadir="${maria_dir}/data" --port="${maria_port}" \
    --bind-address=127.0.0.1 --socket="${maria_dir}/mysqld.sock" --pid-file="${maria_dir}/mysqld.pid" \
    --log-bin="${maria_dir}/data/binlog" --binlog-format=ROW --binlog-row-image=FULL --server-id=1 \
    --skip-name-resolve --innodb-buffer-pool-size=1G --innodb-log-file-size=512M \
    --innodb-flush-log-at-trx-commit=2 --max-connections=500 --log-error="${maria_dir}/error.log" "${user[@]}" 9>&- &
  maria_pid=$!
  wait_ready
  log "private MariaDB on port ${maria_port} in ${maria_dir}"
  my root <<SQL
CREATE DATABASE ${src} CHARACTER SET utf8mb4;
CREATE USER app@'%';
GRANT SELECT, INSERT, UPDATE, DELETE ON ${src}.* TO app@'%';
SQL
}

# free_port is a port nothing listens on (a connection to it is refused).
free_port() {
  local p
  for p in $(shuf -i 20000-60000 -n 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/${p}") 2>/dev/null || { echo "${p}"; return; }
  done
  die "no free port found"
}

wait_ready() {
  local i
  for i in $(seq 1 300); do
    my root -e 'SELECT 1' >/dev/null 2>&1 && return
    kill -0 "${maria_pid}" 2>/dev/null || { cat "${maria_dir}/error.log" >&2; die "mariadbd exited"; }
    sleep 0.2
  done
  cat "${maria_dir}/error.log" >&2
  die "mariadbd not ready after 60 s"
}

# src_stop kills the private server (its data is thrown away) and removes its folder.
src_stop() {
  if [[ -n "${maria_pid}" ]]; then
    kill -KILL "${maria_pid}" 2>/dev/null || true
    wait "${maria_pid}" 2>/dev/null || true
    maria_pid=""
  fi
  [[ -z "${maria_dir}" ]] || rm -rf "${maria_dir}"
}

src_load() {
  my root -D "${src}" <<SQL
SET SESSION sql_log_bin = 0, unique_checks = 0, foreign_key_checks = 0;
CREATE TABLE patients (patientid int AUTO_INCREMENT PRIMARY KEY, firstname varchar(50), lastname varchar(50),
  birthdate date, isactive boolean, gender char(1), clinicid int, notes varchar(200), updatedat datetime);
CREATE TABLE visits (visitid int PRIMARY KEY, patientid int NOT NULL, visitdate datetime, reason varchar(100),
  FOREIGN KEY (patientid) REFERENCES patients (patientid));
INSERT INTO patients SELECT seq, ELT(1 + seq % 8, 'James','Mary','José','Zoë','Łukasz','Wei','Aisha','Chloé'),
  ELT(1 + seq % 6, 'Smith','García','O''Brien','Müller','Nguyen','Søren-Hansen'),
  IF(seq % 97 = 0, NULL, DATE '1920-01-01' + INTERVAL (seq * 7919) % 36500 DAY), seq % 10 <> 0,
  IF(seq % 50 = 0, NULL, ELT(1 + seq % 3, 'M','F','U')), 1 + (seq * 31) % 500,
  IF(seq % 3 = 0, NULL, LEFT(CONCAT(MD5(seq), ' ', MD5(seq + 1)), (seq * 17) % 66)),
  TIMESTAMP '2015-01-01 00:00:00' + INTERVAL (seq * 104729) % 315360000 SECOND
  FROM seq_1_to_${PATIENTS};
INSERT INTO visits SELECT seq, 1 + (seq * 7) % ${PATIENTS}, TIMESTAMP '2010-01-01 00:00:00' + INTERVAL (seq * 7717) % 473040000 SECOND,
  IF(seq % 41 = 0, NULL, ELT(1 + seq % 4, 'Annual physical','Follow-up','Flu symptoms','Blood test'))
  FROM seq_1_to_${VISITS};
ANALYZE TABLE patients, visits;
SQL
}

src_url() { echo "mysql://root@127.0.0.1:${maria_port}/${src}"; }
writer_dsn() { echo "app@tcp(127.0.0.1:${maria_port})/${src}"; }
src_query() { my root -D "${src}" -e "SET SESSION group_concat_max_len = 1073741824; $1"; }
src_version() { my root -e 'SELECT VERSION()'; }
src_write_refused() { ! my app -D "${src}" -e "INSERT INTO visits VALUES (2147483647, 1, now(), 'after')" >/dev/null 2>&1; }

# The checks' queries (as cutover-postgres.sh's): a DATETIME reads as PostgreSQL prints the
# timestamp it becomes.
src_visits_sql="SELECT CONCAT(COUNT(*), '/', COALESCE(SUM(visitid), 0)) FROM visits"
src_patients_sql="SELECT CONCAT(COUNT(*), '/', MD5(GROUP_CONCAT(patientid, ':', COALESCE(notes, '-'), ':', updatedat ORDER BY patientid SEPARATOR ',')))
  FROM patients WHERE notes LIKE 'bench write%'"
