package target

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
)

// narrow runs the copier alone over rows in a transaction that is rolled
// back, and returns it for its counts.
func narrow(t *testing.T, tg *Target, c *ChunkLoad) *copier {
	t.Helper()
	ctx := context.Background()
	tx, err := tg.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	cp := &copier{tx: tx, c: c}
	if err := cp.load(ctx, 0, len(c.Rows)); err != nil {
		t.Fatal(err)
	}
	return cp
}

func TestCopierSendsGoodRowsOnceAndNarrowsBadOnesCheaply(t *testing.T) {
	t.Parallel()
	tg, conn := newTarget(t)
	mustExec(t, conn, `CREATE TABLE parent (id int PRIMARY KEY); INSERT INTO parent VALUES (1);
		CREATE TABLE t (id int PRIMARY KEY, code varchar(3), parent_id int REFERENCES parent)`)
	const n = 1000
	chunk := func(bad map[int]string) *ChunkLoad {
		c := &ChunkLoad{Schema: "public", Table: "t", Columns: []string{"id", "code", "parent_id"}}
		for i := range n {
			row := []any{int32(i), "abc", int32(1)}
			switch bad[i] {
			case "long":
				row[1] = "toolong"
			case "fk":
				row[2] = int32(2)
			}
			c.Rows = append(c.Rows, row)
		}
		c.KeyOf = func(i int) string { return fmt.Sprint(i) }
		return c
	}
	cases := []struct {
		name                 string
		bad                  map[int]string
		maxAttempts, maxSent int
	}{
		{"clean", nil, 1, n},
		{"rows named by the error", map[int]string{100: "long", 900: "long"}, 8, 3 * n},
		{"foreign key, bisected", map[int]string{500: "fk"}, 24, 4 * n},
	}
	for _, tc := range cases {
		cp := narrow(t, tg, chunk(tc.bad))
		if cp.loaded != n-len(tc.bad) || len(cp.rejects) != len(tc.bad) {
			t.Errorf("%s: loaded %d, rejected %d", tc.name, cp.loaded, len(cp.rejects))
		}
		for _, r := range cp.rejects {
			var i int
			fmt.Sscan(r.Key, &i)
			if tc.bad[i] == "" {
				t.Errorf("%s: row %s rejected: %s", tc.name, r.Key, r.Reason)
			}
		}
		t.Logf("%s: %d COPYs, %d rows sent", tc.name, cp.attempts, cp.sent)
		if cp.attempts > tc.maxAttempts || cp.sent > tc.maxSent {
			t.Errorf("%s: %d COPYs sent %d rows, want at most %d and %d", tc.name, cp.attempts, cp.sent, tc.maxAttempts, tc.maxSent)
		}
	}
}

func TestCopyContext(t *testing.T) {
	cases := []struct {
		where  string
		line   int
		column string
	}{
		{"COPY codes, line 2, column code", 2, "code"},
		{"COPY codes, line 17", 17, ""},
		{"COPY weird, line name, line 3, column a, b", 3, "a, b"},
		{"PL/pgSQL function f() line 3 at RAISE\nCOPY t, line 9, column x", 9, "x"},
		{"SQL statement \"SELECT 1\"", 0, ""},
		{"", 0, ""},
	}
	for _, tc := range cases {
		line, column := copyContext(tc.where)
		if line != tc.line || column != tc.column {
			t.Errorf("copyContext(%q) = %d, %q; want %d, %q", tc.where, line, column, tc.line, tc.column)
		}
	}
}

var _ pgx.CopyFromSource = (*rowSource)(nil)
