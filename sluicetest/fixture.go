package sluicetest

import (
	"strings"

	"github.com/sluicedb/sluice"
)

// FixtureTable is one table of the conformance fixture (docs in
// /work/briefs/fixture.md, scripts in each engine's testdata/fixture.sql), as
// every engine must report and read it.
type FixtureTable struct {
	Name       string
	Columns    []FixtureColumn
	PrimaryKey []string
	// ForeignKeys leave Name empty: constraint names differ per engine.
	ForeignKeys []sluice.ForeignKey
	// Indexes must be present; an empty Name matches any name. Engines may
	// report more (MySQL indexes every foreign key).
	Indexes []sluice.Index
	// Rows hold canonical Go values (int64, string, bool, decimal text,
	// "YYYY-MM-DD" dates, []byte), in key order for a table with a key.
	Rows [][]any
}

// FixtureColumn is a column's expected name, kind and bounds.
type FixtureColumn struct {
	Name      string
	Kind      sluice.Kind
	Nullable  bool
	Length    int // KindString only
	Precision int // KindDecimal only
	Scale     int
}

// ColumnNames returns the column names in declaration order.
func (ft *FixtureTable) ColumnNames() []string {
	names := make([]string, len(ft.Columns))
	for i, c := range ft.Columns {
		names[i] = c.Name
	}
	return names
}

// index returns the position of a column, or -1.
func (ft *FixtureTable) index(name string) int {
	for i, c := range ft.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// FixtureTables returns the fixture, freshly built so a caller may modify it.
func FixtureTables() []FixtureTable {
	return []FixtureTable{
		peopleTable(), pairsTable(), pairRefsTable(), deptTable(), staffTable(),
		noKeyTable(), uniqueOnlyTable(), orderTable(), groesseTable(),
	}
}

func intCol(name string, nullable bool) FixtureColumn {
	return FixtureColumn{Name: name, Kind: sluice.KindInt, Nullable: nullable}
}

func strCol(name string, length int, nullable bool) FixtureColumn {
	return FixtureColumn{Name: name, Kind: sluice.KindString, Length: length, Nullable: nullable}
}

func fk(cols []string, refTable string, refCols []string) sluice.ForeignKey {
	return sluice.ForeignKey{Columns: cols, RefTable: refTable, RefColumns: refCols}
}

// PeopleNote2 is the 100000-character note of people row 2.
var PeopleNote2 = strings.Repeat("abcdefghij", 10000)

// PeopleName3 is the name of people row 3: quotes, a tab, a newline, a backslash.
const PeopleName3 = "O'Brien, \"quoted\"\ttab\nnewline\\end"

func allBytes() []byte {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

func peopleTable() FixtureTable {
	return FixtureTable{
		Name: "people",
		Columns: []FixtureColumn{
			intCol("id", false), strCol("name", 100, false), intCol("manager_id", true),
			{Name: "born", Kind: sluice.KindDate, Nullable: true},
			{Name: "score", Kind: sluice.KindDecimal, Nullable: true, Precision: 10, Scale: 2},
			{Name: "active", Kind: sluice.KindBool, Nullable: true},
			{Name: "note", Kind: sluice.KindText, Nullable: true},
			{Name: "photo", Kind: sluice.KindBytes, Nullable: true},
		},
		PrimaryKey:  []string{"id"},
		ForeignKeys: []sluice.ForeignKey{fk([]string{"manager_id"}, "people", []string{"id"})},
		Indexes:     []sluice.Index{{Name: "people_name_idx", Columns: []string{"name"}}},
		Rows: [][]any{
			{int64(1), "Ada", nil, "1815-12-10", "99.50", true, "first", allBytes()},
			{int64(2), "Zoë Łukasz 東京 😀", int64(1), "1990-02-28", "-12.25", false, PeopleNote2, nil},
			{int64(3), PeopleName3, int64(1), nil, nil, nil, "", []byte{}},
			{int64(4), "Dup", int64(2), "2000-01-01", "0.00", true, nil, nil},
			{int64(5), "Dup", int64(4), "2024-02-29", "12345678.99", false, "last", []byte{0xDE, 0xAD, 0xBE, 0xEF}},
		},
	}
}

func pairsTable() FixtureTable {
	return FixtureTable{
		Name:       "pairs",
		Columns:    []FixtureColumn{intCol("a", false), strCol("b", 20, false), intCol("v", true)},
		PrimaryKey: []string{"a", "b"},
		Rows: [][]any{
			{int64(1), "x", int64(10)}, {int64(1), "y", nil}, {int64(2), "a|b", int64(20)},
			{int64(2), "x", int64(30)}, {int64(3), "", int64(40)},
		},
	}
}

func pairRefsTable() FixtureTable {
	return FixtureTable{
		Name:        "pair_refs",
		Columns:     []FixtureColumn{intCol("id", false), intCol("a", true), strCol("b", 20, true)},
		PrimaryKey:  []string{"id"},
		ForeignKeys: []sluice.ForeignKey{fk([]string{"a", "b"}, "pairs", []string{"a", "b"})},
		Rows:        [][]any{{int64(1), int64(1), "x"}, {int64(2), int64(2), "a|b"}, {int64(3), nil, nil}},
	}
}

func deptTable() FixtureTable {
	return FixtureTable{
		Name:        "dept",
		Columns:     []FixtureColumn{intCol("id", false), strCol("name", 50, false), intCol("head_id", true)},
		PrimaryKey:  []string{"id"},
		ForeignKeys: []sluice.ForeignKey{fk([]string{"head_id"}, "staff", []string{"id"})},
		Rows:        [][]any{{int64(1), "Research", int64(2)}, {int64(2), "Sales", nil}},
	}
}

func staffTable() FixtureTable {
	return FixtureTable{
		Name:        "staff",
		Columns:     []FixtureColumn{intCol("id", false), intCol("dept_id", true), strCol("name", 50, false)},
		PrimaryKey:  []string{"id"},
		ForeignKeys: []sluice.ForeignKey{fk([]string{"dept_id"}, "dept", []string{"id"})},
		Rows: [][]any{
			{int64(1), int64(1), "Kim"}, {int64(2), int64(1), "Lee"}, {int64(3), int64(2), "Ola"},
		},
	}
}

// noKeyTable has no key: its rows are in insertion order, which no read promises.
func noKeyTable() FixtureTable {
	return FixtureTable{
		Name:    "no_key",
		Columns: []FixtureColumn{intCol("x", true), strCol("y", 20, true)},
		Rows:    [][]any{{int64(1), "a"}, {int64(1), "a"}, {int64(2), nil}},
	}
}

// uniqueOnlyTable's rows are inserted B, A, C; they are listed in key order.
func uniqueOnlyTable() FixtureTable {
	return FixtureTable{
		Name:    "unique_only",
		Columns: []FixtureColumn{strCol("code", 10, false), strCol("label", 50, true)},
		Indexes: []sluice.Index{{Columns: []string{"code"}, Unique: true}},
		Rows:    [][]any{{"A", "first"}, {"B", "second"}, {"C", nil}},
	}
}

func orderTable() FixtureTable {
	return FixtureTable{
		Name:       "order",
		Columns:    []FixtureColumn{intCol("select", false), strCol("group", 10, false)},
		PrimaryKey: []string{"select"},
		Rows:       [][]any{{int64(1), "g1"}, {int64(2), "g2"}},
	}
}

func groesseTable() FixtureTable {
	return FixtureTable{
		Name:       "größe",
		Columns:    []FixtureColumn{intCol("maß", false), strCol("naïve", 20, true)},
		PrimaryKey: []string{"maß"},
		Rows:       [][]any{{int64(1), "café"}, {int64(2), nil}},
	}
}
