package sqlite

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
)

// newDB writes script into a fresh database file through a read-write
// connection of its own, and returns the file's path.
func newDB(t testing.TB, script string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fixture.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatalf("create %s: %v", path, err)
	}
	defer db.Close()
	if _, err := db.Exec(script); err != nil {
		t.Fatalf("run script on %s: %v", path, err)
	}
	return path
}

func fixtureScript(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("testdata/fixture.sql")
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return string(b)
}

// openScript opens a Source on a fresh database built from script.
func openScript(t testing.TB, script string) *Source {
	t.Helper()
	src, err := Open(context.Background(), "lite", "sqlite://"+newDB(t, script))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return src
}

func TestConformance(t *testing.T) {
	sluicetest.RunConformance(t, sluicetest.Harness{
		Engine: "sqlite",
		RowID:  "rowid",
		Open: func(t testing.TB) sluice.Source {
			return openScript(t, fixtureScript(t))
		},
	})
}
