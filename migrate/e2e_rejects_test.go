package migrate_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
)

// badValuesScript plants one bad value per row in rows 2, 4 and 6; sql_mode
// ” lets MySQL store a zero date.
const badValuesScript = `SET SESSION sql_mode = '';
CREATE TABLE items (id int PRIMARY KEY, active tinyint(1) NOT NULL, code varchar(10), born date);
INSERT INTO items VALUES
  (1, 1, 'abc', '2020-01-01'),
  (2, 2, 'abc', '2020-01-02'),
  (3, 0, 'ab',  '2020-01-03'),
  (4, 0, 'abcdef', '2020-01-04'),
  (5, 1, NULL, NULL),
  (6, 0, 'xyz', '0000-00-00'),
  (7, 1, 'q', '1999-12-31');`

// wantRejects are the planted bad values: key, target column, raw text and
// a word of the reason.
var wantRejects = [][4]string{
	{"2", "active", "2", "2"},
	{"4", "code", "abcdef", "varchar(3)"},
	{"6", "born", "0000-00-00", "0000-00-00"},
}

// TestRejectsAreRecorded loads a table with planted bad values: each bad row
// lands in sluice.rejects with its key, column and reason, the others load,
// and the run fails unless MaxRejects allows the rejects.
func TestRejectsAreRecorded(t *testing.T) {
	t.Parallel()
	src := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, src, badValuesScript)
	for _, allowed := range []int64{0, 2, 3} {
		t.Run(fmt.Sprintf("max_rejects_%d", allowed), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, fmt.Sprintf(`version: 1
sources:
  legacy: {url: %q}
target: {url: %q}
tables:
  legacy.items:
    columns:
      code: {type: varchar(3)}
`, src, sluicetest.NewPostgresDB(t)))
			sum, err := e.run(context.Background(), migrate.Options{MaxRejects: allowed})
			checkRejectedError(t, err, allowed)
			checkRejectedCounts(t, e, sum)
			checkRejectRows(t, e)
			if rejected := compareTable(t, e, e.table(t, "items")); rejected != len(wantRejects) {
				t.Errorf("the mapping rejects %d rows, the run %d", rejected, len(wantRejects))
			}
		})
	}
}

func checkRejectedError(t *testing.T, err error, allowed int64) {
	t.Helper()
	var rej *sluice.RejectedError
	if allowed >= int64(len(wantRejects)) {
		if err != nil {
			t.Fatalf("run with %d rejects allowed: %v", allowed, err)
		}
		return
	}
	if !errors.As(err, &rej) || rej.Rejected != int64(len(wantRejects)) || rej.Allowed != allowed {
		t.Fatalf("run with %d rejects allowed returned %v, want *sluice.RejectedError of %d rows", allowed, err, len(wantRejects))
	}
}

// checkRejectedCounts proves the table reconciles: 7 read = 4 loaded + 3
// rejected, and the target holds the 4 good rows.
func checkRejectedCounts(t *testing.T, e *env, sum *migrate.Summary) {
	t.Helper()
	if sum == nil || len(sum.Tables) != 1 {
		t.Fatalf("summary %+v", sum)
	}
	r := sum.Tables[0]
	if r.SourceRows != 7 || r.Read != 7 || r.Loaded != 4 || r.Rejected != 3 || sum.Rejected != 3 || len(sum.Rejects) != 3 {
		t.Errorf("result %+v (run: %d rejected), want 7 read, 4 loaded, 3 rejected", r, sum.Rejected)
	}
	if ids := e.text(t, "SELECT string_agg(id::text, ',' ORDER BY id) FROM items"); ids != "1,3,5,7" {
		t.Errorf("items holds ids %s, want 1,3,5,7", ids)
	}
	if n := e.int64(t, "SELECT rows_source - rows_loaded - rows_rejected FROM sluice.tables WHERE id = 'legacy.items'"); n != 0 {
		t.Errorf("sluice.tables leaves %d rows unaccounted for", n)
	}
}

// checkRejectRows reads sluice.rejects: one row per bad value, naming it.
func checkRejectRows(t *testing.T, e *env) {
	t.Helper()
	rows, err := e.db.Query(context.Background(), `SELECT row_key, column_name, raw_text, reason, table_id, source_table
		FROM sluice.rejects ORDER BY row_key`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i := 0
	for ; rows.Next(); i++ {
		var key, col, raw, reason, table, srcTable string
		if err := rows.Scan(&key, &col, &raw, &reason, &table, &srcTable); err != nil {
			t.Fatal(err)
		}
		if i >= len(wantRejects) {
			t.Errorf("unexpected reject %s %s %q: %s", key, col, raw, reason)
			continue
		}
		w := wantRejects[i]
		if key != w[0] || col != w[1] || raw != w[2] || table != "legacy.items" || srcTable != "items" || !strings.Contains(reason, w[3]) {
			t.Errorf("reject %d: key %s column %s raw %q table %s/%s reason %q; want key %s column %s raw %q, a reason with %q",
				i, key, col, raw, table, srcTable, reason, w[0], w[1], w[2], w[3])
		}
	}
	if i != len(wantRejects) {
		t.Errorf("%d rejects stored, want %d", i, len(wantRejects))
	}
}
