package mysql_test

import (
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
)

// typeCase is one column of the type matrix: its declaration, the Type it
// must introspect to (Raw aside) and three literals with the Go values they
// must read as. A fourth row holds NULL in every column.
type typeCase struct {
	col  string
	decl string
	typ  sluice.Type
	lits [3]string
	want [3]any
}

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04:05.999999", s)
	if err != nil {
		panic(err) // a typo in the table below
	}
	return t
}

const decimalMax = "99999999999999999999999999999999999.999999999999999999999999999999"

var typeCases = []typeCase{
	{"flag", "tinyint(1)", sluice.Type{Kind: sluice.KindBool}, [3]string{"0", "1", "2"}, [3]any{int64(0), int64(1), int64(2)}},
	{"flag2", "boolean", sluice.Type{Kind: sluice.KindBool}, [3]string{"false", "true", "0"}, [3]any{int64(0), int64(1), int64(0)}},
	{"ti", "tinyint", sluice.Type{Kind: sluice.KindInt, Bits: 8}, [3]string{"-128", "127", "0"}, [3]any{int64(-128), int64(127), int64(0)}},
	{"tiu", "tinyint unsigned", sluice.Type{Kind: sluice.KindInt, Bits: 8, Unsigned: true}, [3]string{"0", "255", "1"}, [3]any{int64(0), int64(255), int64(1)}},
	{"si", "smallint", sluice.Type{Kind: sluice.KindInt, Bits: 16}, [3]string{"-32768", "32767", "0"}, [3]any{int64(-32768), int64(32767), int64(0)}},
	{"siu", "smallint unsigned", sluice.Type{Kind: sluice.KindInt, Bits: 16, Unsigned: true}, [3]string{"0", "65535", "1"}, [3]any{int64(0), int64(65535), int64(1)}},
	{"mi", "mediumint", sluice.Type{Kind: sluice.KindInt, Bits: 24}, [3]string{"-8388608", "8388607", "0"}, [3]any{int64(-8388608), int64(8388607), int64(0)}},
	{"miu", "mediumint unsigned", sluice.Type{Kind: sluice.KindInt, Bits: 24, Unsigned: true}, [3]string{"0", "16777215", "1"}, [3]any{int64(0), int64(16777215), int64(1)}},
	{"i", "int", sluice.Type{Kind: sluice.KindInt, Bits: 32}, [3]string{"-2147483648", "2147483647", "0"}, [3]any{int64(-2147483648), int64(2147483647), int64(0)}},
	{"iu", "int unsigned", sluice.Type{Kind: sluice.KindInt, Bits: 32, Unsigned: true}, [3]string{"0", "4294967295", "1"}, [3]any{int64(0), int64(4294967295), int64(1)}},
	{"bi", "bigint", sluice.Type{Kind: sluice.KindInt, Bits: 64}, [3]string{"-9223372036854775808", "9223372036854775807", "0"},
		[3]any{int64(-9223372036854775808), int64(9223372036854775807), int64(0)}},
	{"biu", "bigint unsigned", sluice.Type{Kind: sluice.KindInt, Bits: 64, Unsigned: true}, [3]string{"0", "18446744073709551615", "9223372036854775807"},
		[3]any{int64(0), uint64(18446744073709551615), int64(9223372036854775807)}},
	{"dec", "decimal(65,30)", sluice.Type{Kind: sluice.KindDecimal, Precision: 65, Scale: 30}, [3]string{"-" + decimalMax, decimalMax, "0.000000000000000000000000000001"},
		[3]any{"-" + decimalMax, decimalMax, "0.000000000000000000000000000001"}},
	{"dec2", "decimal(10,2)", sluice.Type{Kind: sluice.KindDecimal, Precision: 10, Scale: 2}, [3]string{"-0.01", "12345678.99", "0"}, [3]any{"-0.01", "12345678.99", "0.00"}},
	{"f", "float", sluice.Type{Kind: sluice.KindFloat, Bits: 32}, [3]string{"-3.40282e38", "3.40282e38", "1234567"},
		[3]any{float64(float32(-3.40282e38)), float64(float32(3.40282e38)), 1234567.0}}, // exact, not the text protocol's 6 digits
	{"d", "double", sluice.Type{Kind: sluice.KindFloat, Bits: 64}, [3]string{"-1.7976931348623157e308", "1.7976931348623157e308", "2.2250738585072014e-308"},
		[3]any{-1.7976931348623157e308, 1.7976931348623157e308, 2.2250738585072014e-308}},
	{"c", "char(5)", sluice.Type{Kind: sluice.KindString, Length: 5, Fixed: true}, [3]string{"'a'", "'abcde'", "''"}, [3]any{"a", "abcde", ""}},
	{"vc", "varchar(10)", sluice.Type{Kind: sluice.KindString, Length: 10}, [3]string{"''", "'Zoë😀'", "'a\\\\b'"}, [3]any{"", "Zoë😀", `a\b`}},
	{"l1", "varchar(10) character set latin1", sluice.Type{Kind: sluice.KindString, Length: 10}, [3]string{"_latin1 X'E9'", "'café'", "''"}, [3]any{"é", "café", ""}},
	{"tt", "tinytext", sluice.Type{Kind: sluice.KindText}, [3]string{"''", "'x'", "'東京'"}, [3]any{"", "x", "東京"}},
	{"tx", "text", sluice.Type{Kind: sluice.KindText}, [3]string{"''", "'x'", "'y'"}, [3]any{"", "x", "y"}},
	{"mt", "mediumtext", sluice.Type{Kind: sluice.KindText}, [3]string{"''", "'x'", "'y'"}, [3]any{"", "x", "y"}},
	{"lt", "longtext", sluice.Type{Kind: sluice.KindText}, [3]string{"''", "REPEAT('z', 70000)", "'y'"}, [3]any{"", strings.Repeat("z", 70000), "y"}},
	{"bn", "binary(4)", sluice.Type{Kind: sluice.KindBytes, Length: 4, Fixed: true}, [3]string{"X'00'", "X'FFFFFFFF'", "X''"},
		[3]any{[]byte{0, 0, 0, 0}, []byte{0xFF, 0xFF, 0xFF, 0xFF}, []byte{0, 0, 0, 0}}},
	{"vb", "varbinary(10)", sluice.Type{Kind: sluice.KindBytes, Length: 10}, [3]string{"X''", "X'FF00FE'", "X'C328'"},
		[3]any{[]byte{}, []byte{0xFF, 0x00, 0xFE}, []byte{0xC3, 0x28}}},
	{"tb", "tinyblob", sluice.Type{Kind: sluice.KindBytes}, [3]string{"X''", "X'00'", "X'FF'"}, [3]any{[]byte{}, []byte{0}, []byte{0xFF}}},
	{"bl", "blob", sluice.Type{Kind: sluice.KindBytes}, [3]string{"X''", "X'00'", "X'FF'"}, [3]any{[]byte{}, []byte{0}, []byte{0xFF}}},
	{"mb", "mediumblob", sluice.Type{Kind: sluice.KindBytes}, [3]string{"X''", "X'00'", "X'FF'"}, [3]any{[]byte{}, []byte{0}, []byte{0xFF}}},
	{"lb", "longblob", sluice.Type{Kind: sluice.KindBytes}, [3]string{"X''", "X'00'", "X'FF'"}, [3]any{[]byte{}, []byte{0}, []byte{0xFF}}},
	{"dt", "date", sluice.Type{Kind: sluice.KindDate}, [3]string{"'1000-01-01'", "'9999-12-31'", "'0000-00-00'"},
		[3]any{utc("1000-01-01 00:00:00"), utc("9999-12-31 00:00:00"), "0000-00-00"}},
	{"dtt", "datetime", sluice.Type{Kind: sluice.KindTimestamp}, [3]string{"'1000-01-01 00:00:00'", "'9999-12-31 23:59:59'", "'0000-00-00 00:00:00'"},
		[3]any{utc("1000-01-01 00:00:00"), utc("9999-12-31 23:59:59"), "0000-00-00 00:00:00"}},
	{"dt6", "datetime(6)", sluice.Type{Kind: sluice.KindTimestamp, Precision: 6}, [3]string{"'2024-02-29 12:34:56.123456'", "'9999-12-31 23:59:59.999999'", "'2000-01-01 00:00:00.000001'"},
		[3]any{utc("2024-02-29 12:34:56.123456"), utc("9999-12-31 23:59:59.999999"), utc("2000-01-01 00:00:00.000001")}},
	// The script inserts timestamps with time_zone +05:00: they must read in UTC.
	{"ts", "timestamp null", sluice.Type{Kind: sluice.KindTimestampTZ}, [3]string{"'1970-01-01 05:00:01'", "'2038-01-19 08:14:07'", "'0000-00-00 00:00:00'"},
		[3]any{utc("1970-01-01 00:00:01"), utc("2038-01-19 03:14:07"), "0000-00-00 00:00:00"}},
	{"ts6", "timestamp(6) null", sluice.Type{Kind: sluice.KindTimestampTZ, Precision: 6}, [3]string{"'2020-01-01 05:00:00.5'", "'2020-06-30 04:59:59.999999'", "'2000-01-01 05:00:00'"},
		[3]any{utc("2020-01-01 00:00:00.5"), utc("2020-06-29 23:59:59.999999"), utc("2000-01-01 00:00:00")}},
	{"tm", "time", sluice.Type{Kind: sluice.KindTime}, [3]string{"'-838:59:59'", "'838:59:59'", "'00:00:00'"}, [3]any{"-838:59:59", "838:59:59", "00:00:00"}},
	{"tm6", "time(6)", sluice.Type{Kind: sluice.KindTime, Precision: 6}, [3]string{"'-00:00:00.000001'", "'23:59:59.999999'", "'12:00:00'"},
		[3]any{"-00:00:00.000001", "23:59:59.999999", "12:00:00.000000"}},
	{"y", "year", sluice.Type{Kind: sluice.KindYear}, [3]string{"1901", "2155", "0"}, [3]any{int64(1901), int64(2155), int64(0)}},
	{"e", "enum('a','b''c')", sluice.Type{Kind: sluice.KindEnum, Values: []string{"a", "b'c"}}, [3]string{"'a'", "'b''c'", "'not a member'"}, [3]any{"a", "b'c", ""}},
	{"s", "set('x','y','z')", sluice.Type{Kind: sluice.KindSet, Values: []string{"x", "y", "z"}}, [3]string{"''", "'z,x'", "'y'"}, [3]any{"", "x,z", "y"}},
	{"b1", "bit(1)", sluice.Type{Kind: sluice.KindBit, Bits: 1}, [3]string{"b'0'", "b'1'", "b'1'"}, [3]any{[]byte{0}, []byte{1}, []byte{1}}},
	{"b10", "bit(10)", sluice.Type{Kind: sluice.KindBit, Bits: 10}, [3]string{"b'0'", "b'1111111111'", "b'1000000001'"},
		[3]any{[]byte{0, 0}, []byte{0x03, 0xFF}, []byte{0x02, 0x01}}},
	{"j", "json", sluice.Type{Kind: sluice.KindJSON}, [3]string{`'{"a": [1, 2]}'`, "'[]'", "'null'"}, [3]any{`{"a": [1, 2]}`, "[]", "null"}},
	{"g", "point", sluice.Type{Kind: sluice.KindGeometry}, [3]string{"POINT(1, 2)", "POINT(0, 0)", "ST_GeomFromText('POINT(1.5 -2.25)', 4326)"},
		[3]any{geomPoint(0, 1, 2), geomPoint(0, 0, 0), geomPoint(4326, 1.5, -2.25)}},
	{"gpoly", "polygon", sluice.Type{Kind: sluice.KindGeometry}, [3]string{"ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))')",
		"ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))', 3857)", "ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))')"},
		[3]any{geomTriangle(0), geomTriangle(3857), geomTriangle(0)}},
	{"gany", "geometry", sluice.Type{Kind: sluice.KindGeometry}, [3]string{"POINT(1, 2)", "ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))')", "POINT(0, 0)"},
		[3]any{geomPoint(0, 1, 2), geomTriangle(0), geomPoint(0, 0, 0)}},
}

// geomPoint is how MySQL's POINT(x, y) with an SRID reads: the SRID apart,
// then little-endian WKB.
func geomPoint(srid uint32, x, y float64) sluice.Geometry {
	b := []byte{1, 1, 0, 0, 0}
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
	return sluice.Geometry{SRID: srid, WKB: binary.LittleEndian.AppendUint64(b, math.Float64bits(y))}
}

// geomTriangle is POLYGON((0 0,1 0,1 1,0 0)).
func geomTriangle(srid uint32) sluice.Geometry {
	b := binary.LittleEndian.AppendUint32([]byte{1, 3, 0, 0, 0, 1, 0, 0, 0}, 4)
	for _, c := range []float64{0, 0, 1, 0, 1, 1, 0, 0} {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(c))
	}
	return sluice.Geometry{SRID: srid, WKB: b}
}

// typeMatrixScript creates and fills the matrix table under sql_mode ” so
// that zero dates and invalid enum values are accepted.
func typeMatrixScript() string {
	var cols, vals []string
	for _, c := range typeCases {
		cols = append(cols, fmt.Sprintf("`%s` %s", c.col, c.decl))
	}
	for row := range 3 {
		lits := []string{fmt.Sprint(row + 1)}
		for _, c := range typeCases {
			lits = append(lits, c.lits[row])
		}
		vals = append(vals, "("+strings.Join(lits, ", ")+")")
	}
	return "SET SESSION sql_mode = '';\nSET time_zone = '+05:00';\n" +
		"CREATE TABLE matrix (id int AUTO_INCREMENT PRIMARY KEY, " + strings.Join(cols, ", ") + ") CHARACTER SET utf8mb4;\n" +
		"INSERT INTO matrix VALUES " + strings.Join(vals, ", ") + ";\n" +
		"INSERT INTO matrix (id) VALUES (4);\n"
}

func TestTypeMatrix(t *testing.T) {
	url := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, url, typeMatrixScript())
	src := openSource(t, url)
	defer src.Close()
	schema, err := src.Introspect(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	table := schema.Table("matrix")
	if table == nil {
		t.Fatalf("no table matrix in %+v", schema.Tables)
	}
	checkMatrixTypes(t, table)
	checkMatrixValues(t, src)
}

func checkMatrixTypes(t *testing.T, table *sluice.Table) {
	if id := table.Column("id"); id == nil || !id.AutoIncrement || id.Nullable {
		t.Errorf("id: got %+v, want NOT NULL AUTO_INCREMENT", id)
	}
	for _, c := range typeCases {
		col := table.Column(c.col)
		if col == nil {
			t.Errorf("no column %s", c.col)
			continue
		}
		got := col.Type
		got.Raw = ""
		if !reflect.DeepEqual(got, c.typ) {
			t.Errorf("%s (%s, raw %q): got %+v, want %+v", c.col, c.decl, col.Type.Raw, got, c.typ)
		}
		if !col.Nullable {
			t.Errorf("%s: not nullable", c.col)
		}
	}
}

func checkMatrixValues(t *testing.T, src sluice.Source) {
	cols := []string{}
	for _, c := range typeCases {
		cols = append(cols, c.col)
	}
	it, err := src.Read(t.Context(), sluice.ReadRequest{Table: "matrix", Columns: cols, Key: []string{"id"}})
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	row := 0
	for ; it.Next(); row++ {
		for j, c := range typeCases {
			var want any // row 4 is all NULL
			if row < 3 {
				want = c.want[row]
			}
			if got := it.Values()[j]; !sameValue(want, got) {
				t.Errorf("row %d column %s (%s): got %T %#v, want %T %#v", row+1, c.col, c.decl, got, got, want, want)
			}
		}
	}
	if err := it.Err(); err != nil || row != 4 {
		t.Errorf("read %d rows (err %v), want 4", row, err)
	}
}

// sameValue compares exact Go types; times must also be in UTC.
func sameValue(want, got any) bool {
	if w, ok := want.(time.Time); ok {
		g, ok := got.(time.Time)
		return ok && g.Equal(w) && g.Location() == time.UTC
	}
	return reflect.DeepEqual(want, got)
}
