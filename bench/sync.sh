#!/usr/bin/env bash
# Benchmark: live sync from a PostgreSQL (wal_level=logical) or MariaDB (binlog ROW, FULL
# image) source into PostgreSQL.
#   apply     a backlog of row changes written at full speed by the source (updates in
#             transactions of 5,000 rows) is applied by `sluice sync --catch-up` under
#             /usr/bin/time -v: row changes per second of its wall time, its CPU and
#             its peak memory. Meanwhile pg_stat_activity is sampled every 0.2 s (what
#             the target's sluice connections and the source's walsender wait on), and
#             before it the source's log is read alone (PostgreSQL: the slot decoded by
#             pg_logical_slot_peek_binary_changes; MariaDB: mariadb-binlog reading the
#             binlog from the server): the decode ceiling the apply cannot beat.
#   lag       while `sluice sync` runs, a writer commits 1,000 row changes per second
#             (one transaction per 100 ms of 100 updates) for LAG_SECONDS; each applied
#             batch's audit entry records the source commit time of its last
#             transaction, and its own time is when it committed on the target: their
#             difference, p50 and p99 over the batches, is the lag
# ROWS rows in one table (id bigint key, a text, a number); the databases bench_sync_src
# (on the source) and bench_sync_tgt are created afresh, and the slot is dropped at the end.
#
# Usage: bench/sync.sh   (SOURCE=postgres|mariadb ROWS=1000000 CHANGES=500000 LAG_SECONDS=30;
#        SLUICE=path runs that binary instead of building this tree's, for a baseline;
#        PROFILE=1 writes a CPU profile of the apply and prints its top; PGHOST etc.,
#        MYHOST MYPORT MYUSER for MariaDB)
set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(dirname "${bench_dir}")"
SOURCE="${SOURCE:-postgres}"
ROWS="${ROWS:-1000000}"
CHANGES="${CHANGES:-500000}"
LAG_SECONDS="${LAG_SECONDS:-30}"
PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
MYHOST="${MYHOST:-127.0.0.1}" MYPORT="${MYPORT:-3306}" MYUSER="${MYUSER:-root}"
export PGHOST PGPORT PGUSER
work="$(mktemp -d)"
log() { echo "sync-bench: $*" >&2; }
pg() { local db="$1"; shift; psql -X -q -A -t -v ON_ERROR_STOP=1 -d "${db}" "$@"; }
my() { mariadb -h "${MYHOST}" -P "${MYPORT}" -u "${MYUSER}" -N -B "$@"; }
now() { date +%s.%N; }

case "${SOURCE}" in
postgres)
  src_url="postgres://${PGUSER}@${PGHOST}:${PGPORT}/bench_sync_src"
  src() { pg bench_sync_src; } # runs the SQL on stdin
  src_drop() { pg postgres -c "DROP DATABASE IF EXISTS bench_sync_src"; }
  src_create() {
    pg postgres -c "CREATE DATABASE bench_sync_src"
    pg bench_sync_src -c "CREATE TABLE items (id bigint PRIMARY KEY, label text, n int)" \
      -c "INSERT INTO items SELECT g, 'item ' || g, 0 FROM generate_series(1, ${ROWS}) g"
  }
  label_more="label || '.'"
  ;;
mariadb)
  src_url="mysql://${MYUSER}@${MYHOST}:${MYPORT}/bench_sync_src"
  src() { my bench_sync_src; }
  src_drop() { my -e "DROP DATABASE IF EXISTS bench_sync_src"; }
  src_create() {
    my -e "CREATE DATABASE bench_sync_src"
    my bench_sync_src -e "CREATE TABLE items (id bigint PRIMARY KEY, label text, n int) ENGINE=InnoDB;
      INSERT INTO items SELECT seq, CONCAT('item ', seq), 0 FROM seq_1_to_${ROWS}"
  }
  label_more="CONCAT(label, '.')"
  ;;
*) log "SOURCE=${SOURCE}: want postgres or mariadb"; exit 2 ;;
esac

if [ -n "${SLUICE:-}" ]; then
  cp "${SLUICE}" "${work}/sluice"
else
  (cd "${repo_dir}" && go build -o "${work}/sluice" ./cmd/sluice)
fi
cleanup() {
  [ -n "${sampler:-}" ] && kill "${sampler}" 2>/dev/null
  (cd "${work}" && ./sluice sync --drop-slot >/dev/null 2>&1) || true
  src_drop || true
  pg postgres -c "DROP DATABASE IF EXISTS bench_sync_tgt" || true
  rm -rf "${work}"
}
trap cleanup EXIT
src_drop
pg postgres -c "DROP DATABASE IF EXISTS bench_sync_tgt" -c "CREATE DATABASE bench_sync_tgt"
log "loading ${ROWS} rows into the ${SOURCE} source"
src_create
cat > "${work}/sluice.yaml" <<YAML
version: 1
sources:
  src:
    url: ${src_url}
target:
  url: postgres://${PGUSER}@${PGHOST}:${PGPORT}/bench_sync_tgt
defaults:
  keys: uuid
YAML
cd "${work}"
log "initial copy of ${ROWS} rows"
./sluice sync --catch-up --progress none --verify none 2>/dev/null

log "writing ${CHANGES} row changes at full speed"
[ "${SOURCE}" = mariadb ] && binlog_from=$(my -e "SHOW MASTER STATUS" | cut -f1,2)
batches=$(( CHANGES / 5000 ))
for i in $(seq 0 $(( batches - 1 ))); do
  lo=$(( (i * 5000) % ROWS + 1 ))
  echo "UPDATE items SET n = n + 1, label = ${label_more} WHERE id BETWEEN ${lo} AND $(( lo + 4999 ));"
done | src

# decode_ceiling prints the seconds the source takes to read the backlog from its log alone.
decode_ceiling() {
  local t0 t1
  t0=$(now)
  if [ "${SOURCE}" = postgres ]; then
    local slot
    slot=$(pg bench_sync_src -c "SELECT slot_name FROM pg_replication_slots WHERE database = 'bench_sync_src'")
    pg bench_sync_src -c "SELECT count(*) FROM pg_logical_slot_peek_binary_changes('${slot}', NULL, NULL,
      'proto_version', '1', 'publication_names', '${slot}')" >/dev/null
  else
    local file pos
    read -r file pos <<< "${binlog_from}"
    mariadb-binlog --read-from-remote-server -h "${MYHOST}" -P "${MYPORT}" -u "${MYUSER}" \
      --start-position="${pos}" --to-last-log "${file}" > /dev/null
  fi
  t1=$(now)
  awk -v a="${t0}" -v b="${t1}" 'BEGIN { printf "%.2f", b - a }'
}
ceiling=$(decode_ceiling)
log "the source reads the backlog from its log alone in ${ceiling} s: $(awk -v c="${CHANGES}" -v w="${ceiling}" 'BEGIN { printf "%.0f", c / w }') row changes/s"

# sample_waits records, every 0.2 s, what the target's sluice connections and the source's
# walsender (PostgreSQL) are doing (CPU when no wait event), and the CPU clock ticks each
# process has used so far (from /proc: the servers run on this machine).
sample_waits() {
  while :; do
    pg postgres -F ' ' -c "SELECT CASE WHEN backend_type = 'walsender' THEN 'walsender' ELSE 'target' END,
        replace(state, ' ', '_'), coalesce(wait_event, 'CPU'), pid FROM pg_stat_activity
      WHERE pid IN (SELECT active_pid FROM pg_replication_slots WHERE database = 'bench_sync_src')
        OR (datname = 'bench_sync_tgt' AND application_name LIKE 'sluice%' AND state <> 'idle')" 2>/dev/null |
      while read -r role state wait pid; do
        echo "${role} ${state} ${wait} ${pid} $(awk '{ print $14 + $15 }' "/proc/${pid}/stat" 2>/dev/null || echo 0)"
      done
    echo "round"
    sleep 0.2
  done
}
# server_cpu prints the CPU seconds of the sampled processes, by role.
server_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '!/^round/ { if ($5 > t[$4]) t[$4] = $5; role[$4] = $1 }
    END { for (p in t) s[role[p]] += t[p]; for (r in s) printf "%s %.1f s, ", r, s[r] / hz }' waits
}
log "applying the backlog"
profile=()
[ -n "${PROFILE:-}" ] && profile=(--cpuprofile "${work}/apply.pprof")
sample_waits > waits &
sampler=$!
/usr/bin/time -v ./sluice sync --catch-up --progress none "${profile[@]}" 2> apply.time >/dev/null
kill "${sampler}"; sampler=""
grep -E "User time|System time|Elapsed" apply.time >&2
log "what the target's sluice connections and the walsender were doing (samples):"
grep -v '^round' waits | cut -d' ' -f1-3 | sort | uniq -c | sort -rn | head -12 >&2
log "the target's sluice connections were in a transaction in $(awk '/^round/ { r++; if (busy) b++; busy = 0 } /^target/ { busy = 1 }
  END { printf "%d of %d samples", b, r }' waits)"
servers=$(server_cpu)
log "server CPU: ${servers}"
[ -n "${PROFILE:-}" ] && go tool pprof -top -nodecount=25 ./sluice apply.pprof 2>/dev/null | head -32 >&2
wall=$(awk -F': ' '/Elapsed \(wall clock\) time/ { n = split($NF, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' apply.time)
cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.1f", s }' apply.time)
rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' apply.time)
applied=$(pg bench_sync_tgt -c "SELECT changes FROM sluice.streams")
batches=$(pg bench_sync_tgt -c "SELECT batches FROM sluice.streams")
rate=$(awk -v c="${CHANGES}" -v w="${wall}" 'BEGIN { printf "%.0f", c / w }')
log "applied ${CHANGES} changes in ${wall} s: ${rate} row changes/s, sluice CPU ${cpu} s, peak RSS ${rss} MB (stream total ${applied} in ${batches} batches)"

log "lag at 1,000 row changes per second for ${LAG_SECONDS} s"
./sluice sync --progress none 2>sync.log >/dev/null &
sync_pid=$!
# alive fails the benchmark, with sync's output, once the sync started last has ended.
alive() { kill -0 "${sync_pid}" 2>/dev/null || { log "sync ended early:"; cat sync.log >&2; exit 1; }; }
until [ "$(pg bench_sync_tgt -c "SELECT count(*) FROM sluice.streams WHERE state = 'streaming'")" = 1 ]; do alive; sleep 0.2; done
# A restarted stream first reads the source's log from where the server can resume decoding
# (PostgreSQL: the slot's restart_lsn, which lags behind what was applied, through every
# database's WAL): one marked change applied says the stream is live.
started=$(now)
before=$(pg bench_sync_tgt -c "SELECT changes FROM sluice.streams")
echo "UPDATE items SET n = n + 1 WHERE id = 1" | src
until [ "$(pg bench_sync_tgt -c "SELECT changes FROM sluice.streams")" -gt "${before}" ]; do alive; sleep 0.1; done
log "the restarted stream applied its first change after $(awk -v a="${started}" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }') s"
since=$(pg bench_sync_tgt -c "SELECT max(seq) FROM sluice.audit")
for t in $(seq 1 $(( LAG_SECONDS * 10 ))); do
  lo=$(( (t * 100) % ROWS + 1 ))
  echo "UPDATE items SET n = n + 1 WHERE id BETWEEN ${lo} AND $(( lo + 99 ))" | src &
  sleep 0.1
done
wait $(jobs -p | grep -v "^${sync_pid}$") 2>/dev/null || true
sleep 2
kill -INT "${sync_pid}"; wait "${sync_pid}" || true
pg bench_sync_tgt -c "SELECT extract(epoch FROM at - (details->>'source_time')::timestamptz) FROM sluice.audit
  WHERE seq > ${since} AND operation = 'stream.batch' AND (details->>'changes')::int > 0 ORDER BY 1" > lags
p50=$(awk '{ a[NR] = $1 } END { printf "%.3f", a[int(NR * 0.5) + (NR % 2)] }' lags)
p99=$(awk '{ a[NR] = $1 } END { i = int(NR * 0.99 + 0.999); if (i < 1) i = 1; printf "%.3f", a[i] }' lags)
log "lag over $(wc -l < lags) batches: p50 ${p50} s, p99 ${p99} s"
printf '| source | rows | backlog changes | log read alone (s) | apply wall (s) | row changes/s | sluice CPU (s) | server CPU | peak RSS (MB) | lag p50 (s) | lag p99 (s) |\n|---|---|---|---|---|---|---|---|---|---|---|\n| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
  "${SOURCE}" "${ROWS}" "${CHANGES}" "${ceiling}" "${wall}" "${rate}" "${cpu}" "${servers%, }" "${rss}" "${p50}" "${p99}"
