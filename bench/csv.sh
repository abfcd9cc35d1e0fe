#!/usr/bin/env bash
# Benchmark: one large CSV file into PostgreSQL through `sluice migrate`, to measure the
# throughput of the CSV source and that memory stays flat whatever the file's size.
# For each size (in MB) it generates <size>/visits.csv once with bench/csvgen (about 100
# bytes a record: an integer key, a text MRN with leading zeros, a quoted name with doubled
# quotes, a note that spans two lines in every 50th record, a decimal, a date, a
# timestamp), loads it into a
# fresh database bench_csv_<size> with keys: uuid and the key declared (so the key check
# reads the file once before the load), `--verify none`, under /usr/bin/time -v, and checks
# outside the timed section that the target holds every record and nothing was rejected.
# It prints a markdown table and appends it to bench/results/<date>.md.
#
# Usage: bench/csv.sh [SIZE_MB ...]     (default: 1000 4000)
# Environment: BENCH_CSV_DIR (where the files go, default /tmp/sluice-bench-csv) and
# PGHOST/PGPORT/PGUSER (127.0.0.1/5432/postgres, trust auth). Needs psql, awk,
# /usr/bin/time and go.
set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(dirname "${bench_dir}")"
data_dir="${BENCH_CSV_DIR:-/tmp/sluice-bench-csv}"
PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
PGUSER="${PGUSER:-postgres}"
export PGHOST PGPORT PGUSER

die() { echo "csv: $*" >&2; exit 1; }
log() { echo "csv: $*" >&2; }
pg() { local db="$1"; shift; psql -X -q -A -t -v ON_ERROR_STOP=1 -d "${db}" "$@"; }
wall_seconds() {
  awk -F': ' '/Elapsed \(wall clock\) time/ {
      n = split($NF, p, ":"); s = 0
      for (i = 1; i <= n; i++) s = s * 60 + p[i]
      printf "%.2f\n", s }' "$1"
}
peak_mb() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $NF / 1024 }' "$1"; }

config() {
  cat <<YAML
version: 1
sources:
  files: {url: "csv://$1"}
target: {url: "postgres://${PGUSER}@${PGHOST}:${PGPORT}/$2?sslmode=disable"}
defaults: {keys: uuid}
tables:
  files.visits:
    primary_key: [VisitId]
    columns:
      VisitId: {source_type: bigint}
      MRN: {source_type: text}
      Amount: {source_type: "numeric(10,2)"}
      Born: {source_type: date}
      Admitted: {source_type: timestamp}
YAML
}

main() {
  local sizes=("$@")
  [[ ${#sizes[@]} -gt 0 ]] || sizes=(1000 4000)
  mkdir -p "${data_dir}" "${bench_dir}/results"
  local bin gen; bin="$(mktemp -d)/sluice"; gen="$(dirname "${bin}")/csvgen"
  (cd "${repo_dir}" && go build -o "${bin}" ./cmd/sluice && go build -o "${gen}" ./bench/csvgen)
  local table="| file | records | wall | records/s | MB/s | peak RSS | checks |"$'\n'"|---|---:|---:|---:|---:|---:|---|"
  for size in "${sizes[@]}"; do
    local dir="${data_dir}/${size}" db="bench_csv_${size}" records
    mkdir -p "${dir}"
    if [[ ! -s "${dir}/visits.csv.records" ]]; then
      log "generating ${size} MB"
      "${gen}" -mb "${size}" -o "${dir}/visits.csv" > "${dir}/visits.csv.records"
    fi
    records="$(cat "${dir}/visits.csv.records")"
    pg postgres -c "DROP DATABASE IF EXISTS ${db}" -c "CREATE DATABASE ${db}"
    config "${dir}" "${db}" > "${dir}/sluice.yaml.bench"
    sync
    log "loading ${size} MB (${records} records)"
    /usr/bin/time -v "${bin}" migrate --config "${dir}/sluice.yaml.bench" --progress none --verify none \
      2> "${dir}/time.txt" > "${dir}/out.txt" || { cat "${dir}/time.txt" >&2; die "migrate failed"; }
    local wall peak loaded rejected check=ok
    wall="$(wall_seconds "${dir}/time.txt")"; peak="$(peak_mb "${dir}/time.txt")"
    loaded="$(pg "${db}" -c "SELECT count(*) FROM visits")"
    rejected="$(pg "${db}" -c "SELECT count(*) FROM sluice.rejects")"
    [[ "${loaded}" == "${records}" && "${rejected}" == 0 ]] || check="FAILED: ${loaded} loaded, ${rejected} rejected"
    table+=$'\n'"| ${size} MB | ${records} | ${wall} s | $(awk -v n="${records}" -v s="${wall}" 'BEGIN { printf "%d", n / s }') | $(awk -v m="${size}" -v s="${wall}" 'BEGIN { printf "%.1f", m / s }') | ${peak} MB | ${check} |"
    pg postgres -c "DROP DATABASE ${db}"
  done
  echo "${table}"
  printf '\n## csv.sh %s\n\n%s\n' "$(date -u +%FT%H%M%S)" "${table}" >> "${bench_dir}/results/$(date -u +%F).md"
  [[ "${table}" != *FAILED* ]]
}

main "$@"
