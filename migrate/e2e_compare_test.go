package migrate_test

import (
	"context"
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/transform"
)

// canon is the canonical text of a value, the same for what the transform
// produces and what pgx reads back from the target: the Go types differ
// (int64 against int32, a numeric's exponent), the values must not.
func canon(v any) string {
	switch x := v.(type) {
	case nil:
		return "<NULL>"
	case string:
		return x
	case []byte:
		return `\x` + hex.EncodeToString(x)
	case [16]byte:
		return uuid.UUID(x).String()
	case uuid.UUID:
		return x.String()
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case pgtype.Numeric:
		return canonNumeric(x)
	case int64, int32, int16, int8, int, uint64, uint32, uint16, uint8:
		return fmt.Sprint(x)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32)
	case bool:
		return strconv.FormatBool(x)
	case driver.Valuer:
		dv, err := x.Value()
		if err != nil {
			return fmt.Sprintf("<%T: %v>", x, err)
		}
		return canon(dv)
	}
	return fmt.Sprintf("<%T>%v", v, v)
}

// canonNumeric writes a numeric as decimal text without trailing fraction
// zeros, so 99e-2 and 990e-3 read the same.
func canonNumeric(n pgtype.Numeric) string {
	if !n.Valid {
		return "<NULL>"
	}
	v, err := n.Value()
	if err != nil {
		return fmt.Sprintf("<numeric: %v>", err)
	}
	s := v.(string)
	if strings.Contains(s, ".") && !strings.ContainsAny(s, "eE") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// rowSet is a table's rows in canonical text, by primary key.
type rowSet map[string][]string

// pkIndexes are the positions of the table's primary key among its columns.
func pkIndexes(t *testing.T, pt *plan.Table) []int {
	t.Helper()
	var idx []int
	for _, name := range pt.PrimaryKey {
		for i, c := range pt.Columns {
			if c.Name == name {
				idx = append(idx, i)
			}
		}
	}
	if len(idx) == 0 || len(idx) != len(pt.PrimaryKey) {
		t.Fatalf("%s: no usable primary key in the plan (%v)", pt.ID, pt.PrimaryKey)
	}
	return idx
}

// add stores one row by its key; a key seen twice is a duplicate row.
func (s rowSet) add(t *testing.T, what string, pk []int, vals []any) {
	t.Helper()
	row := make([]string, len(vals))
	for i, v := range vals {
		row[i] = canon(v)
	}
	parts := make([]string, len(pk))
	for i, p := range pk {
		parts[i] = row[p]
	}
	key := strings.Join(parts, "|")
	if _, dup := s[key]; dup {
		t.Errorf("%s: key %s appears twice", what, key)
	}
	s[key] = row
}

// expectedRows reads the whole source table through the same Source the run
// used and maps it with the plan's transform: what the target must hold.
// Rows the transform rejects are counted, not kept.
func expectedRows(t *testing.T, e *env, pt *plan.Table) (rowSet, int) {
	t.Helper()
	ctx := context.Background()
	row, err := transform.Compile(pt, e.plan.Namespace)
	if err != nil {
		t.Fatalf("compile the mapping of %s: %v", pt.ID, err)
	}
	it, err := e.srcs[pt.Source].Read(ctx, sluice.ReadRequest{
		Table: pt.SourceTable, Columns: pt.ReadColumns, Key: pt.Key, Where: pt.Where})
	if err != nil {
		t.Fatalf("read %s: %v", pt.ID, err)
	}
	defer it.Close()
	pk, want, rejected := pkIndexes(t, pt), rowSet{}, 0
	for it.Next() {
		dst := make([]any, len(pt.Columns))
		if rej := row.Apply(it.Values(), dst); rej != nil {
			rejected++
			continue
		}
		want.add(t, "source "+pt.ID, pk, dst)
	}
	if err := it.Err(); err != nil {
		t.Fatalf("read %s: %v", pt.ID, err)
	}
	return want, rejected
}

// targetRows reads every row of the planned table's target table.
func targetRows(t *testing.T, e *env, pt *plan.Table) rowSet {
	t.Helper()
	cols := make([]string, len(pt.Columns))
	for i, c := range pt.Columns {
		cols[i] = plan.QuoteIdent(c.Name)
	}
	q := fmt.Sprintf("SELECT %s FROM %s.%s", strings.Join(cols, ", "), plan.QuoteIdent(e.plan.Schema), plan.QuoteIdent(pt.Name))
	rows, err := e.db.Query(context.Background(), q)
	if err != nil {
		t.Fatalf("read target %s: %v", pt.Name, err)
	}
	defer rows.Close()
	pk, got := pkIndexes(t, pt), rowSet{}
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			t.Fatalf("read target %s: %v", pt.Name, err)
		}
		got.add(t, "target "+pt.Name, pk, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read target %s: %v", pt.Name, err)
	}
	return got
}

// compareTable checks that the target table holds exactly the source rows
// the mapping does not reject, every value of every row, matched by primary
// key. It returns how many source rows were rejected.
func compareTable(t *testing.T, e *env, pt *plan.Table) int {
	t.Helper()
	want, rejected := expectedRows(t, e, pt)
	got := targetRows(t, e, pt)
	if len(got) != len(want) {
		t.Errorf("%s: target holds %d rows, the source maps to %d", pt.Name, len(got), len(want))
	}
	diffs := 0
	for key, w := range want {
		g, ok := got[key]
		if !ok {
			diffs++
			reportDiff(t, diffs, "%s: row %s is missing from the target", pt.Name, key)
			continue
		}
		for i := range w {
			if w[i] != g[i] {
				diffs++
				reportDiff(t, diffs, "%s row %s column %s: target %q, source maps to %q", pt.Name, key, pt.Columns[i].Name, g[i], w[i])
			}
		}
	}
	for key := range got {
		if _, ok := want[key]; !ok {
			diffs++
			reportDiff(t, diffs, "%s: row %s in the target is not in the source", pt.Name, key)
		}
	}
	return rejected
}

// reportDiff reports the first few differences of a table, and how many
// there were in all, without flooding the log.
func reportDiff(t *testing.T, n int, format string, args ...any) {
	t.Helper()
	if n <= 5 {
		t.Errorf(format, args...)
	}
}
