package sqlite

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/sluicedb/sluice"
)

const shapes = `
CREATE TABLE parent (k INT PRIMARY KEY, name TEXT);
CREATE TABLE child (
    id INTEGER PRIMARY KEY DESC,
    k INT REFERENCES parent,
    total INTEGER GENERATED ALWAYS AS (id * 2) STORED,
    code TEXT NOT NULL
);
CREATE UNIQUE INDEX child_code ON child (code);
CREATE INDEX child_expr ON child (lower(code));
CREATE UNIQUE INDEX child_partial ON child (k) WHERE k IS NOT NULL;
CREATE TABLE days (day DATE PRIMARY KEY, n INTEGER) WITHOUT ROWID;
INSERT INTO days VALUES ('2024-01-03', 3), ('2024-01-01', 1), ('2024-01-02', 2), ('0000-00-00', 0);
CREATE TABLE shadowed (rowid TEXT, v INTEGER);
CREATE VIRTUAL TABLE docs USING fts5(body);
CREATE VIEW recent AS SELECT id, code FROM child WHERE id > 10;
CREATE TRIGGER child_ai AFTER INSERT ON child BEGIN UPDATE parent SET name = 'x' WHERE k = NEW.k; END;
`

func TestIntrospectShapes(t *testing.T) {
	src := openScript(t, shapes)
	defer src.Close()
	schema, err := src.Introspect(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tb := range schema.Tables {
		names = append(names, tb.Name)
	}
	if want := []string{"child", "days", "parent", "shadowed"}; !slices.Equal(names, want) {
		t.Errorf("tables %q, want %q (no virtual or shadow tables)", names, want)
	}
	checks := map[string]string{
		"parent": "pk [k] rowid rowid k auto=false null=true",
		"child":  "pk [id] rowid rowid id auto=false null=true",
		"days":   "pk [day] rowid  day auto=false null=false",
	}
	for table, want := range checks {
		tb := schema.Table(table)
		c := tb.Column(tb.PrimaryKey[0])
		got := fmt.Sprintf("pk %v rowid %s %s auto=%v null=%v", tb.PrimaryKey, tb.RowID, c.Name, c.AutoIncrement, c.Nullable)
		if got != want {
			t.Errorf("%s: %s, want %s", table, got, want)
		}
	}
	child := schema.Table("child")
	want := []sluice.Index{
		{Name: "child_code", Columns: []string{"code"}, Unique: true},
		{Name: "child_expr", Expression: "lower(code)"},
		{Name: "child_partial", Columns: []string{"k"}, Unique: true, Where: "k IS NOT NULL"},
	}
	if !reflect.DeepEqual(child.Indexes, want) {
		t.Errorf("child indexes\n got %+v\nwant %+v", child.Indexes, want)
	}
	wantObjs := []sluice.Object{
		{Kind: sluice.ObjectView, Name: "recent", Definition: "CREATE VIEW recent AS SELECT id, code FROM child WHERE id > 10"},
		{Kind: sluice.ObjectTrigger, Name: "child_ai", Table: "child",
			Definition: "CREATE TRIGGER child_ai AFTER INSERT ON child BEGIN UPDATE parent SET name = 'x' WHERE k = NEW.k; END"},
	}
	if !reflect.DeepEqual(schema.Objects, wantObjs) {
		t.Errorf("objects\n got %+v\nwant %+v", schema.Objects, wantObjs)
	}
	if got := fmt.Sprint(child.ForeignKeys); got != "[{child_k_fkey [k]  parent [k]  }]" {
		t.Errorf("child foreign keys %s, want k -> parent(k) resolved from the primary key", got)
	}
	if c := child.Column("total"); c == nil || c.Default != nil {
		t.Errorf("child.total: %+v, want the generated column listed", c)
	}
	if got := schema.Table("shadowed").KeyColumns(); !slices.Equal(got, []string{"_rowid_"}) {
		t.Errorf("shadowed KeyColumns %q, want [_rowid_]: a column named rowid hides the row id", got)
	}
}

// TestDatesStayText pages a table keyed by a DATE: the driver would parse the
// text into time.Time for a plain column, and then the key passed back as
// After would no longer compare with the stored text.
func TestDatesStayText(t *testing.T) {
	src := openScript(t, shapes)
	defer src.Close()
	var got []any
	var after []any
	for range 10 {
		it, err := src.Read(t.Context(), sluice.ReadRequest{Table: "days", Columns: []string{"day", "n"}, Key: []string{"day"}, After: after, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for it.Next() {
			got = append(got, it.Values()[0])
			after = it.Key()
			n++
		}
		if err := it.Err(); err != nil {
			t.Fatal(err)
		}
		it.Close()
		if n == 0 {
			break
		}
	}
	want := []any{"0000-00-00", "2024-01-01", "2024-01-02", "2024-01-03"}
	if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", want) {
		t.Errorf("days: got %#v, want %#v", got, want)
	}
	var parsed any
	if err := src.db.QueryRowContext(t.Context(), `SELECT day FROM days WHERE n = 1`).Scan(&parsed); err != nil {
		t.Fatal(err)
	}
	if _, ok := parsed.(time.Time); !ok {
		t.Logf("the driver no longer parses DATE columns (got %T); ReadSQL's unary plus is now only a safeguard", parsed)
	}
}

func TestRowIDPaging(t *testing.T) {
	src := openScript(t, "CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('a'), ('b'), ('c'); DELETE FROM t WHERE v = 'b'; INSERT INTO t VALUES ('d');")
	defer src.Close()
	rows := readAll(t, src, sluice.ReadRequest{Table: "t", Columns: []string{"v", "rowid"}, Key: []string{"rowid"}, After: []any{int64(1)}})
	if got := fmt.Sprint(rows); got != "[[c 3] [d 4]]" {
		t.Errorf("rows after rowid 1: %s, want [[c 3] [d 4]]", got)
	}
}
