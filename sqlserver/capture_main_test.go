package sqlserver_test

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/sluicetest/tds"
	"github.com/sluicedb/sluice/sqlserver"
)

// captureScript builds the mix's tables (sluicetest.MixSchema) in a
// database that allows snapshot isolation, with change data capture on
// the database and each table when cdc is set. It runs on the TDS test
// server and on a real SQL Server.
func captureScript(cdc bool, extra string) string {
	s := `CREATE DATABASE Capture
GO
ALTER DATABASE Capture SET ALLOW_SNAPSHOT_ISOLATION ON
GO
USE Capture
GO
` + sluicetest.MixSchema + "\n" + extra + "\nGO\n"
	if cdc {
		s += "EXEC sys.sp_cdc_enable_db\nGO\n"
		for _, t := range []string{"a", "b", "c"} {
			s += "EXEC sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N'" + t + "', @role_name = NULL\nGO\n"
		}
	}
	return s
}

// server is where a capture test runs: the TDS test server, or the real
// SQL Server of SLUICE_TEST_SQLSERVER_URL.
type server struct {
	real bool
}

// fixture builds script and returns the source and a writer on it.
func (sv server) fixture(t *testing.T, script string) (*sqlserver.Source, *sql.DB) {
	t.Helper()
	var url string
	if sv.real {
		url = sluicetest.RealSQLServerFixture(t, script)
	} else {
		dbs, err := tds.LoadScript(script)
		if err != nil {
			t.Fatalf("load fixture: %v", err)
		}
		url = sluicetest.StartTDS(t, dbs[0].Name, dbs...)
	}
	src := openSource(t, url)
	t.Cleanup(func() { src.Close() })
	return src, openWriter(t, url)
}

// openWriter opens a client that writes on the source, closed when the
// test ends.
func openWriter(t testing.TB, url string) *sql.DB {
	t.Helper()
	w, err := sql.Open("sqlserver", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

func execAll(t testing.TB, w *sql.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := w.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// runMix runs n transactions of mix (n < 17: the mix's 17th truncates,
// which SQL Server refuses on a table with change data capture) and
// returns the changes they must stream: an update of a key column is a
// delete and an insert.
func runMix(t testing.TB, w *sql.DB, mix *sluicetest.Mix, n int) []sluice.Change {
	t.Helper()
	if n >= 17 {
		t.Fatalf("a mix of %d transactions truncates", n)
	}
	var want []sluice.Change
	for range n {
		tx := mix.Next()
		execAll(t, w, "BEGIN TRANSACTION; "+strings.Join(tx.Statements, "; ")+"; COMMIT TRANSACTION")
		want = append(want, sluice.Change{Kind: sluice.ChangeBegin})
		for _, c := range tx.Changes {
			if c.KeyChanged {
				want = append(want, sluice.Change{Kind: sluice.ChangeDelete, Table: c.Table, Before: c.Old},
					sluice.Change{Kind: sluice.ChangeInsert, Table: c.Table, After: c.New})
				continue
			}
			want = append(want, sluice.Change{Kind: c.Kind, Table: c.Table, Before: c.Old, After: c.New})
		}
		want = append(want, sluice.Change{Kind: sluice.ChangeCommit})
	}
	return want
}

var mixSpec = sluice.CaptureSpec{Name: "mix", Tables: []string{"a", "b", "c"}}

// positionNow is the position of a snapshot taken and closed at once.
func positionNow(t testing.TB, src *sqlserver.Source, spec sluice.CaptureSpec) sluice.Position {
	t.Helper()
	snap := sluicetest.SnapshotOf(t, src, spec)
	defer snap.Close()
	return snap.Position()
}

// waitLimit bounds a wait for changes by the test's deadline: a real
// server's capture job harvests every few seconds.
func waitLimit(t *testing.T) time.Duration {
	if d, ok := t.Deadline(); ok {
		return time.Until(d) * 3 / 4
	}
	return 5 * time.Minute
}
