package sluicetest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
)

// readRow is one row as a RowIter yielded it.
type readRow struct {
	vals []any
	key  []any
}

// readRows runs one Read and collects its rows.
func readRows(ctx context.Context, src sluice.Source, req sluice.ReadRequest) ([]readRow, error) {
	it, err := src.Read(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("read %s after %v: %w", req.Table, req.After, err)
	}
	var rows []readRow
	for it.Next() {
		rows = append(rows, readRow{vals: it.Values(), key: it.Key()})
	}
	if err := it.Err(); err != nil {
		it.Close()
		return nil, fmt.Errorf("iterate %s after %v: %w", req.Table, req.After, err)
	}
	if err := it.Close(); err != nil {
		return nil, fmt.Errorf("close %s iterator: %w", req.Table, err)
	}
	return rows, nil
}

// rowLabel names a fixture row in messages by its key, or by its position
// when the table has none.
func (ft *FixtureTable) rowLabel(i int) string {
	if len(ft.PrimaryKey) == 0 {
		return fmt.Sprintf("#%d", i+1)
	}
	parts := make([]string, len(ft.PrimaryKey))
	for j, name := range ft.PrimaryKey {
		v := ft.Rows[i][ft.index(name)]
		if text, ok := v.(string); ok {
			parts[j] = fmt.Sprintf("%s=%q", name, text)
		} else {
			parts[j] = fmt.Sprintf("%s=%s", name, sluice.ValueText(v))
		}
	}
	return strings.Join(parts, ",")
}

// diffRow compares a read row with fixture row i, column by column, and
// names the table, row and column of every difference.
func (ft *FixtureTable) diffRow(i int, got []any) []string {
	if len(got) != len(ft.Columns) {
		return []string{fmt.Sprintf("%s row %s: got %d values, want %d", ft.Name, ft.rowLabel(i), len(got), len(ft.Columns))}
	}
	var diffs []string
	for j, col := range ft.Columns {
		if d := diffValue(col.Kind, ft.Rows[i][j], got[j]); d != "" {
			diffs = append(diffs, fmt.Sprintf("%s row %s column %s: %s", ft.Name, ft.rowLabel(i), col.Name, d))
		}
	}
	return diffs
}

// diffOrdered compares rows with the fixture rows in order.
func (ft *FixtureTable) diffOrdered(rows []readRow) []string {
	if len(rows) != len(ft.Rows) {
		return []string{fmt.Sprintf("%s: got %d rows, want %d", ft.Name, len(rows), len(ft.Rows))}
	}
	var diffs []string
	for i, r := range rows {
		diffs = append(diffs, ft.diffRow(i, r.vals)...)
	}
	return diffs
}

// rowText is the canonical text of a whole row, for comparing as multisets.
func (ft *FixtureTable) rowText(vals []any) string {
	parts := make([]string, len(vals))
	for j, v := range vals {
		kind := sluice.KindOther
		if j < len(ft.Columns) {
			kind = ft.Columns[j].Kind
		}
		c, err := Canonical(kind, v)
		if err != nil {
			c = "error: " + err.Error()
		}
		parts[j] = fmt.Sprintf("%q", c)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// diffUnordered compares rows with the fixture rows as multisets, for reads
// that promise no order.
func (ft *FixtureTable) diffUnordered(rows []readRow) []string {
	want := map[string]int{}
	for _, r := range ft.Rows {
		want[ft.rowText(r)]++
	}
	var diffs []string
	for _, r := range rows {
		text := ft.rowText(r.vals)
		if want[text] == 0 {
			diffs = append(diffs, fmt.Sprintf("%s: unexpected or repeated row %s", ft.Name, shorten(text)))
			continue
		}
		want[text]--
	}
	for text, n := range want {
		if n > 0 {
			diffs = append(diffs, fmt.Sprintf("%s: %d missing row(s) %s", ft.Name, n, shorten(text)))
		}
	}
	return diffs
}

// diffKeys checks that each row's Key() holds its key columns' values.
func (ft *FixtureTable) diffKeys(key []string, rows []readRow) []string {
	var diffs []string
	for i, r := range rows {
		if len(r.key) != len(key) {
			diffs = append(diffs, fmt.Sprintf("%s row %d: Key() has %d values, want %d", ft.Name, i+1, len(r.key), len(key)))
			continue
		}
		for j, name := range key {
			col := ft.Columns[ft.index(name)]
			if d := diffValue(col.Kind, r.vals[ft.index(name)], r.key[j]); d != "" {
				diffs = append(diffs, fmt.Sprintf("%s row %d key column %s: Key() differs from the row: %s", ft.Name, i+1, name, d))
			}
		}
	}
	return diffs
}

func reportDiffs(t testing.TB, diffs []string) {
	t.Helper()
	for _, d := range diffs {
		t.Errorf("%s", d)
	}
}

// diffValue describes how got differs from want for a column of this Kind,
// or returns "" when they are the same value.
func diffValue(kind sluice.Kind, want, got any) string {
	w, err := Canonical(kind, want)
	if err != nil {
		return fmt.Sprintf("bad expected value: %v", err)
	}
	g, err := Canonical(kind, got)
	if err != nil {
		return fmt.Sprintf("got %s: %v", describe(got), err)
	}
	if g != w {
		return fmt.Sprintf("got %s, want %s", describe(got), describe(want))
	}
	return ""
}

// describe shows a value with its Go type, shortened.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return "string " + shorten(fmt.Sprintf("%q", x))
	case []byte:
		return "[]byte " + shorten(fmt.Sprintf("%x", x))
	}
	return shorten(fmt.Sprintf("%T %v", v, v))
}
