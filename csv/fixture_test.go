package csvsrc

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
)

// The conformance fixture as CSV files: one file per table, with a header,
// every column's type declared as the config would (a file has no types),
// NULL as an unquoted empty field and every text quoted, so that an empty
// text stays apart from NULL.

func TestConformance(t *testing.T) {
	sluicetest.RunConformance(t, sluicetest.Harness{
		Engine:    "csv",
		RowID:     "_record",
		FlatFiles: true,
		Open: func(t testing.TB) sluice.Source {
			dir := t.TempDir()
			fixture := sluicetest.FixtureTables()
			for i := range fixture {
				writeFixtureTable(t, dir, &fixture[i])
			}
			src, err := Open(context.Background(), "files", "csv://"+dir, Options{Tables: fixtureSpecs(fixture)})
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			return src
		},
	})
}

func fixtureSpecs(fixture []sluicetest.FixtureTable) []TableSpec {
	var specs []TableSpec
	for _, ft := range fixture {
		sp := TableSpec{Name: ft.Name, PrimaryKey: ft.PrimaryKey, Types: map[string]string{}}
		for _, c := range ft.Columns {
			decl := fixtureType(c)
			if !c.Nullable {
				decl += " not null"
			}
			sp.Types[c.Name] = decl
		}
		specs = append(specs, sp)
	}
	return specs
}

func fixtureType(c sluicetest.FixtureColumn) string {
	switch c.Kind {
	case sluice.KindInt:
		return "integer"
	case sluice.KindString:
		return fmt.Sprintf("varchar(%d)", c.Length)
	case sluice.KindDecimal:
		return fmt.Sprintf("numeric(%d,%d)", c.Precision, c.Scale)
	case sluice.KindBool:
		return "boolean"
	case sluice.KindBytes:
		return "bytea"
	}
	return string(c.Kind) // date, text
}

func writeFixtureTable(t testing.TB, dir string, ft *sluicetest.FixtureTable) {
	t.Helper()
	var b strings.Builder
	b.WriteString(sluicetest.CSVHeader(ft.ColumnNames()) + "\r\n")
	for _, row := range ft.Rows {
		fields := make([]string, len(row))
		for i, v := range row {
			fields[i] = sluicetest.CSVField(v)
		}
		b.WriteString(strings.Join(fields, ",") + "\r\n")
	}
	if err := os.WriteFile(filepath.Join(dir, ft.Name+".csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
