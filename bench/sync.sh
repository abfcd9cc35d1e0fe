#!/usr/bin/env bash
# Benchmark: live sync from a PostgreSQL source (wal_level=logical) into PostgreSQL.
#   apply     a backlog of row changes written at full speed by the source (updates in
#             transactions of 5,000 rows, then single-row updates and inserts) is
#             applied by `sluice sync --catch-up` under /usr/bin/time -v: row changes
#             per second of its wall time, and its peak memory
#   lag       while `sluice sync` runs, a writer commits 1,000 row changes per second
#             (one transaction per 100 ms of 100 updates) for LAG_SECONDS; each applied
#             batch's audit entry records the source commit time of its last
#             transaction, and its own time is when it committed on the target: their
#             difference, p50 and p99 over the batches, is the lag
# ROWS rows in one table (id bigint key, a text, a number); the databases bench_sync_src
# and bench_sync_tgt are created afresh, and the slot is dropped at the end.
#
# Usage: bench/sync.sh   (ROWS=1000000 CHANGES=500000 LAG_SECONDS=30; PGHOST etc.)
set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(dirname "${bench_dir}")"
ROWS="${ROWS:-1000000}"
CHANGES="${CHANGES:-500000}"
LAG_SECONDS="${LAG_SECONDS:-30}"
PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
export PGHOST PGPORT PGUSER
work="$(mktemp -d)"
log() { echo "sync-bench: $*" >&2; }
pg() { local db="$1"; shift; psql -X -q -A -t -v ON_ERROR_STOP=1 -d "${db}" "$@"; }

(cd "${repo_dir}" && go build -o "${work}/sluice" ./cmd/sluice)
cleanup() {
  (cd "${work}" && ./sluice sync --drop-slot >/dev/null 2>&1) || true
  pg postgres -c "DROP DATABASE IF EXISTS bench_sync_src" -c "DROP DATABASE IF EXISTS bench_sync_tgt" || true
  rm -rf "${work}"
}
trap cleanup EXIT
pg postgres -c "DROP DATABASE IF EXISTS bench_sync_src" -c "DROP DATABASE IF EXISTS bench_sync_tgt" \
  -c "CREATE DATABASE bench_sync_src" -c "CREATE DATABASE bench_sync_tgt"
pg bench_sync_src -c "CREATE TABLE items (id bigint PRIMARY KEY, label text, n int)" \
  -c "INSERT INTO items SELECT g, 'item ' || g, 0 FROM generate_series(1, ${ROWS}) g"
cat > "${work}/sluice.yaml" <<YAML
version: 1
sources:
  src:
    url: postgres://${PGUSER}@${PGHOST}:${PGPORT}/bench_sync_src
target:
  url: postgres://${PGUSER}@${PGHOST}:${PGPORT}/bench_sync_tgt
defaults:
  keys: uuid
YAML
cd "${work}"
log "initial copy of ${ROWS} rows"
./sluice sync --catch-up --progress none --verify none 2>/dev/null

log "writing ${CHANGES} row changes at full speed"
batches=$(( CHANGES / 5000 ))
for i in $(seq 0 $(( batches - 1 ))); do
  lo=$(( (i * 5000) % ROWS + 1 ))
  echo "UPDATE items SET n = n + 1, label = label || '.' WHERE id BETWEEN ${lo} AND $(( lo + 4999 ));"
done | pg bench_sync_src
log "applying the backlog"
/usr/bin/time -v ./sluice sync --catch-up --progress none 2> apply.time >/dev/null
grep -E "User time|System time|Elapsed" apply.time >&2
wall=$(awk -F': ' '/Elapsed \(wall clock\) time/ { n = split($NF, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' apply.time)
rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' apply.time)
applied=$(pg bench_sync_tgt -c "SELECT changes FROM sluice.streams")
rate=$(awk -v c="${CHANGES}" -v w="${wall}" 'BEGIN { printf "%.0f", c / w }')
log "applied ${CHANGES} changes in ${wall} s: ${rate} row changes/s, peak RSS ${rss} MB (stream total ${applied})"

log "lag at 1,000 row changes per second for ${LAG_SECONDS} s"
./sluice sync --progress none 2>sync.log >/dev/null &
sync_pid=$!
until [ "$(pg bench_sync_tgt -c "SELECT count(*) FROM sluice.streams WHERE state = 'streaming'")" = 1 ]; do sleep 0.2; done
since=$(pg bench_sync_tgt -c "SELECT max(seq) FROM sluice.audit")
for t in $(seq 1 $(( LAG_SECONDS * 10 ))); do
  lo=$(( (t * 100) % ROWS + 1 ))
  pg bench_sync_src -c "UPDATE items SET n = n + 1 WHERE id BETWEEN ${lo} AND $(( lo + 99 ))" &
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
printf '| rows | backlog changes | apply wall (s) | row changes/s | peak RSS (MB) | lag p50 (s) | lag p99 (s) |\n|---|---|---|---|---|---|---|\n| %s | %s | %s | %s | %s | %s | %s |\n' \
  "${ROWS}" "${CHANGES}" "${wall}" "${rate}" "${rss}" "${p50}" "${p99}"
