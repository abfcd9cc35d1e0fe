package sqlite

import (
	"bytes"
	"fmt"
	"math"
	"testing"

	"github.com/sluicedb/sluice"
)

// matrix declares one column of each type family and stores edge values,
// NULLs and values of the "wrong" storage class, which SQLite allows.
const matrix = `
CREATE TABLE matrix (
    id INTEGER PRIMARY KEY, b BOOLEAN, ti TINYINT, i INT, n NUMERIC(38,10), d DECIMAL,
    r REAL, vc NVARCHAR(160), tx TEXT, bl BLOB, dt DATE, dtt DATETIME, ts TIMESTAMP,
    tm TIME, js JSON, untyped, other MONEY
);
INSERT INTO matrix VALUES
    (1, 1, -128, 9223372036854775807, 0.1, 12, -0.5, 'Zoë', CAST(X'FFFE41' AS TEXT), X'00FF',
     '0000-00-00', 'not a date', '2024-02-29 13:45:00.123', '25:61:00', '{"a": [1]}', X'01', 'x'),
    (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    (3, 'yes', 'abc', -9223372036854775808, '12.50', 'x', 'NaN?', 42, 7, 'not bytes',
     20240229, 1.5, '2024-02-29T13:45:00+02:00', 3.25, 1, 2.5, X'FF'),
    (4, 0, 127, 0, 123456789012345678, 1e300, 1e-300, '', '', X'',
     '2024-02-29', '2024-02-29 13:45', '1970-01-01', '00:00:00', 'null', '', NULL);
`

var matrixKinds = map[string]sluice.Type{
	"id": {Kind: sluice.KindInt, Bits: 64}, "b": {Kind: sluice.KindBool}, "ti": {Kind: sluice.KindInt, Bits: 8},
	"i": {Kind: sluice.KindInt, Bits: 64}, "n": {Kind: sluice.KindDecimal, Precision: 38, Scale: 10},
	"d": {Kind: sluice.KindDecimal}, "r": {Kind: sluice.KindFloat, Bits: 64},
	"vc": {Kind: sluice.KindString, Length: 160}, "tx": {Kind: sluice.KindText}, "bl": {Kind: sluice.KindBytes},
	"dt": {Kind: sluice.KindDate}, "dtt": {Kind: sluice.KindTimestamp}, "ts": {Kind: sluice.KindTimestamp},
	"tm": {Kind: sluice.KindTime}, "js": {Kind: sluice.KindJSON}, "untyped": {Kind: sluice.KindOther},
	"other": {Kind: sluice.KindOther},
}

// matrixRows are the values Read must yield: the stored storage classes,
// untouched. Date and time text stays the stored text, parseable or not.
var matrixRows = [][]any{
	{int64(1), int64(1), int64(-128), int64(math.MaxInt64), 0.1, int64(12), -0.5, "Zoë", "\xff\xfeA", []byte{0, 0xff},
		"0000-00-00", "not a date", "2024-02-29 13:45:00.123", "25:61:00", `{"a": [1]}`, []byte{1}, "x"},
	{int64(2), nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil},
	{int64(3), "yes", "abc", int64(math.MinInt64), 12.5, "x", "NaN?", "42", "7", "not bytes",
		int64(20240229), 1.5, "2024-02-29T13:45:00+02:00", 3.25, int64(1), 2.5, []byte{0xff}},
	{int64(4), int64(0), int64(127), int64(0), int64(123456789012345678), 1e300, 1e-300, "", "", []byte{},
		"2024-02-29", "2024-02-29 13:45", "1970-01-01", "00:00:00", "null", "", nil},
}

func TestTypeMatrix(t *testing.T) {
	src := openScript(t, matrix)
	defer src.Close()
	schema, err := src.Introspect(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	tb := schema.Table("matrix")
	if tb == nil {
		t.Fatalf("no table matrix in %+v", schema)
	}
	var names []string
	for _, c := range tb.Columns {
		names = append(names, c.Name)
		want := matrixKinds[c.Name]
		if c.Type.Kind != want.Kind || c.Type.Bits != want.Bits || c.Type.Length != want.Length ||
			c.Type.Precision != want.Precision || c.Type.Scale != want.Scale {
			t.Errorf("column %s (%q): %+v, want %+v", c.Name, c.Type.Raw, c.Type, want)
		}
	}
	if tb.Rows != 4 || !tb.Column("id").AutoIncrement || tb.Column("id").Nullable {
		t.Errorf("matrix: Rows %d, id %+v; want 4 rows and id an auto-assigned NOT NULL row id", tb.Rows, *tb.Column("id"))
	}
	rows := readAll(t, src, sluice.ReadRequest{Table: "matrix", Columns: names, Key: []string{"id"}})
	if len(rows) != len(matrixRows) {
		t.Fatalf("got %d rows, want %d", len(rows), len(matrixRows))
	}
	for i, row := range rows {
		for j, v := range row {
			if want := matrixRows[i][j]; !sameValue(v, want) {
				t.Errorf("row %d column %s: got %T %#v, want %T %#v", i+1, names[j], v, v, want, want)
			}
		}
	}
}

// sameValue compares Go type and value exactly: an int64 1 is not a float64 1.
func sameValue(a, b any) bool {
	if ab, ok := a.([]byte); ok {
		bb, ok := b.([]byte)
		return ok && bytes.Equal(ab, bb) && (ab == nil) == (bb == nil)
	}
	return fmt.Sprintf("%T %#v", a, a) == fmt.Sprintf("%T %#v", b, b)
}

func readAll(t *testing.T, src sluice.Source, req sluice.ReadRequest) [][]any {
	t.Helper()
	it, err := src.Read(t.Context(), req)
	if err != nil {
		t.Fatalf("read %s: %v", req.Table, err)
	}
	defer it.Close()
	var rows [][]any
	for it.Next() {
		rows = append(rows, it.Values())
	}
	if err := it.Err(); err != nil {
		t.Fatalf("iterate %s: %v", req.Table, err)
	}
	return rows
}
