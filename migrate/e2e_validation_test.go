package migrate_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/target"
)

// TestSourceChangedDuringLoad inserts a row behind the load's position
// after the first chunk: the keyset read never sees it, so the counts cannot
// reconcile and the run must say which table failed.
func TestSourceChangedDuringLoad(t *testing.T) {
	t.Parallel()
	src := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, src, `CREATE TABLE items (id int PRIMARY KEY, name varchar(20));
INSERT INTO items SELECT a.d * 10 + b.d * 100 + 10, CONCAT('item ', a.d, b.d)
FROM (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
      UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) a
CROSS JOIN (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
      UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) b;`)
	writer, err := sql.Open("mysql", sluicetest.MySQLDSN(t, src))
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	e := newEnv(t, fmt.Sprintf(`version: 1
sources:
  legacy: {url: %q}
target: {url: %q}
defaults: {chunk_rows: 10}
`, src, sluicetest.NewPostgresDB(t)))

	var once sync.Once
	p := &probe{onChunk: func(string, int64) {
		once.Do(func() {
			if _, err := writer.Exec("INSERT INTO items VALUES (5, 'late')"); err != nil {
				t.Errorf("insert behind the load: %v", err)
			}
		})
	}}
	_, err = e.run(context.Background(), migrate.Options{Observer: p})
	var val *sluice.ValidationError
	if !errors.As(err, &val) || val.Table != "legacy.items" || !strings.Contains(val.Detail, "101") {
		t.Fatalf("run returned %v, want a *sluice.ValidationError for legacy.items counting 101 source rows", err)
	}
	st, err := e.tgt.TableState(context.Background(), "legacy.items")
	if err != nil || st == nil || st.State != target.StateFailed || !strings.Contains(st.Message, "101") {
		t.Errorf("table state %+v (err %v), want failed with the detail", st, err)
	}
	if s := e.text(t, "SELECT status FROM sluice.runs ORDER BY run_id DESC LIMIT 1"); s != "invalid" {
		t.Errorf("the run is recorded as %q, want invalid", s)
	}
	// A rerun starts the failed table afresh, in a new generation, and now
	// finds what the source holds.
	sum := e.mustRun(t, migrate.Options{})
	if r := sum.Tables[0]; r.Loaded != 101 || r.SourceRows != 101 {
		t.Errorf("the rerun: %+v, want 101 rows", r)
	}
	if n := e.int64(t, "SELECT generation FROM sluice.tables WHERE id = 'legacy.items'"); n != 2 {
		t.Errorf("the rerun loaded generation %d, want 2", n)
	}
	checkLedger(t, e, "legacy.items", 101)
}
