package sluicetest

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
)

// checkTables: exactly the fixture's tables, no others.
func checkTables(t *testing.T, schema *sluice.Schema, fixture []FixtureTable) {
	var got, want []string
	for _, tb := range schema.Tables {
		got = append(got, tb.Name)
	}
	for _, ft := range fixture {
		want = append(want, ft.Name)
	}
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("tables: got %q, want %q", got, want)
	}
}

// diffColumns checks names in declaration order, nullability, Kind and bounds.
func diffColumns(tb *sluice.Table, ft *FixtureTable) []string {
	var names []string
	for _, c := range tb.Columns {
		names = append(names, c.Name)
	}
	if !slices.Equal(names, ft.ColumnNames()) {
		return []string{fmt.Sprintf("%s columns: got %q, want %q", ft.Name, names, ft.ColumnNames())}
	}
	var diffs []string
	for i, want := range ft.Columns {
		if d := diffColumn(&tb.Columns[i], want); d != "" {
			diffs = append(diffs, fmt.Sprintf("%s.%s: %s", ft.Name, want.Name, d))
		}
	}
	return diffs
}

func diffColumn(c *sluice.Column, want FixtureColumn) string {
	switch {
	case c.Nullable != want.Nullable:
		return fmt.Sprintf("Nullable %v, want %v", c.Nullable, want.Nullable)
	case c.Type.Kind != want.Kind:
		return fmt.Sprintf("Kind %q (raw %q), want %q", c.Type.Kind, c.Type.Raw, want.Kind)
	case want.Kind == sluice.KindString && c.Type.Length != want.Length:
		return fmt.Sprintf("Length %d, want %d", c.Type.Length, want.Length)
	case want.Kind == sluice.KindDecimal && (c.Type.Precision != want.Precision || c.Type.Scale != want.Scale):
		return fmt.Sprintf("decimal(%d,%d), want decimal(%d,%d)", c.Type.Precision, c.Type.Scale, want.Precision, want.Scale)
	}
	return ""
}

func diffPrimaryKey(tb *sluice.Table, ft *FixtureTable) []string {
	if len(tb.PrimaryKey) == 0 && len(ft.PrimaryKey) == 0 {
		return nil
	}
	if !slices.Equal(tb.PrimaryKey, ft.PrimaryKey) {
		return []string{fmt.Sprintf("%s primary key: got %q, want %q", ft.Name, tb.PrimaryKey, ft.PrimaryKey)}
	}
	return nil
}

// fkText identifies a foreign key without its engine-specific name.
func fkText(fk sluice.ForeignKey) string {
	return fmt.Sprintf("(%s) -> %q.%s(%s)", strings.Join(fk.Columns, ","), fk.RefSource, fk.RefTable, strings.Join(fk.RefColumns, ","))
}

func diffForeignKeys(tb *sluice.Table, ft *FixtureTable) []string {
	var got, want []string
	for _, fk := range tb.ForeignKeys {
		got = append(got, fkText(fk))
	}
	for _, fk := range ft.ForeignKeys {
		want = append(want, fkText(fk))
	}
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		return []string{fmt.Sprintf("%s foreign keys: got %q, want %q", ft.Name, got, want)}
	}
	return nil
}

// diffIndexes requires the fixture's indexes; engines may report more.
func diffIndexes(tb *sluice.Table, ft *FixtureTable) []string {
	var diffs []string
	for _, want := range ft.Indexes {
		if !hasIndex(tb.Indexes, want) {
			diffs = append(diffs, fmt.Sprintf("%s: no index %q on %q with Unique=%v among %+v",
				ft.Name, want.Name, want.Columns, want.Unique, tb.Indexes))
		}
	}
	return diffs
}

func hasIndex(indexes []sluice.Index, want sluice.Index) bool {
	for _, ix := range indexes {
		if (want.Name == "" || ix.Name == want.Name) && ix.Unique == want.Unique && slices.Equal(ix.Columns, want.Columns) {
			return true
		}
	}
	return false
}

// wantKeyColumns is what KeyColumns() must return for a fixture table.
func wantKeyColumns(ft *FixtureTable, h Harness) []string {
	rowID := h.RowID
	switch {
	case h.FlatFiles:
		return []string{rowID}
	case len(ft.PrimaryKey) > 0:
		return ft.PrimaryKey
	case ft.Name == "unique_only":
		return []string{"code"}
	case rowID != "":
		return []string{rowID}
	}
	return nil
}

func testIntrospect(t *testing.T, h Harness, schema *sluice.Schema, fixture []FixtureTable) {
	if schema.Engine != h.Engine {
		t.Errorf("Schema.Engine %q, want %q", schema.Engine, h.Engine)
	}
	checkTables(t, schema, fixture)
	for i := range fixture {
		ft := &fixture[i]
		tb := schema.Table(ft.Name)
		if tb == nil {
			continue // checkTables reported it
		}
		reportDiffs(t, diffColumns(tb, ft))
		reportDiffs(t, diffPrimaryKey(tb, ft))
		if h.FlatFiles {
			reportDiffs(t, noneDeclared(tb))
		} else {
			reportDiffs(t, diffForeignKeys(tb, ft))
			reportDiffs(t, diffIndexes(tb, ft))
		}
		if got, want := tb.KeyColumns(), wantKeyColumns(ft, h); !slices.Equal(got, want) {
			t.Errorf("%s KeyColumns(): got %q, want %q", ft.Name, got, want)
		}
	}
}

// noneDeclared: a file has neither foreign keys nor indexes of its own.
func noneDeclared(tb *sluice.Table) []string {
	if len(tb.ForeignKeys) > 0 || len(tb.Indexes) > 0 {
		return []string{fmt.Sprintf("%s: a file reports foreign keys %v and indexes %v, want none", tb.Name, tb.ForeignKeys, tb.Indexes)}
	}
	return nil
}
