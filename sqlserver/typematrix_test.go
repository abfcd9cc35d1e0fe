package sqlserver_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/sluicetest/tds"
	"github.com/sluicedb/sluice/sqlserver"
)

// typesSource opens the types fixture: on the TDS test server, or on the
// real SQL Server of SLUICE_TEST_SQLSERVER_URL when it is set.
func typesSource(t *testing.T) *sqlserver.Source {
	t.Helper()
	script, err := tds.FixtureScript("types")
	if err != nil {
		t.Fatal(err)
	}
	src := openSource(t, sluicetest.SQLServerFixture(t, script))
	t.Cleanup(func() { src.Close() })
	return src
}

// matrixKinds is what introspection must report for each column.
var matrixKinds = map[string]sluice.Type{
	"c_bit":           {Kind: sluice.KindBool},
	"c_tinyint":       {Kind: sluice.KindInt, Bits: 8, Unsigned: true},
	"c_flag":          {Kind: sluice.KindInt, Bits: 8, Unsigned: true},
	"c_smallint":      {Kind: sluice.KindInt, Bits: 16},
	"c_bigint":        {Kind: sluice.KindInt, Bits: 64},
	"c_decimal":       {Kind: sluice.KindDecimal, Precision: 38, Scale: 10},
	"c_money":         {Kind: sluice.KindDecimal, Precision: 19, Scale: 4},
	"c_smallmoney":    {Kind: sluice.KindDecimal, Precision: 10, Scale: 4},
	"c_float":         {Kind: sluice.KindFloat, Bits: 64},
	"c_real":          {Kind: sluice.KindFloat, Bits: 32},
	"c_char":          {Kind: sluice.KindString, Length: 5, Fixed: true},
	"c_varchar":       {Kind: sluice.KindString, Length: 20},
	"c_varchar_max":   {Kind: sluice.KindText},
	"c_text":          {Kind: sluice.KindText},
	"c_nchar":         {Kind: sluice.KindString, Length: 5, Fixed: true},
	"c_nvarchar":      {Kind: sluice.KindString, Length: 20},
	"c_nvarchar_max":  {Kind: sluice.KindText},
	"c_ntext":         {Kind: sluice.KindText},
	"c_binary":        {Kind: sluice.KindBytes, Length: 4, Fixed: true},
	"c_varbinary":     {Kind: sluice.KindBytes, Length: 10},
	"c_varbinary_max": {Kind: sluice.KindBytes},
	"c_image":         {Kind: sluice.KindBytes},
	"c_date":          {Kind: sluice.KindDate},
	"c_time":          {Kind: sluice.KindTime, Precision: 6},
	"c_time3":         {Kind: sluice.KindTime, Precision: 3},
	"c_datetime":      {Kind: sluice.KindTimestamp, Precision: 3},
	"c_datetime2":     {Kind: sluice.KindTimestamp, Precision: 6},
	"c_datetime2_3":   {Kind: sluice.KindTimestamp, Precision: 3},
	"c_smalldatetime": {Kind: sluice.KindTimestamp},
	"c_dto":           {Kind: sluice.KindTimestampTZ, Precision: 6},
	"c_guid":          {Kind: sluice.KindUUID},
	"c_xml":           {Kind: sluice.KindText},
	"c_rowversion":    {Kind: sluice.KindBytes, Length: 8, Fixed: true},
	"c_hierarchyid":   {Kind: sluice.KindText},
	"c_geometry":      {Kind: sluice.KindText},
	"c_geography":     {Kind: sluice.KindText},
	"c_variant":       {Kind: sluice.KindText},
}

func TestTypeMatrixIntrospection(t *testing.T) {
	src := typesSource(t)
	schema, err := src.Introspect(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	tb := schema.Table("type_matrix")
	if tb == nil {
		t.Fatalf("no type_matrix among %d tables", len(schema.Tables))
	}
	for name, want := range matrixKinds {
		c := tb.Column(name)
		if c == nil {
			t.Errorf("no column %s", name)
			continue
		}
		got := c.Type
		if got.Kind != want.Kind || got.Bits != want.Bits || got.Unsigned != want.Unsigned || got.Length != want.Length ||
			got.Fixed != want.Fixed || got.Precision != want.Precision || got.Scale != want.Scale {
			t.Errorf("%s: %+v, want %+v", name, got, want)
		}
	}
	for name, want := range map[string]string{"c_varchar": "cp1252", "c_cyrillic": "cp1251", "c_text": "cp1252", "c_nvarchar": "", "c_int": ""} {
		if got := tb.Column(name).Charset; got != want {
			t.Errorf("%s: Charset %q, want %q", name, got, want)
		}
	}
	if raw := tb.Column("c_flag").Type.Raw; raw != "Flag (tinyint)" {
		t.Errorf("alias type c_flag: Raw %q, want %q", raw, "Flag (tinyint)")
	}
}

// matrixRows are the values the source must yield, by row id and column,
// in the Go types source.go promises.
var matrixRows = map[int64]map[string]any{
	1: {
		"c_bit": true, "c_tinyint": int64(200), "c_flag": int64(1), "c_smallint": int64(-300), "c_int": int64(70000),
		"c_bigint": int64(9000000000), "c_decimal": "1234567.0123456789", "c_numeric": "123.45",
		"c_money": "922337203685477.5807", "c_smallmoney": "214748.3647", "c_float": 1.5, "c_real": 0.25,
		"c_char": "ab   ", "c_varchar": "Café", "c_cyrillic": "Привет", "c_varchar_max": strings.Repeat("x", 9000),
		"c_text": "legacy text", "c_nchar": "ży   ", "c_nvarchar": "Zoë 東京", "c_nvarchar_max": "😀 emoji",
		"c_ntext": "legacy ntext", "c_binary": []byte{1, 2, 3, 4}, "c_varbinary": []byte{0xDE, 0xAD, 0xBE, 0xEF},
		"c_varbinary_max": []byte{0, 0xFF}, "c_image": []byte{0x89, 0x50, 0x4E, 0x47},
		"c_date": date(2024, 2, 29), "c_time": "13:14:15.123456", "c_time3": "23:59:59.999",
		"c_datetime":      time.Date(2020, 1, 1, 10, 0, 0, 3_000_000, time.UTC),
		"c_datetime2":     time.Date(2021, 6, 30, 12, 34, 56, 123456000, time.UTC),
		"c_datetime2_3":   time.Date(1999, 12, 31, 23, 59, 59, 999_000_000, time.UTC),
		"c_smalldatetime": time.Date(2022, 3, 4, 5, 6, 0, 0, time.UTC),
		"c_dto":           time.Date(2024, 5, 6, 5, 8, 9, 123456000, time.UTC),
		"c_guid":          [16]byte{0x6F, 0x96, 0x19, 0xFF, 0x8B, 0x86, 0xD0, 0x11, 0xB4, 0x2D, 0x00, 0xC0, 0x4F, 0xC9, 0x64, 0xFF},
		"c_xml":           `<a b="1">x</a>`, "c_hierarchyid": "/1/2/",
		"c_geometry": "SRID=0;POINT (1 2)", "c_geography": "SRID=4326;POINT (4.9 52.37)", "c_variant": "42",
	},
	2: {
		"c_bit": false, "c_tinyint": int64(0), "c_smallint": int64(-32768), "c_int": int64(-2147483648),
		"c_bigint": int64(-9223372036854775808), "c_decimal": "-9999999999999999999999999999.9999999999",
		"c_money": "-922337203685477.5808", "c_smallmoney": "-214748.3648", "c_float": -1.7976931348623157e+308,
		"c_char": "abcde", "c_varchar": "", "c_nvarchar": "", "c_binary": []byte{0, 0, 0, 0}, "c_varbinary": []byte{},
		"c_date": date(1, 1, 1), "c_time": "00:00:00", "c_datetime": date(1753, 1, 1), "c_datetime2": date(1, 1, 1),
		"c_datetime2_3": time.Date(9999, 12, 31, 23, 59, 59, 999_000_000, time.UTC),
		"c_dto":         time.Date(1, 1, 1, 14, 0, 0, 0, time.UTC),
		"c_guid":        [16]byte{}, "c_hierarchyid": "/", "c_geometry": "SRID=0;LINESTRING (0 0, 1 1)", "c_variant": "text",
	},
	3: {"c_bit": nil, "c_decimal": nil, "c_varchar": nil, "c_nvarchar_max": nil, "c_varbinary_max": nil, "c_image": nil,
		"c_dto": nil, "c_guid": nil, "c_xml": nil, "c_geometry": nil, "c_variant": nil, "c_flag": int64(7)},
	4: {"c_varchar": sluice.Undecodable{Charset: "cp1252", Bytes: []byte{0x41, 0x81}, Reason: "not valid cp1252: bytes 81 at byte 1"}},
	5: {"c_time": "01:02:03.1234567"},
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// TestTypeMatrixValues reads every column and compares each value and its
// Go type with what it must be; a uniqueidentifier arrives in the byte
// order of its text form, a datetimeoffset as its instant in UTC.
func TestTypeMatrixValues(t *testing.T) {
	src := typesSource(t)
	schema, err := src.Introspect(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for _, c := range schema.Table("type_matrix").Columns {
		cols = append(cols, c.Name)
	}
	it, err := src.Read(t.Context(), sluice.ReadRequest{Table: "type_matrix", Columns: cols, Key: []string{"id"}})
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	seen := 0
	for it.Next() {
		seen++
		vals := it.Values()
		id := vals[0].(int64)
		for i, name := range cols {
			want, ok := matrixRows[id][name]
			if !ok {
				continue
			}
			if got, wantText := fmt.Sprintf("%T %v", vals[i], vals[i]), fmt.Sprintf("%T %v", want, want); got != wantText {
				t.Errorf("row %d %s: got %.120s, want %.120s", id, name, got, wantText)
			}
		}
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	if seen != len(matrixRows) {
		t.Errorf("read %d rows, want %d", seen, len(matrixRows))
	}
}
