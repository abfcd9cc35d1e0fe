package migrate_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
)

// Rows of 1 MiB each, read with the default chunk_rows and chunk_bytes of
// 8 MiB: every chunk ends at the row that passes 8 MiB, whatever chunk_rows
// says, so the table loads in wideRows/8 chunks, and a load interrupted
// among them resumes exactly.
const (
	wideRows   = 40
	wideChunks = 5 // 8 rows of 1 MiB pass 8 MiB (sluice.RowSize counts a little more than the text)
)

func wideYAML(src, tgt string) string {
	return fmt.Sprintf(`version: 1
sources:
  legacy: {url: %q}
target: {url: %q}
defaults:
  chunk_bytes: 8MiB
`, src, tgt)
}

// wideMySQL makes a table of 1 MiB rows with a key, and the same rows in a
// table without one, which is read in one streaming pass cut into chunks.
func wideMySQL(t *testing.T) string {
	src := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, src, fmt.Sprintf(`
		CREATE TABLE wide (id int NOT NULL PRIMARY KEY, body longtext NOT NULL);
		INSERT INTO wide SELECT seq, REPEAT(MD5(seq), 32768) FROM seq_1_to_%d;
		CREATE TABLE heap (id int NOT NULL, body longtext NOT NULL);
		INSERT INTO heap SELECT id, body FROM wide;`, wideRows))
	return src
}

func widePostgres(t *testing.T) string {
	src := sluicetest.NewPostgresDB(t)
	sluicetest.ExecPostgres(t, src, fmt.Sprintf(`
		CREATE TABLE wide (id int NOT NULL PRIMARY KEY, body text NOT NULL);
		INSERT INTO wide SELECT g, repeat(md5(g::text), 32768) FROM generate_series(1, %d) g;
		CREATE TABLE heap (id int NOT NULL, body text NOT NULL);
		INSERT INTO heap SELECT id, body FROM wide;`, wideRows))
	return src
}

func TestChunksCutByBytes(t *testing.T) {
	t.Parallel()
	for name, source := range map[string]func(*testing.T) string{"mysql": wideMySQL, "postgres": widePostgres} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, wideYAML(source(t), sluicetest.NewPostgresDB(t)))
			// Verify reads the source in the same byte-bounded chunks
			// (a table without a key in one pass cut into chunks) and
			// compares every value: a finding fails the run.
			sum := e.mustRun(t, migrate.Options{Verify: allLevels})
			for _, r := range sum.Tables {
				if r.Loaded != wideRows || r.Read != wideRows {
					t.Errorf("%s: read %d, loaded %d; want %d each", r.ID, r.Read, r.Loaded, wideRows)
				}
			}
			for _, id := range []string{"legacy.wide", "legacy.heap"} {
				checkWide(t, e, id)
			}
		})
	}
}

// checkWide proves a wide table loaded in chunks of at most 8 rows, each
// row once with its exact text.
func checkWide(t *testing.T, e *env, id string) {
	t.Helper()
	checkLedger(t, e, id, wideRows)
	gen := e.int64(t, "SELECT generation FROM sluice.tables WHERE id = $1", id)
	if n := e.int64(t, "SELECT count(*) FROM sluice.chunks WHERE table_id = $1 AND generation = $2", id, gen); n != wideChunks {
		t.Errorf("%s loaded in %d chunks, want %d (cut by chunk_bytes)", id, n, wideChunks)
	}
	if n := e.int64(t, "SELECT max(rows_read) FROM sluice.chunks WHERE table_id = $1 AND generation = $2", id, gen); n > 8 {
		t.Errorf("%s: a chunk read %d rows of 1 MiB, over the 8 MiB budget", id, n)
	}
	table := id[len("legacy."):]
	q := fmt.Sprintf(`SELECT count(*) FROM %s WHERE body = repeat(md5(id::text), 32768)`, table)
	if n := e.int64(t, q); n != wideRows {
		t.Errorf("%s: %d rows hold their exact text, want %d", table, n, wideRows)
	}
	if n := e.int64(t, fmt.Sprintf(`SELECT count(DISTINCT id) FROM %s`, table)); n != wideRows {
		t.Errorf("%s: %d distinct rows, want %d", table, n, wideRows)
	}
}

// TestWideResume interrupts a load of wide rows after two chunks of each
// table: the keyed table resumes after its last chunk, the keyless one
// loads again from the start in a new generation; both end exact.
func TestWideResume(t *testing.T) {
	t.Parallel()
	for name, source := range map[string]func(*testing.T) string{"mysql": wideMySQL, "postgres": widePostgres} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, wideYAML(source(t), sluicetest.NewPostgresDB(t)))
			interruptAfter(t, e, 2)
			p := &probe{}
			e.mustRun(t, migrate.Options{Observer: p})
			if _, ok := p.resumedTables()["legacy.wide"]; !ok {
				t.Errorf("the second run did not resume legacy.wide (resumed: %v)", p.resumedTables())
			}
			for _, id := range []string{"legacy.wide", "legacy.heap"} {
				checkWide(t, e, id)
			}
			if n := e.int64(t, "SELECT count(DISTINCT run_id) FROM sluice.chunks WHERE table_id = 'legacy.wide'"); n != 2 {
				t.Errorf("legacy.wide's chunks were committed by %d runs, want 2 (resumed)", n)
			}
			// MySQL has no row id: its heap is read in one pass and starts
			// over in generation 2; PostgreSQL pages it by ctid and resumes.
			want := map[string]int64{"mysql": 2, "postgres": 1}[name]
			if g := e.int64(t, "SELECT generation FROM sluice.tables WHERE id = 'legacy.heap'"); g != want {
				t.Errorf("legacy.heap is in generation %d after the rerun, want %d", g, want)
			}
		})
	}
}

// interruptAfter cancels a run once every table committed n chunks. A
// table that gets there first waits for the others in its loader (where
// the observer is called), so that none finishes before the cancel; the
// wait ends with the test's deadline at the latest.
func interruptAfter(t *testing.T, e *env, n int64) {
	t.Helper()
	limit := time.Hour
	if d, ok := t.Deadline(); ok {
		limit = time.Until(d) / 2
	}
	interrupt(t, e, func(cancel func()) *probe {
		seen := map[string]int64{}
		done := 0
		all := make(chan struct{})
		p := &probe{}
		p.onChunk = func(id string, _ int64) {
			p.mu.Lock()
			seen[id]++
			hit := seen[id] == n
			if hit {
				if done++; done == len(e.plan.Tables) {
					cancel()
					close(all)
				}
			}
			p.mu.Unlock()
			if hit {
				select {
				case <-all:
				case <-time.After(limit):
				}
			}
		}
		return p
	})
	for _, pt := range e.plan.Tables {
		if got := e.int64(t, "SELECT count(*) FROM sluice.chunks WHERE table_id = $1", pt.ID); got < n || got >= wideChunks {
			t.Fatalf("the interrupted run committed %d chunks of %s; the test needs a partial load", got, pt.ID)
		}
	}
}

// TestMergedKeylessPartIsOneChunk merges two MySQL tables whose primary key
// cannot be paged by (an ENUM column): a part of a merged table is not
// streamed in chunks (a restart could not empty the rows the other part
// wrote), so each part is read whole, in one chunk, whatever chunk_rows
// says, and every row loads.
func TestMergedKeylessPartIsOneChunk(t *testing.T) {
	t.Parallel()
	east, west := sluicetest.NewMySQLDB(t), sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, east, `CREATE TABLE log (at int NOT NULL, kind ENUM('z','a') NOT NULL, note varchar(10), PRIMARY KEY (at, kind));
		INSERT INTO log VALUES (1,'z','a1'), (1,'a','a2'), (2,'z','a3'), (2,'a','a4'), (3,'z','a5');`)
	sluicetest.ExecMySQL(t, west, `CREATE TABLE log (at int NOT NULL, kind ENUM('z','a') NOT NULL, note varchar(10), PRIMARY KEY (at, kind));
		INSERT INTO log VALUES (1,'z','b1'), (2,'a','b2'), (3,'z','b3');`)
	e := newEnv(t, fmt.Sprintf(`version: 1
sources:
  east: {url: %q}
  west: {url: %q}
target: {url: %q}
defaults:
  chunk_rows: 2
tables:
  log: {from: [east.log, west.log]}
`, east, west, sluicetest.NewPostgresDB(t)))
	sum := e.mustRun(t, migrate.Options{Verify: allLevels})
	want := map[string]int64{"east.log": 5, "west.log": 3}
	for _, r := range sum.Tables {
		if r.Loaded != want[r.ID] || r.Read != want[r.ID] {
			t.Errorf("%s: read %d, loaded %d; want %d each", r.ID, r.Read, r.Loaded, want[r.ID])
		}
		if n := e.int64(t, "SELECT count(*) FROM sluice.chunks WHERE table_id = $1", r.ID); n != 1 {
			t.Errorf("%s loaded in %d chunks, want 1", r.ID, n)
		}
	}
	if n := e.int64(t, "SELECT count(DISTINCT note) FROM log"); n != 8 {
		t.Errorf("log holds %d distinct rows, want 8", n)
	}
}
