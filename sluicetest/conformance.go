package sluicetest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/sluicedb/sluice"
)

// Harness opens a source on a fresh database that holds the fixture of
// fixture.md (FixtureTables).
type Harness struct {
	Engine string                           // "mysql", "postgres", "sqlite"
	Open   func(t testing.TB) sluice.Source // fresh database with the fixture loaded; closed by the suite
	RowID  string                           // the pseudo-column KeyColumns() falls back to for no_key ("" for MySQL)
	// FlatFiles marks an engine that reads files (CSV): a file has no
	// foreign keys or indexes (the config declares references), no SQL to
	// filter with (a Where is an error, never ignored), and every table
	// pages by RowID (the record number) in file order, whatever its key.
	FlatFiles bool
}

// RunConformance checks a source engine against the fixture: introspection,
// counts, full reads value by value, keyset paging, unordered reads, filters,
// and that returned slices belong to the caller.
func RunConformance(t *testing.T, h Harness) {
	src := h.Open(t)
	t.Cleanup(func() {
		if err := src.Close(); err != nil {
			t.Errorf("close source: %v", err)
		}
	})
	if src.Engine() != h.Engine {
		t.Errorf("Engine() %q, want %q", src.Engine(), h.Engine)
	}
	fixture := FixtureTables()
	t.Run("Introspect", func(t *testing.T) {
		schema, err := src.Introspect(t.Context())
		if err != nil {
			t.Fatalf("introspect: %v", err)
		}
		testIntrospect(t, h, schema, fixture)
	})
	t.Run("Count", func(t *testing.T) { testCount(t, h, src, fixture) })
	t.Run("ReadAll", func(t *testing.T) { testReadAll(t, h, src, fixture) })
	t.Run("KeysetPaging", func(t *testing.T) { testPaging(t, h, src, fixture) })
	t.Run("ReadWithoutKey", func(t *testing.T) { testReadWithoutKey(t, src, fixture) })
	t.Run("ReadWhere", func(t *testing.T) { testReadWhere(t, h, src) })
	t.Run("SlicesNotReused", func(t *testing.T) { testNotReused(t, h, src, fixture) })
}

func fixtureTable(t *testing.T, fixture []FixtureTable, name string) *FixtureTable {
	for i := range fixture {
		if fixture[i].Name == name {
			return &fixture[i]
		}
	}
	t.Fatalf("no fixture table %s", name)
	return nil
}

func testCount(t *testing.T, h Harness, src sluice.Source, fixture []FixtureTable) {
	for _, ft := range fixture {
		n, err := src.Count(t.Context(), ft.Name, "")
		if err != nil {
			t.Errorf("count %s: %v", ft.Name, err)
		} else if n != int64(len(ft.Rows)) {
			t.Errorf("count %s: got %d, want %d", ft.Name, n, len(ft.Rows))
		}
	}
	n, err := src.Count(t.Context(), "people", "id > 2")
	if h.FlatFiles {
		if err == nil {
			t.Errorf("count people where id > 2: got %d and no error; a source without filters must refuse one", n)
		}
		return
	}
	if err != nil || n != 3 {
		t.Errorf("count people where id > 2: got %d (err %v), want 3", n, err)
	}
}

// isRowID reports whether key is the engine's row id, whose order and values
// the fixture cannot predict.
func isRowID(h Harness, key []string) bool {
	return h.RowID != "" && slices.Equal(key, []string{h.RowID})
}

func testReadAll(t *testing.T, h Harness, src sluice.Source, fixture []FixtureTable) {
	for i := range fixture {
		ft := &fixture[i]
		t.Run(ft.Name, func(t *testing.T) {
			key := wantKeyColumns(ft, h)
			rows, err := readRows(t.Context(), src, sluice.ReadRequest{Table: ft.Name, Columns: ft.ColumnNames(), Key: key})
			if err != nil {
				t.Fatal(err)
			}
			checkRows(t, h, ft, key, rows)
		})
	}
}

// checkRows compares rows read with Key=key with the whole fixture table.
func checkRows(t *testing.T, h Harness, ft *FixtureTable, key []string, rows []readRow) {
	t.Helper()
	switch {
	case key == nil:
		reportDiffs(t, ft.diffUnordered(rows))
	case isRowID(h, key):
		reportDiffs(t, ft.diffUnordered(rows))
		reportDiffs(t, diffRowIDs(ft.Name, rows))
	default:
		reportDiffs(t, ft.diffOrdered(rows))
		reportDiffs(t, ft.diffKeys(key, rows))
	}
}

// diffRowIDs: every row has one non-NULL row id, and no two the same.
func diffRowIDs(table string, rows []readRow) []string {
	var diffs []string
	seen := map[string]bool{}
	for i, r := range rows {
		if len(r.key) != 1 || r.key[0] == nil {
			diffs = append(diffs, fmt.Sprintf("%s row %d: Key() %v, want one non-NULL row id", table, i+1, r.key))
			continue
		}
		text := fmt.Sprintf("%T:%s", r.key[0], sluice.ValueText(r.key[0]))
		if seen[text] {
			diffs = append(diffs, fmt.Sprintf("%s row %d: row id %s repeated", table, i+1, text))
		}
		seen[text] = true
	}
	return diffs
}

func testPaging(t *testing.T, h Harness, src sluice.Source, fixture []FixtureTable) {
	for i := range fixture {
		ft := &fixture[i]
		key := wantKeyColumns(ft, h)
		if key == nil {
			continue // read in one chunk: see ReadWithoutKey
		}
		t.Run(ft.Name, func(t *testing.T) {
			rows, err := pageThrough(t.Context(), src, ft, key, 2)
			if err != nil {
				t.Fatal(err)
			}
			checkRows(t, h, ft, key, rows)
		})
	}
}

// pageThrough reads a table in pages of limit rows, each after the last Key()
// of the previous one, until a short page.
func pageThrough(ctx context.Context, src sluice.Source, ft *FixtureTable, key []string, limit int) ([]readRow, error) {
	var all []readRow
	var after []any
	for page := 0; page <= len(ft.Rows)/limit+1; page++ {
		req := sluice.ReadRequest{Table: ft.Name, Columns: ft.ColumnNames(), Key: key, After: after, Limit: limit}
		rows, err := readRows(ctx, src, req)
		if err != nil {
			return nil, err
		}
		if len(rows) > limit {
			return nil, fmt.Errorf("%s page %d: %d rows, more than Limit %d", ft.Name, page+1, len(rows), limit)
		}
		all = append(all, rows...)
		if len(rows) < limit {
			return all, nil
		}
		after = rows[len(rows)-1].key
	}
	return nil, fmt.Errorf("%s: paging by %q did not end after %d rows (%d in the table)", ft.Name, key, len(all), len(ft.Rows))
}

func testReadWithoutKey(t *testing.T, src sluice.Source, fixture []FixtureTable) {
	ft := fixtureTable(t, fixture, "no_key")
	rows, err := readRows(t.Context(), src, sluice.ReadRequest{Table: ft.Name, Columns: ft.ColumnNames()})
	if err != nil {
		t.Fatal(err)
	}
	reportDiffs(t, ft.diffUnordered(rows))
	for i, r := range rows {
		if len(r.key) != 0 {
			t.Errorf("no_key row %d: Key() %v with Key=nil, want empty", i+1, r.key)
		}
	}
}

// testReadWhere also proves the filter is parenthesised: "id = 1 OR id = 5"
// after key 1 must not bring row 1 back.
func testReadWhere(t *testing.T, h Harness, src sluice.Source) {
	if h.FlatFiles {
		req := sluice.ReadRequest{Table: "people", Columns: []string{"id"}, Key: wantKeyColumns(&FixtureTable{Name: "people"}, h), Where: "id > 2"}
		if rows, err := readRows(t.Context(), src, req); err == nil {
			t.Errorf("read people where id > 2: got %d rows and no error; a source without filters must refuse one", len(rows))
		}
		return
	}
	cases := []struct {
		where string
		after []any
		want  []int64
	}{
		{"id > 2", nil, []int64{3, 4, 5}},
		{"id = 1 OR id = 5", []any{int64(1)}, []int64{5}},
		{"name = 'Dup'", []any{int64(4)}, []int64{5}},
	}
	for _, c := range cases {
		req := sluice.ReadRequest{Table: "people", Columns: []string{"id"}, Key: []string{"id"}, After: c.after, Where: c.where}
		rows, err := readRows(t.Context(), src, req)
		if err != nil {
			t.Errorf("where %q: %v", c.where, err)
			continue
		}
		if got := idsOf(rows); got != fmt.Sprint(c.want) {
			t.Errorf("people where %q after %v: got ids %s, want %v", c.where, c.after, got, c.want)
		}
	}
}

func idsOf(rows []readRow) string {
	ids := make([]string, len(rows))
	for i, r := range rows {
		if len(r.vals) != 1 {
			ids[i] = fmt.Sprintf("%d values", len(r.vals))
			continue
		}
		c, err := Canonical(sluice.KindInt, r.vals[0])
		if err != nil {
			c = "i:" + err.Error()
		}
		ids[i] = c[len("i:"):]
	}
	return fmt.Sprint(ids)
}

// testNotReused keeps every row's slices until the end, then compares them:
// a source that reuses a slice or a driver buffer overwrites earlier rows.
func testNotReused(t *testing.T, h Harness, src sluice.Source, fixture []FixtureTable) {
	ft := fixtureTable(t, fixture, "people")
	key := wantKeyColumns(ft, h)
	req := sluice.ReadRequest{Table: ft.Name, Columns: ft.ColumnNames(), Key: key}
	it, err := src.Read(t.Context(), req)
	if err != nil {
		t.Fatalf("read people: %v", err)
	}
	defer it.Close()
	var rows []readRow
	for it.Next() {
		rows = append(rows, readRow{vals: it.Values(), key: it.Key()})
	}
	if err := it.Err(); err != nil {
		t.Fatalf("iterate people: %v", err)
	}
	checkRows(t, h, ft, key, rows)
	for i := 1; i < len(rows); i++ {
		if len(rows[i].vals) > 0 && len(rows[i-1].vals) > 0 && &rows[i].vals[0] == &rows[i-1].vals[0] {
			t.Errorf("people rows %d and %d share one Values() slice", i, i+1)
		}
	}
}
