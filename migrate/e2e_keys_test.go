package migrate_test

import (
	"fmt"
	"testing"

	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
)

// Keys that keyset pagination cannot walk must not be paged by: MySQL sorts
// an ENUM by member position but compares it with a text bound as text, and
// compares BIT with a byte string as a number, and widens FLOAT to compare it
// with a double. With small chunks, paging by
// them loaded a row twice and skipped another (found in review); such tables
// now fall back to another unique key, or to one chunk.
func TestUnpageableKeysLoadEveryRowOnce(t *testing.T) {
	t.Parallel()
	src := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, src, `
		CREATE TABLE e (id int NOT NULL, kind ENUM('z','m','a') NOT NULL, note varchar(10), PRIMARY KEY (id, kind));
		INSERT INTO e VALUES (1,'z','first'), (1,'m','second'), (1,'a','third'), (2,'z','fourth'), (2,'a','fifth');
		CREATE TABLE b (flags BIT(8) NOT NULL PRIMARY KEY, note varchar(10));
		INSERT INTO b VALUES (b'00000001','one'), (b'00000010','two'), (b'00000100','four'), (b'10000000','high');
		CREATE TABLE f (k FLOAT NOT NULL PRIMARY KEY, note varchar(10));
		INSERT INTO f VALUES (0.1,'a'), (0.2,'b'), (0.3,'c'), (0.4,'d'), (0.5,'e');`)
	e := newEnv(t, fmt.Sprintf(`version: 1
sources:
  legacy: {url: %q}
target: {url: %q}
defaults:
  chunk_rows: 2
`, src, sluicetest.NewPostgresDB(t)))
	sum := e.mustRun(t, migrate.Options{})
	want := map[string]int64{"e": 5, "b": 4, "f": 5}
	for _, r := range sum.Tables {
		if r.Loaded != want[r.Target] || r.Read != want[r.Target] {
			t.Errorf("%s: read %d, loaded %d; want %d each", r.ID, r.Read, r.Loaded, want[r.Target])
		}
	}
	if n := e.int64(t, "SELECT count(DISTINCT note) FROM e"); n != 5 {
		t.Errorf("e holds %d distinct rows, want 5", n)
	}
	if n := e.int64(t, "SELECT count(DISTINCT note) FROM f"); n != 5 {
		t.Errorf("f holds %d distinct rows, want 5", n)
	}
	if n := e.int64(t, "SELECT count(DISTINCT note) FROM b"); n != 4 {
		t.Errorf("b holds %d distinct rows, want 4", n)
	}
}
