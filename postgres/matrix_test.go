package postgres

import (
	"bytes"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/sluicedb/sluice"
)

const matrix = `
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
CREATE TABLE matrix (
    id serial PRIMARY KEY, si smallint, i integer, bi bigint, n38 numeric(38,10), n numeric,
    r real, dp double precision, vc varchar(5), ch char(3), tx text, by bytea, bo boolean,
    d date, ts timestamp(3), tz timestamptz, tm time, iv interval, u uuid, j json, jb jsonb,
    ia int[], m mood, dom posint, idn bigint GENERATED ALWAYS AS IDENTITY
);
INSERT INTO matrix (si, i, bi, n38, n, r, dp, vc, ch, tx, by, bo, d, ts, tz, tm, iv, u, j, jb, ia, m, dom) VALUES
    (-32768, 2147483647, -9223372036854775808, '1234567890123456789012345678.0123456789',
     '-0.000000000000000000001', 3.4028235e38, -1.7976931348623157e308, 'Zoë!', 'ab', E'tab\there',
     '\x00ff', true, '1815-12-10', '2024-02-29 13:45:00.123', '2024-02-29 13:45:00+02', '23:59:59.999999',
     '1 year 2 mons 3 days 04:05:06.5', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
     '{"b": 1,  "a": [1, 2]}', '{"b": 1,  "a": [1, 2]}', '{1,NULL,3}', 'happy', 7),
    (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    (32767, -2147483648, 9223372036854775807, '0', 'NaN', 'Infinity', '-0', '', '', '',
     '\x', false, 'infinity', '-infinity', 'infinity', '00:00:00', '-1 days', '00000000-0000-0000-0000-000000000000',
     'null', '[]', '{}', 'sad', 1);
`

var matrixTypes = []struct {
	name string
	raw  string
	kind sluice.Kind
}{
	{"id", "integer", sluice.KindInt}, {"si", "smallint", sluice.KindInt}, {"i", "integer", sluice.KindInt},
	{"bi", "bigint", sluice.KindInt}, {"n38", "numeric(38,10)", sluice.KindDecimal}, {"n", "numeric", sluice.KindDecimal},
	{"r", "real", sluice.KindFloat}, {"dp", "double precision", sluice.KindFloat},
	{"vc", "character varying(5)", sluice.KindString}, {"ch", "character(3)", sluice.KindString},
	{"tx", "text", sluice.KindText}, {"by", "bytea", sluice.KindBytes}, {"bo", "boolean", sluice.KindBool},
	{"d", "date", sluice.KindDate}, {"ts", "timestamp(3) without time zone", sluice.KindTimestamp},
	{"tz", "timestamp with time zone", sluice.KindTimestampTZ}, {"tm", "time without time zone", sluice.KindTime},
	{"iv", "interval", sluice.KindOther}, {"u", "uuid", sluice.KindUUID}, {"j", "json", sluice.KindJSON},
	{"jb", "jsonb", sluice.KindJSON}, {"ia", "integer[]", sluice.KindOther}, {"m", "mood", sluice.KindEnum},
	{"dom", "posint", sluice.KindOther}, {"idn", "bigint", sluice.KindInt},
}

func utc(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
	return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
}

var matrixRows = [][]any{
	{int64(1), int64(-32768), int64(math.MaxInt32), int64(math.MinInt64), "1234567890123456789012345678.0123456789",
		"-0.000000000000000000001", float64(float32(3.4028235e38)), -1.7976931348623157e308, "Zoë!", "ab ", "tab\there",
		[]byte{0, 0xff}, true, utc(1815, 12, 10, 0, 0, 0, 0), utc(2024, 2, 29, 13, 45, 0, 123e6), utc(2024, 2, 29, 11, 45, 0, 0),
		"23:59:59.999999", "1 year 2 mons 3 days 04:05:06.5", [16]byte(uuid.MustParse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")),
		`{"b": 1,  "a": [1, 2]}`, `{"a": [1, 2], "b": 1}`, "{1,NULL,3}", "happy", "7", int64(1)},
	{int64(2), nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, int64(2)},
	{int64(3), int64(32767), int64(math.MinInt32), int64(math.MaxInt64), "0.0000000000", "NaN", math.Inf(1), math.Copysign(0, -1), "", "   ", "",
		[]byte{}, false, "infinity", "-infinity", "infinity", "00:00:00", "-1 days", [16]byte{},
		"null", "[]", "{}", "sad", "1", int64(3)},
}

func TestTypeMatrix(t *testing.T) {
	src := openURL(t, newDB(t, matrix))
	defer src.Close()
	schema, err := src.Introspect(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	tb := schema.Table("matrix")
	if tb == nil || len(tb.Columns) != len(matrixTypes) {
		t.Fatalf("matrix: %+v, want %d columns", tb, len(matrixTypes))
	}
	names := make([]string, len(matrixTypes))
	for i, want := range matrixTypes {
		names[i] = want.name
		c := tb.Columns[i]
		if c.Name != want.name || c.Type.Raw != want.raw || c.Type.Kind != want.kind {
			t.Errorf("column %d: %s %q %s, want %s %q %s", i, c.Name, c.Type.Raw, c.Type.Kind, want.name, want.raw, want.kind)
		}
	}
	checkMatrixDetails(t, tb)
	it, err := src.Read(t.Context(), sluice.ReadRequest{Table: "matrix", Columns: names, Key: []string{"id"}})
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	row := 0
	for ; it.Next(); row++ {
		for j, v := range it.Values() {
			if want := matrixRows[row][j]; !sameValue(v, want) {
				t.Errorf("row %d column %s: got %T %#v, want %T %#v", row+1, names[j], v, v, want, want)
			}
		}
	}
	if err := it.Err(); err != nil || row != len(matrixRows) {
		t.Errorf("read %d rows (%v), want %d", row, err, len(matrixRows))
	}
}

func checkMatrixDetails(t *testing.T, tb *sluice.Table) {
	t.Helper()
	got := fmt.Sprintf("id auto=%v default=%v; idn auto=%v; n38 %d,%d; vc %d; ch %d fixed=%v; ts %d; m %q",
		tb.Column("id").AutoIncrement, tb.Column("id").Default != nil, tb.Column("idn").AutoIncrement,
		tb.Column("n38").Type.Precision, tb.Column("n38").Type.Scale, tb.Column("vc").Type.Length,
		tb.Column("ch").Type.Length, tb.Column("ch").Type.Fixed, tb.Column("ts").Type.Precision, tb.Column("m").Type.Values)
	want := `id auto=true default=false; idn auto=true; n38 38,10; vc 5; ch 3 fixed=true; ts 3; m ["sad" "ok" "happy"]`
	if got != want {
		t.Errorf("details:\n got  %s\n want %s", got, want)
	}
}

// sameValue compares Go type and value exactly: an int32 7 is not an int64 7,
// a time in another location is not the same time.Time.
func sameValue(a, b any) bool {
	if ab, ok := a.([]byte); ok {
		bb, ok := b.([]byte)
		return ok && bytes.Equal(ab, bb) && (ab == nil) == (bb == nil)
	}
	return fmt.Sprintf("%T %#v", a, a) == fmt.Sprintf("%T %#v", b, b)
}
