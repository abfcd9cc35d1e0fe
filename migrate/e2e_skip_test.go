package migrate_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
)

// skipEnv is a MariaDB source of 50 items read in chunks of 10, merged into
// a fresh target on every run of the config.
type skipEnv struct{ src, yaml string }

func newSkipEnv(t *testing.T) skipEnv {
	t.Helper()
	src := sluicetest.NewMySQLDB(t)
	var rows []string
	for i := 1; i <= 50; i++ {
		rows = append(rows, fmt.Sprintf("(%d, 'item %d', %d.25)", i*10, i, i))
	}
	sluicetest.ExecMySQL(t, src, `CREATE TABLE Items (ItemID INT PRIMARY KEY, Name VARCHAR(40) NULL, Price DECIMAL(8,2) NOT NULL);
		INSERT INTO Items VALUES `+strings.Join(rows, ", "))
	yaml := fmt.Sprintf(`version: 1
sources:
  src: {url: %q}
target: {url: %q}
defaults: {keys: uuid, strategy: merge, chunk_rows: 10}
`, src, sluicetest.NewPostgresDB(t))
	return skipEnv{src: src, yaml: yaml}
}

// skippedChunks counts the chunks of the run's audit entries that were
// recorded without being read.
func skippedChunks(t *testing.T, e *env, runID int64) int64 {
	t.Helper()
	return e.int64(t, `SELECT count(*) FROM sluice.audit WHERE run_id = $1 AND operation = 'chunk.commit'
		AND details->>'skipped' = 'true'`, runID)
}

// TestMergeRerunSkipsUnchangedChunks: once a rerun recorded the source's
// digests, the next reads only the chunks whose rows changed in the source; a change that moves chunk boundaries makes
// every later chunk read again; the target matches the source throughout.
func TestMergeRerunSkipsUnchangedChunks(t *testing.T) {
	t.Parallel()
	s := newSkipEnv(t)
	opts := migrate.Options{Verify: allLevels}
	e := newEnv(t, s.yaml)
	e.mustRun(t, opts)

	// The first rerun reads every chunk (the first load recorded no
	// digests); the next one reads none.
	for run, want := range []int64{0, 5} {
		e = newEnv(t, s.yaml)
		sum := e.mustRun(t, opts)
		wantCounts(t, sum, "src.Items", 50, 0, 0, 50, 0)
		if n := skippedChunks(t, e, sum.RunID); n != want {
			t.Errorf("unchanged rerun %d skipped %d of 5 chunks, want %d", run+1, n, want)
		}
	}

	sluicetest.ExecMySQL(t, s.src, "UPDATE Items SET Name = NULL WHERE ItemID = 230")
	e = newEnv(t, s.yaml)
	sum := e.mustRun(t, opts)
	wantCounts(t, sum, "src.Items", 50, 0, 1, 49, 0)
	if n := skippedChunks(t, e, sum.RunID); n != 4 {
		t.Errorf("a change in chunk 3: %d chunks skipped, want the other 4", n)
	}
	if got := e.text(t, "SELECT coalesce(name, '<NULL>') FROM items WHERE legacy_id = 230"); got != "<NULL>" {
		t.Errorf("item 230 is named %q in the target, want NULL", got)
	}
	// The chunk read again recorded its new digest: the next run skips it.
	e = newEnv(t, s.yaml)
	sum = e.mustRun(t, opts)
	if n := skippedChunks(t, e, sum.RunID); n != 5 {
		t.Errorf("after the change was merged: %d chunks skipped, want 5", n)
	}

	// A new row inside chunk 2's range shifts every later boundary by one.
	sluicetest.ExecMySQL(t, s.src, "INSERT INTO Items VALUES (155, 'item 15.5', 1.00)")
	e = newEnv(t, s.yaml)
	sum = e.mustRun(t, opts)
	wantCounts(t, sum, "src.Items", 51, 1, 0, 50, 0)
	if n := skippedChunks(t, e, sum.RunID); n != 1 {
		t.Errorf("an insert in chunk 2: %d chunks skipped, want only chunk 1", n)
	}
}
