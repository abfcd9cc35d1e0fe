package migrate_test

import (
	"fmt"
	"testing"

	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
)

// itemsScript makes 300 items, some with a NULL quantity, read in chunks of
// 64 so that a rerun crosses several chunks.
const itemsScript = `CREATE TABLE Items (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL, Qty INTEGER);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
INSERT INTO Items SELECT i, 'item ' || i, CASE WHEN i % 10 = 0 THEN NULL ELSE i % 7 END FROM n;`

// Patients of two clinics matched on MRN, for the reruns of a merged table.
const (
	rerunEast = `CREATE TABLE Patients (PatientId INTEGER PRIMARY KEY, MRN TEXT NOT NULL, Name TEXT);
INSERT INTO Patients VALUES (1, 'M1', 'Ann'), (2, 'M2', 'Bo'), (3, 'M3', 'Cy');`
	rerunWest = `CREATE TABLE Patient (Id INTEGER PRIMARY KEY, MRN TEXT NOT NULL, Name TEXT);
INSERT INTO Patient VALUES (10, 'M1', 'Ann'), (40, 'M4', 'Di');`
)

// strategyEnv is a source of items (and the east clinic's patients), the
// west clinic, and a target; yaml renders the config with a strategy and
// delete_missing for the items.
type strategyEnv struct {
	src, west, tgt string
}

func newStrategyEnv(t *testing.T) strategyEnv {
	t.Helper()
	return strategyEnv{
		src:  newSQLite(t, "src", itemsScript+rerunEast),
		west: newSQLite(t, "west", rerunWest),
		tgt:  sluicetest.NewPostgresDB(t),
	}
}

// env prepares a run as a new invocation of the CLI would.
func (s strategyEnv) env(t *testing.T, strategy string, deleteMissing bool) *env {
	t.Helper()
	return newEnv(t, fmt.Sprintf(`version: 1
sources:
  src: {url: %q}
  west: {url: %q}
target: {url: %q}
defaults:
  naming: snake_case
  keys: uuid
  chunk_rows: 64
tables:
  src.Items:
    strategy: %s
    delete_missing: %t
  patients:
    from: [src.Patients, west.Patient]
    match_on: [mrn]
    delete_missing: %t
`, s.src, s.west, s.tgt, strategy, deleteMissing, deleteMissing))
}

// itemCount is how many items the source holds now.
func (s strategyEnv) itemCount(t *testing.T) int64 {
	return int64(len(sourceRows(t, s.src, "SELECT Id FROM Items")))
}

// wantCounts fails unless the table's result has these counts.
func wantCounts(t *testing.T, sum *migrate.Summary, id string, read, inserted, updated, unchanged, deleted int64) {
	t.Helper()
	r := result(t, sum, id)
	want := migrate.TableResult{Read: read, Inserted: inserted, Updated: updated, Unchanged: unchanged, Deleted: deleted}
	if counts(r) != counts(want) {
		t.Errorf("%s: %s, want %s", id, counts(r), counts(want))
	}
}

// TestMergeRerunWritesNothing reruns strategy merge on unchanged sources:
// every row is unchanged, none is written (each keeps its xmin), in a
// single table and in a merged one.
func TestMergeRerunWritesNothing(t *testing.T) {
	t.Parallel()
	s := newStrategyEnv(t)
	e := s.env(t, "merge", false)
	sum := e.mustRun(t, migrate.Options{Verify: allLevels})
	n := s.itemCount(t)
	wantCounts(t, sum, "src.Items", n, n, 0, 0, 0)
	wantCounts(t, sum, "src.Patients", 3, 3, 0, 0, 0)
	wantCounts(t, sum, "west.Patient", 2, 1, 0, 1, 0) // M1 is the east's row: west's, alike, is unchanged
	items, patients := e.xmins(t, "items", "id"), e.xmins(t, "patients", "id")

	e = s.env(t, "merge", false)
	sum = e.mustRun(t, migrate.Options{Verify: allLevels})
	wantCounts(t, sum, "src.Items", n, 0, 0, n, 0)
	wantCounts(t, sum, "src.Patients", 3, 0, 0, 3, 0)
	wantCounts(t, sum, "west.Patient", 2, 0, 0, 2, 0)
	sameXmins(t, "items", e.xmins(t, "items", "id"), items, "")
	sameXmins(t, "patients", e.xmins(t, "patients", "id"), patients, "")
	verifyClean(t, e)
}

// TestMergeRerunUpdatesTheChangedRow changes one source value: that row is
// updated, every other row is left alone.
func TestMergeRerunUpdatesTheChangedRow(t *testing.T) {
	t.Parallel()
	s := newStrategyEnv(t)
	e := s.env(t, "merge", false)
	e.mustRun(t, migrate.Options{})
	before := e.xmins(t, "items", "id")
	execSQLite(t, s.src, `UPDATE Items SET Name = 'renamed' WHERE Id = 77`)
	changed := keyUUID(t, e.plan.Namespace, "src", "Items", int64(77))

	e = s.env(t, "merge", false)
	sum := e.mustRun(t, migrate.Options{Verify: allLevels})
	n := s.itemCount(t)
	wantCounts(t, sum, "src.Items", n, 0, 1, n-1, 0)
	sameXmins(t, "items", e.xmins(t, "items", "id"), before, changed)
	if name := e.text(t, `SELECT name FROM public.items WHERE id = $1`, changed); name != "renamed" {
		t.Errorf("item 77 is named %q, want renamed", name)
	}
	verifyClean(t, e)
}

// TestMergeDeleteMissing deletes a source row: kept without delete_missing,
// deleted with it; a row the application inserted is never deleted.
func TestMergeDeleteMissing(t *testing.T) {
	t.Parallel()
	s := newStrategyEnv(t)
	e := s.env(t, "merge", false)
	e.mustRun(t, migrate.Options{})
	n := s.itemCount(t)
	e.exec(t, `INSERT INTO public.items (id, legacy_id, name) VALUES (gen_random_uuid(), 100000, 'the application''s')`)
	execSQLite(t, s.src, `DELETE FROM Items WHERE Id = 5`)
	execSQLite(t, s.west, `DELETE FROM Patient WHERE Id = 40`)
	gone := keyUUID(t, e.plan.Namespace, "src", "Items", int64(5))

	e = s.env(t, "merge", false)
	sum := e.mustRun(t, migrate.Options{})
	wantCounts(t, sum, "src.Items", n-1, 0, 0, n-1, 0)
	if got := e.int64(t, `SELECT count(*) FROM public.items`); got != n+1 {
		t.Errorf("without delete_missing items holds %d rows, want %d", got, n+1)
	}
	if got := e.int64(t, `SELECT count(*) FROM public.patients WHERE mrn = 'M4'`); got != 1 {
		t.Errorf("without delete_missing patient M4 is there %d times, want 1", got)
	}
	verifyClean(t, e) // rows kept by a merge without delete_missing are no finding

	e = s.env(t, "merge", true)
	sum = e.mustRun(t, migrate.Options{Verify: allLevels})
	wantCounts(t, sum, "src.Items", n-1, 0, 0, n-1, 1)
	wantCounts(t, sum, "west.Patient", 1, 0, 0, 1, 1)
	if got := e.int64(t, `SELECT count(*) FROM public.items WHERE id = $1`, gone); got != 0 {
		t.Errorf("item 5 is still there after its source row was deleted")
	}
	if got := e.int64(t, `SELECT count(*) FROM public.items WHERE sluice_row_hash IS NULL AND name = 'the application''s'`); got != 1 {
		t.Errorf("the application's row is gone")
	}
	if got := e.int64(t, `SELECT count(*) FROM public.items`); got != n {
		t.Errorf("items holds %d rows, want %d (the source's %d and the application's)", got, n, n-1)
	}
	sameSet(t, "patients", e.rows(t, `SELECT mrn FROM public.patients`), []string{"M1", "M2", "M3"})
	if got := e.int64(t, `SELECT count(*) FROM sluice.legacy_keys WHERE source = 'west'`); got != 1 {
		t.Errorf("%d legacy keys of west, want 1 (M1)", got)
	}
}

// TestAppendInsertsOnlyNewRows adds a source row and changes another:
// append inserts the new one and leaves the changed one as it was.
func TestAppendInsertsOnlyNewRows(t *testing.T) {
	t.Parallel()
	s := newStrategyEnv(t)
	e := s.env(t, "append", false)
	e.mustRun(t, migrate.Options{})
	n := s.itemCount(t)
	before := e.xmins(t, "items", "id")
	execSQLite(t, s.src, `UPDATE Items SET Name = 'renamed' WHERE Id = 9; INSERT INTO Items VALUES (1000, 'new', 1)`)
	added := keyUUID(t, e.plan.Namespace, "src", "Items", int64(1000))

	e = s.env(t, "append", false)
	sum := e.mustRun(t, migrate.Options{})
	wantCounts(t, sum, "src.Items", n+1, 1, 0, n, 0)
	if name := e.text(t, `SELECT name FROM public.items WHERE legacy_id = 9`); name != "item 9" {
		t.Errorf("append changed item 9 to %q", name)
	}
	if name := e.text(t, `SELECT name FROM public.items WHERE id = $1`, added); name != "new" {
		t.Errorf("the new item is %q, want new", name)
	}
	after := e.xmins(t, "items", "id")
	delete(after, added)
	sameXmins(t, "items", after, before, "")
	// What the CLI's migrate checks by default: the row append kept as it
	// was is what append promises, not a finding.
	verifyClean(t, e)
}

// sameXmins fails unless every row kept its xmin, except the one changed
// (whose xmin must differ); "" expects none changed.
func sameXmins(t *testing.T, table string, got, before map[string]string, changed string) {
	t.Helper()
	if len(got) != len(before) {
		t.Errorf("%s holds %d rows, had %d", table, len(got), len(before))
	}
	rewritten := 0
	for id, x := range before {
		switch {
		case id == changed && got[id] == x:
			t.Errorf("%s: the changed row %s was not rewritten", table, id)
		case id != changed && got[id] != x:
			rewritten++
		}
	}
	if rewritten > 0 {
		t.Errorf("%s: %d unchanged rows were rewritten (their xmin changed)", table, rewritten)
	}
}
