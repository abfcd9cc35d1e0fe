package sqlserver_test

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
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
	w, err := sql.Open("sqlserver", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return src, w
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

func snapshotOf(t testing.TB, src *sqlserver.Source, spec sluice.CaptureSpec) sluice.Snapshot {
	t.Helper()
	snap, err := src.Snapshot(context.Background(), spec)
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	return snap
}

// positionNow is the position of a snapshot taken and closed at once.
func positionNow(t testing.TB, src *sqlserver.Source, spec sluice.CaptureSpec) sluice.Position {
	t.Helper()
	snap := snapshotOf(t, src, spec)
	defer snap.Close()
	return snap.Position()
}

func changesFrom(t testing.TB, src *sqlserver.Source, spec sluice.CaptureSpec, from sluice.Position) sluice.ChangeStream {
	t.Helper()
	st, err := src.Changes(context.Background(), spec, from)
	if err != nil {
		t.Fatalf("changes: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// waitLimit bounds a wait for changes by the test's deadline: a real
// server's capture job harvests every few seconds.
func waitLimit(t testing.TB) time.Duration {
	if d, ok := t.(*testing.T).Deadline(); ok {
		return time.Until(d) * 3 / 4
	}
	return 5 * time.Minute
}

// nextChanges reads changes, heartbeats left out, until stop says so.
func nextChanges(t testing.TB, st sluice.ChangeStream, stop func(sluice.Change) bool) []sluice.Change {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit(t))
	defer cancel()
	var out []sluice.Change
	for {
		c, err := st.Next(ctx)
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("no end of the expected changes before the test's deadline; got %d: %v", len(out), kinds(out))
		}
		if err != nil {
			t.Fatalf("next: %v", err)
		}
		if c.Kind != sluice.ChangeHeartbeat {
			out = append(out, c)
		}
		if stop(c) {
			return out
		}
	}
}

// transactions reads n transactions, heartbeats left out.
func transactions(t testing.TB, st sluice.ChangeStream, n int) []sluice.Change {
	t.Helper()
	seen := 0
	return nextChanges(t, st, func(c sluice.Change) bool {
		if c.Kind == sluice.ChangeCommit {
			seen++
		}
		return seen == n
	})
}

func kinds(cs []sluice.Change) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Kind.String() + " " + c.Table
	}
	return out
}

func readAll(t testing.TB, src sluice.Source, table string, cols, key []string) [][]any {
	t.Helper()
	it, err := src.Read(context.Background(), sluice.ReadRequest{Table: table, Columns: cols, Key: key})
	if err != nil {
		t.Fatalf("read %s: %v", table, err)
	}
	defer it.Close()
	var rows [][]any
	for it.Next() {
		rows = append(rows, it.Values())
	}
	if err := it.Err(); err != nil {
		t.Fatalf("read %s: %v", table, err)
	}
	return rows
}

// compareChanges checks kinds, tables and row images, and that
// transactions come in position order with a Begin and Commit of the same
// position and id.
func compareChanges(t *testing.T, got, want []sluice.Change) {
	t.Helper()
	var begin sluice.Change
	var last sluice.Position
	for i := 0; i < len(got) && i < len(want); i++ {
		g, w := got[i], want[i]
		if g.Kind != w.Kind || g.Table != w.Table || !reflect.DeepEqual(g.Before, w.Before) || !reflect.DeepEqual(g.After, w.After) {
			t.Fatalf("change %d: got %v %s before %v after %v, want %v %s before %v after %v",
				i, g.Kind, g.Table, g.Before, g.After, w.Kind, w.Table, w.Before, w.After)
		}
		switch g.Kind {
		case sluice.ChangeBegin:
			begin = g
			if last != nil {
				if c, err := g.Position.Compare(last); err != nil || c <= 0 {
					t.Fatalf("transaction %s at %s does not follow the one at %s", g.TxID, g.Position, last)
				}
			}
		case sluice.ChangeCommit:
			if c, _ := g.Position.Compare(begin.Position); c != 0 || g.TxID != begin.TxID || !g.Time.Equal(begin.Time) {
				t.Fatalf("commit %s at %s ends begin %s at %s", g.TxID, g.Position, begin.TxID, begin.Position)
			}
			last = g.Position
		}
	}
	if len(got) != len(want) {
		t.Fatalf("got %d changes, want %d", len(got), len(want))
	}
}
