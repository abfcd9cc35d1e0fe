package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice/sluicetest"
)

// Two clinics of 20,000 patients each, half of them the same people (MRN
// M10001..M20000), and the west's 10,000 visits referencing its patients:
// big enough that a run can be killed between chunks.
const (
	resumeEast = `CREATE TABLE Patients (Id INTEGER PRIMARY KEY, MRN TEXT NOT NULL, Name TEXT NOT NULL, Phone TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
INSERT INTO Patients SELECT i, 'M' || i, 'east ' || i, CASE WHEN i % 3 = 0 THEN NULL ELSE '555-' || i END FROM n;`
	resumeWest = `CREATE TABLE Patient (Id INTEGER PRIMARY KEY, MRN TEXT NOT NULL, Name TEXT NOT NULL, Email TEXT);
CREATE TABLE Visits (Id INTEGER PRIMARY KEY, PatientId INTEGER NOT NULL REFERENCES Patient (Id), Day TEXT NOT NULL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
INSERT INTO Patient SELECT 100000 + i, 'M' || (i + 10000), 'west ' || i, 'p' || i || '@west' FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
INSERT INTO Visits SELECT i, 100000 + 2 * i, '2024-01-' || (1 + i % 28) FROM n;`
)

// mergedConfig writes the config that merges the two clinics into target.
func mergedConfig(t *testing.T, east, west, target string) invocation {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, dir, "sluice.yaml", fmt.Sprintf(`version: 1
sources:
  east: {url: %q}
  west: {url: %q}
target: {url: %q}
defaults:
  keys: uuid
  chunk_rows: 1000
  workers: 2
tables:
  patients:
    from: [east.Patients, west.Patient]
    match_on: [mrn]
`, east, west, target))
	return invocation{dir: dir}
}

// TestKillAndResumeMergedTable kills a migration into a merged table with
// kill -9 between chunks, twice, reruns it, and compares the target with an
// uninterrupted migration's: the same rows, legacy keys and ledger.
func TestKillAndResumeMergedTable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	east := newSQLite(t, filepath.Join(dir, "east.db"), resumeEast)
	west := newSQLite(t, filepath.Join(dir, "west.db"), resumeWest)
	targetA, targetB := sluicetest.NewPostgresDB(t), sluicetest.NewPostgresDB(t)
	runA := mergedConfig(t, east, west, targetA).start(t, "migrate", "--progress", "none", "--verify", "quick")
	inB := mergedConfig(t, east, west, targetB)
	connB := pgConn(t, targetB)
	kills := 0
	for _, after := range []int64{3, 25} {
		p := inB.start(t, "migrate", "--progress", "none", "--verify", "quick")
		for !p.exited() && chunksDone(connB) < after {
			time.Sleep(2 * time.Millisecond)
		}
		_ = p.signal(syscall.SIGKILL)
		if r := p.wait(); r.code == 128+int(syscall.SIGKILL) {
			kills++
		}
		waitForLockRelease(t, connB)
	}
	t.Logf("killed %d times", kills)
	if kills == 0 {
		t.Errorf("the run ended before it could be killed")
	}
	wantCode(t, inB.run(t, "migrate", "--progress", "none", "--verify", "quick"), 0)
	wantCode(t, runA.wait(), 0)
	connA := pgConn(t, targetA)
	if n := pgInt(t, connA, "SELECT count(*) FROM public.patients"); n != 30000 {
		t.Errorf("the uninterrupted target holds %d patients, want 30000 (20000 + 20000 - 10000 matched)", n)
	}
	if n := pgInt(t, connA, "SELECT count(*) FROM public.visits v JOIN public.patients p ON p.id = v.patient_id AND p.source = 'east'"); n != 5000 {
		t.Errorf("%d west visits resolve to a matched patient owned by the east, want 5000", n)
	}
	for _, q := range []string{
		`SELECT count(*), md5(string_agg(t::text, '|' ORDER BY id)) FROM public.patients t`,
		`SELECT count(*), md5(string_agg(t::text, '|' ORDER BY id)) FROM public.visits t`,
		`SELECT count(*), md5(string_agg(concat_ws(',', legacy_uuid, table_id, source, legacy_key, entity), '|' ORDER BY legacy_uuid)) FROM sluice.legacy_keys`,
		`SELECT table_id, generation, chunk_no, after_key, last_key, rows_read, rows_loaded, rows_rejected,
			rows_inserted, rows_updated, rows_unchanged
			FROM sluice.chunks ORDER BY 1, 2, 3`,
		`SELECT id, rows_loaded, state FROM sluice.tables ORDER BY 1`,
	} {
		if a, b := pgRows(t, connA, q), pgRows(t, connB, q); !slices.Equal(a, b) {
			t.Errorf("the resumed target differs from the uninterrupted one for\n%s\nuninterrupted: %.300q\nresumed:       %.300q", q, a, b)
		}
	}
}

// chunksDone is how many chunks the target's ledger holds (0 before the
// state schema exists).
func chunksDone(conn *pgx.Conn) int64 {
	var n int64
	_ = conn.QueryRow(context.Background(), "SELECT count(*) FROM sluice.chunks").Scan(&n)
	return n
}

// TestKillAndResumeDeleteMissing kills a merge rerun with delete_missing in
// the middle of its chunks: the resumed run still deletes exactly the rows
// whose source row is gone, since the keys seen before the kill were kept
// with their chunks.
func TestKillAndResumeDeleteMissing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := newSQLite(t, filepath.Join(dir, "shop.db"), `CREATE TABLE Items (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000)
INSERT INTO Items SELECT i, 'item ' || i FROM n;`)
	tgt := sluicetest.NewPostgresDB(t)
	writeFile(t, dir, "sluice.yaml", fmt.Sprintf(`version: 1
sources:
  shop: {url: %q}
target: {url: %q}
defaults:
  keys: uuid
  strategy: merge
  delete_missing: true
  chunk_rows: 1000
`, src, tgt))
	in := invocation{dir: dir}
	wantCode(t, in.run(t, "migrate", "--progress", "none", "--verify", "none"), 0)
	execSQLite(t, src, `DELETE FROM Items WHERE Id % 7 = 0; UPDATE Items SET Name = 'changed' WHERE Id % 1000 = 1`)
	conn := pgConn(t, tgt)
	p := in.start(t, "migrate", "--progress", "none", "--verify", "none")
	for !p.exited() && pgInt(t, conn, "SELECT count(*) FROM sluice.chunks WHERE generation = 2") < 10 {
		time.Sleep(2 * time.Millisecond)
	}
	_ = p.signal(syscall.SIGKILL)
	if r := p.wait(); r.code != 128+int(syscall.SIGKILL) {
		t.Logf("the rerun ended before it was killed: %s", r)
	}
	waitForLockRelease(t, conn)
	wantCode(t, in.run(t, "migrate", "--progress", "none"), 0)
	var rows, changed int64
	sqliteQuery(t, src, `SELECT count(*), sum(Name = 'changed') FROM Items`, &rows, &changed)
	want := fmt.Sprintf("%d | %d | 0", rows, changed)
	if got := pgRows(t, conn, `SELECT count(*), count(*) FILTER (WHERE name = 'changed'), count(*) FILTER (WHERE legacy_id % 7 = 0)
		FROM public.items`); !slices.Equal(got, []string{want}) {
		t.Errorf("items holds (rows, changed, deleted ones) %q, want %s", got, want)
	}
	want = fmt.Sprintf("%d | %d", 30000-rows, changed)
	if got := pgRows(t, conn, `SELECT rows_deleted, rows_updated FROM sluice.tables`); !slices.Equal(got, []string{want}) {
		t.Errorf("the table records (deleted, updated) %q, want %s", got, want)
	}
	wantCode(t, in.run(t, "verify"), 0)
}

// sqliteQuery scans the one row of a query on a SQLite source.
func sqliteQuery(t *testing.T, u, query string, dest ...any) {
	t.Helper()
	db, err := sql.Open("sqlite", strings.TrimPrefix(u, "sqlite:"))
	if err != nil {
		t.Fatalf("open %s: %v", u, err)
	}
	defer db.Close()
	if err := db.QueryRow(query).Scan(dest...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}
