package main

import (
	"database/sql"
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/lineage"
	"github.com/sluicedb/sluice/sluicetest"
)

// traceChunkRows is small so that Chinook's tables span several chunks and
// the chunk a row is in matters.
const traceChunkRows = 500

// Chinook migrated with keys: uuid in chunks of 500 rows, then traced: a
// track by its legacy key and by its uuid, a playlist track by its
// composite key, each giving the source key, the chunk whose ledger range
// holds it (the chunk computed independently from the source's key order),
// the run that committed it, audit entries that exist, and the row itself.
func TestTraceOnChinook(t *testing.T) {
	t.Parallel()
	const pw = "Tr4ce-pw"
	target := sluicetest.NewPostgresDB(t)
	dir := t.TempDir()
	in := invocation{dir: dir, env: []string{"TARGET_PASSWORD=" + pw}}
	r := in.run(t, "init", "--source", "chinook="+chinookSQLite(t), "--target", withPassword(t, target, pw),
		"--keys", "uuid", "--chunk-rows", strconv.Itoa(traceChunkRows))
	wantCode(t, r, 0)
	writeFile(t, dir, "sluice.yaml", r.stdout)
	wantCode(t, in.run(t, "migrate", "--progress", "none"), 0)
	conn := pgConn(t, target)
	src := sourceDB(t)

	for _, id := range []int{1, 500, 501, 3503} {
		key := strconv.Itoa(id)
		l := traceJSON(t, in, "track", key, pw)
		checkTrack(t, conn, l, key, chunkOf(t, src, "Track", "TrackId < ?", id))
	}
	byUUID := traceJSON(t, in, "chinook.Track", rowUUID("chinook.Track:1501").String(), pw)
	checkTrack(t, conn, byUUID, "1501", chunkOf(t, src, "Track", "TrackId < ?", 1501))

	pt := traceJSON(t, in, "playlist_track", "1|3402", pw)
	want := chunkOf(t, src, "PlaylistTrack", "(PlaylistId, TrackId) < (?, ?)", 1, 3402)
	checkLineage(t, conn, pt, "chinook.PlaylistTrack", "1|3402", want)
	if v, _ := value(pt, "legacy_id"); v != "1|3402" {
		t.Errorf("playlist_track legacy_id = %q, want 1|3402", v)
	}

	text := in.run(t, "trace", "track", "1")
	wantCode(t, text, 0)
	mustNotContain(t, text, pw)
	checkTraceText(t, text.stdout)
}

// traceJSON runs trace --json and decodes its output.
func traceJSON(t *testing.T, in invocation, table, key string, secrets ...string) *lineage.Lineage {
	t.Helper()
	r := in.run(t, "trace", table, key, "--json")
	wantCode(t, r, 0)
	mustNotContain(t, r, secrets...)
	var l lineage.Lineage
	if err := json.Unmarshal([]byte(r.stdout), &l); err != nil {
		t.Fatalf("trace --json is not JSON: %v\n%s", err, r)
	}
	return &l
}

// rowUUID is the uuid sluice gives the row named "<source>.<table>:<key>".
func rowUUID(name string) uuid.UUID { return uuid.NewSHA1(sluice.DefaultNamespace, []byte(name)) }

func checkTrack(t *testing.T, conn *pgx.Conn, l *lineage.Lineage, key string, chunk int) {
	t.Helper()
	checkLineage(t, conn, l, "chinook.Track", key, chunk)
	id := rowUUID("chinook.Track:" + key).String()
	if l.Target.UUID != id {
		t.Errorf("track %s: uuid %s, want %s", key, l.Target.UUID, id)
	}
	wantName := pgRows(t, conn, "SELECT name FROM track WHERE legacy_id = $1", key)
	for col, want := range map[string]string{"track_id": id, "legacy_id": key, "name": wantName[0]} {
		if got, ok := value(l, col); got != want || !ok {
			t.Errorf("track %s: column %s = %q, want %q", key, col, got, want)
		}
	}
}

// checkLineage asserts the source and key, the chunk, the run that
// committed that chunk according to the ledger, and that every audit entry
// listed exists with its operation, the chunk's own among them.
func checkLineage(t *testing.T, conn *pgx.Conn, l *lineage.Lineage, table, key string, chunk int) {
	t.Helper()
	if l.Source.TableID != table || l.Source.Database != "chinook" || l.Source.Key != key || !strings.HasPrefix(l.Source.URL, "sqlite:") {
		t.Errorf("%s %s: source %+v", table, key, l.Source)
	}
	if l.Chunk == nil || l.Chunk.No != chunk {
		t.Fatalf("%s %s: chunk %+v, want chunk %d (notes %q)", table, key, l.Chunk, chunk, l.Notes)
	}
	run := pgInt(t, conn, "SELECT run_id FROM sluice.chunks WHERE table_id = $1 AND chunk_no = $2", table, chunk)
	if l.Run == nil || l.Run.ID != run || l.Run.Status != "ok" || l.Run.Command != "migrate" || l.Run.Host == "" {
		t.Errorf("%s %s: run %+v, want run %d, ok", table, key, l.Run, run)
	}
	if len(l.Rows) != 1 || len(l.Rejects) != 0 || l.Mapping.Changed || l.Mapping.PlanHash == "" {
		t.Errorf("%s %s: %d rows, %d rejects, mapping %+v", table, key, len(l.Rows), len(l.Rejects), l.Mapping)
	}
	checkAuditEntries(t, conn, l, table, chunk)
}

func checkAuditEntries(t *testing.T, conn *pgx.Conn, l *lineage.Lineage, table string, chunk int) {
	t.Helper()
	ops := map[string]bool{}
	for _, e := range l.Audit {
		got := pgRows(t, conn, `SELECT operation, coalesce(details->>'table', ''), coalesce(details->>'chunk', '')
			FROM sluice.audit WHERE seq = $1`, e.Seq)
		if len(got) != 1 || !strings.HasPrefix(got[0], e.Operation+" | ") {
			t.Errorf("audit seq %d (%s) is %q in sluice.audit", e.Seq, e.Operation, got)
			continue
		}
		if e.Operation == "chunk.commit" && got[0] != "chunk.commit | "+table+" | "+strconv.Itoa(chunk) {
			t.Errorf("the chunk.commit listed is %q, want chunk %d of %s", got[0], chunk, table)
		}
		ops[e.Operation] = true
	}
	for _, op := range []string{"run.start", "table.plan", "chunk.commit", "table.done", "run.end"} {
		if !ops[op] {
			t.Errorf("%s: no %s among the audit entries %+v", table, op, l.Audit)
		}
	}
}

// value returns the text of a column of the lineage's first row.
func value(l *lineage.Lineage, col string) (string, bool) {
	if len(l.Rows) == 0 {
		return "", false
	}
	for _, v := range l.Rows[0] {
		if v.Column == col && v.Text != nil {
			return *v.Text, true
		}
	}
	return "", false
}

// sourceDB opens the shared Chinook file to count rows in key order.
func sourceDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", strings.TrimPrefix(chinookSQLite(t), "sqlite:")+"?mode=ro")
	if err != nil {
		t.Fatalf("open Chinook: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// chunkOf is the chunk a row is read in when every chunk but the last reads
// traceChunkRows rows: one more than the rows before it, in key order,
// divided by the chunk size.
func chunkOf(t *testing.T, db *sql.DB, table, before string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM "+table+" WHERE "+before, args...).Scan(&n); err != nil {
		t.Fatalf("count the rows of %s before %v: %v", table, args, err)
	}
	return n/traceChunkRows + 1
}

func checkTraceText(t *testing.T, out string) {
	t.Helper()
	head := "chinook.Track key 1 → public.track row " + rowUUID("chinook.Track:1").String() + "\n"
	if !strings.HasPrefix(out, head) {
		t.Errorf("trace does not start with %q:\n%s", head, out)
	}
	for _, want := range []string{"legacy key  TrackId = 1\n", "  legacy_id      bigint         legacy_key  TrackId\n",
		"  chunk  1 of generation 1: keys after (start) through 500;", "  run    1 migrate: ok;", "chunk.commit",
		"For Those About To Rock (We Salute You)"} {
		if !strings.Contains(out, want) {
			t.Errorf("trace does not show %q:\n%s", want, out)
		}
	}
}

// A row rejected for a zero date is traced to its reject (column, value,
// reason, chunk, run), by its legacy key and by the uuid it would have had;
// a key found nowhere is exit code 1 with a message naming it; a changed
// mapping is warned about.
func TestTraceRejectedAndUnknownKeys(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := newSQLite(t, filepath.Join(dir, "legacy.db"), `CREATE TABLE Visit (Id INTEGER PRIMARY KEY, Day DATE);
		INSERT INTO Visit VALUES (1, '2024-01-01'), (2, '0000-00-00'), (3, '2024-01-03');`)
	target := sluicetest.NewPostgresDB(t)
	config := "version: 1\nsources:\n  legacy:\n    url: " + src + "\ntarget:\n  url: " + target + "\ndefaults:\n  keys: uuid\n"
	writeFile(t, dir, "sluice.yaml", config)
	in := invocation{dir: dir}
	wantCode(t, in.run(t, "migrate", "--progress", "none", "--max-rejects", "1"), 0)

	for _, key := range []string{"2", rowUUID("legacy.Visit:2").String()} {
		l := traceJSON(t, in, "visit", key)
		if len(l.Rows) != 0 || len(l.Rejects) != 1 || l.Source.Key != "2" || l.Chunk == nil || l.Chunk.No != 1 || l.Run == nil || l.Run.ID != 1 {
			t.Fatalf("trace visit %s: rows %v, rejects %+v, key %q, chunk %+v, run %+v", key, l.Rows, l.Rejects, l.Source.Key, l.Chunk, l.Run)
		}
		rj := l.Rejects[0]
		if rj.Column != "day" || rj.Raw == nil || *rj.Raw != "0000-00-00" || !strings.Contains(rj.Reason, "zero date") {
			t.Errorf("trace visit %s: reject %+v, want column day, value 0000-00-00, a zero date", key, rj)
		}
	}
	text := in.run(t, "trace", "legacy.Visit", "2")
	wantCode(t, text, 0)
	if !strings.Contains(text.stdout, "rejected, not loaded") || !strings.Contains(text.stdout, `column day, value "0000-00-00": zero date`) {
		t.Errorf("trace of a rejected row does not show the reject:\n%s", text)
	}

	for _, key := range []string{"7", "seven", uuid.NewString()} {
		r := in.run(t, "trace", "visit", key)
		wantCode(t, r, 1)
		if !strings.Contains(r.stderr, `key "`+key+`" of legacy.Visit is unknown`) || r.stdout != "" {
			t.Errorf("trace of unknown key %s: want a message naming it, got:\n%s", key, r)
		}
	}
	wantCode(t, in.run(t, "trace", "no_such_table", "1"), 2)

	writeFile(t, dir, "sluice.yaml", config+"tables:\n  legacy.Visit:\n    columns:\n      Day: {name: visit_day}\n")
	changed := traceJSON(t, in, "visit", "1")
	if !changed.Mapping.Changed || len(changed.Notes) == 0 || !strings.Contains(changed.Notes[0], "warning") || len(changed.Rows) != 1 {
		t.Errorf("trace after a mapping change: mapping %+v, notes %q, rows %v", changed.Mapping, changed.Notes, changed.Rows)
	}
}
