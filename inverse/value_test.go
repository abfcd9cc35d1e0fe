package inverse

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/cast"
	"github.com/sluicedb/sluice/plan"
)

// roundTrip is a source type with values a source yields for it, and the
// value the sink writes for each (nil: the value itself).
type roundTrip struct {
	typ    sluice.Type
	values []any
	want   []any
}

func ts(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04:05.999999", s)
	if err != nil {
		panic(err)
	}
	return t
}

// roundTrips are, per engine, the kinds Sluice writes back, with edge values.
var roundTrips = map[string][]roundTrip{
	"mysql": {
		{sluice.Type{Kind: sluice.KindBool, Raw: "tinyint(1)", Bits: 8}, []any{int64(1), int64(0)}, nil},
		{sluice.Type{Kind: sluice.KindInt, Raw: "tinyint(4)", Bits: 8}, []any{int64(-128), int64(127)}, nil},
		{sluice.Type{Kind: sluice.KindInt, Raw: "tinyint(3) unsigned", Bits: 8, Unsigned: true}, []any{int64(0), int64(255)}, nil},
		{sluice.Type{Kind: sluice.KindInt, Raw: "mediumint(9)", Bits: 24}, []any{int64(-8388608), int64(8388607)}, nil},
		{sluice.Type{Kind: sluice.KindInt, Raw: "int(11)", Bits: 32}, []any{int64(math.MinInt32), int64(math.MaxInt32)}, nil},
		{sluice.Type{Kind: sluice.KindInt, Raw: "int(10) unsigned", Bits: 32, Unsigned: true}, []any{int64(math.MaxUint32)}, nil},
		{sluice.Type{Kind: sluice.KindInt, Raw: "bigint(20)", Bits: 64}, []any{int64(math.MinInt64), int64(math.MaxInt64)}, nil},
		{sluice.Type{Kind: sluice.KindInt, Raw: "bigint(20) unsigned", Bits: 64, Unsigned: true}, []any{uint64(math.MaxUint64), int64(7)}, nil},
		{sluice.Type{Kind: sluice.KindYear, Raw: "year(4)"}, []any{int64(1901), int64(2155)}, nil},
		{sluice.Type{Kind: sluice.KindDecimal, Raw: "decimal(10,2)", Precision: 10, Scale: 2}, []any{"12345678.99", "-0.01", "0.00"}, nil},
		{sluice.Type{Kind: sluice.KindFloat, Raw: "double", Bits: 64}, []any{1.5, -2.25e300, 0.1}, nil},
		{sluice.Type{Kind: sluice.KindFloat, Raw: "float", Bits: 32}, []any{float64(float32(0.1)), 3.0}, nil},
		{sluice.Type{Kind: sluice.KindString, Raw: "varchar(5)", Length: 5}, []any{"héllo", "", "日本語"}, nil},
		{sluice.Type{Kind: sluice.KindText, Raw: "text"}, []any{strings.Repeat("x", 70000), "a\nb\x01"}, nil},
		{sluice.Type{Kind: sluice.KindEnum, Raw: "enum('a','b c')", Values: []string{"a", "b c"}}, []any{"a", "b c"}, nil},
		{sluice.Type{Kind: sluice.KindJSON, Raw: "json"}, []any{`{"a": [1, 2]}`}, nil},
		{sluice.Type{Kind: sluice.KindBytes, Raw: "varbinary(4)", Length: 4}, []any{[]byte{0, 1, 0xff}, []byte{}}, nil},
		{sluice.Type{Kind: sluice.KindBytes, Raw: "blob"}, []any{[]byte("\x00blob")}, nil},
		{sluice.Type{Kind: sluice.KindDate, Raw: "date"}, []any{ts("1000-01-01 00:00:00"), ts("9999-12-31 00:00:00")}, []any{"1000-01-01", "9999-12-31"}},
		{sluice.Type{Kind: sluice.KindTimestamp, Raw: "datetime(6)", Precision: 6}, []any{ts("2024-02-29 23:59:59.999999")}, []any{"2024-02-29 23:59:59.999999"}},
		{sluice.Type{Kind: sluice.KindTimestamp, Raw: "datetime"}, []any{ts("1999-12-31 23:59:59")}, []any{"1999-12-31 23:59:59"}},
		{sluice.Type{Kind: sluice.KindTimestampTZ, Raw: "timestamp"}, []any{ts("2038-01-19 03:14:07")}, []any{"2038-01-19 03:14:07"}},
		{sluice.Type{Kind: sluice.KindTime, Raw: "time"}, []any{"00:00:00.000000", "23:59:59.999999"}, nil},
	},
	"postgres": {
		{sluice.Type{Kind: sluice.KindBool, Raw: "boolean"}, []any{true, false}, nil},
		{sluice.Type{Kind: sluice.KindInt, Raw: "smallint", Bits: 16}, []any{int64(-32768), int64(32767)}, nil},
		{sluice.Type{Kind: sluice.KindInt, Raw: "integer", Bits: 32}, []any{int64(math.MinInt32)}, nil},
		{sluice.Type{Kind: sluice.KindInt, Raw: "bigint", Bits: 64}, []any{int64(math.MaxInt64)}, nil},
		{sluice.Type{Kind: sluice.KindDecimal, Raw: "numeric(5,3)", Precision: 5, Scale: 3}, []any{"12.345", "-0.001"}, nil},
		{sluice.Type{Kind: sluice.KindDecimal, Raw: "numeric"}, []any{"123456789012345678901234567890.000000000001"}, nil},
		{sluice.Type{Kind: sluice.KindFloat, Raw: "double precision", Bits: 64}, []any{math.MaxFloat64, math.SmallestNonzeroFloat64}, nil},
		{sluice.Type{Kind: sluice.KindString, Raw: "character varying(3)", Length: 3}, []any{"äöü"}, nil},
		{sluice.Type{Kind: sluice.KindText, Raw: "text"}, []any{"Ω"}, nil},
		{sluice.Type{Kind: sluice.KindBytes, Raw: "bytea"}, []any{[]byte{0xde, 0xad}}, nil},
		{sluice.Type{Kind: sluice.KindUUID, Raw: "uuid"}, []any{"6ba7b810-9dad-11d1-80b4-00c04fd430c8"}, nil},
		{sluice.Type{Kind: sluice.KindDate, Raw: "date"}, []any{ts("0001-01-01 00:00:00")}, []any{"0001-01-01"}},
		{sluice.Type{Kind: sluice.KindTimestamp, Raw: "timestamp without time zone"}, []any{ts("2024-06-01 12:34:56.123456")}, []any{"2024-06-01 12:34:56.123456"}},
		{sluice.Type{Kind: sluice.KindTimestampTZ, Raw: "timestamp with time zone"}, []any{ts("2024-06-01 12:34:56.5")}, []any{"2024-06-01 12:34:56.5"}},
		{sluice.Type{Kind: sluice.KindJSON, Raw: "jsonb"}, []any{`{"k": "v"}`}, nil},
	},
}

// Property: a source value cast forward into its mapped PostgreSQL type,
// then inverted, is the value the source holds, for every kind the type
// map has that Sluice writes back.
func TestForwardThenBackGivesTheSourceValue(t *testing.T) {
	for engine, cases := range roundTrips {
		for _, rt := range cases {
			ddl, unknown := plan.MapType(engine, rt.typ)
			if unknown {
				t.Errorf("%s %s: not in the type map", engine, rt.typ.Raw)
				continue
			}
			forward, err := cast.For(rt.typ, ddl, cast.Options{})
			if err != nil {
				t.Fatalf("%s %s -> %s: %v", engine, rt.typ.Raw, ddl, err)
			}
			for i, v := range rt.values {
				name := fmt.Sprintf("%s %s -> %s value %d", engine, rt.typ.Raw, ddl, i)
				tv, err := forward(v)
				if err != nil {
					t.Errorf("%s: forward: %v", name, err)
					continue
				}
				got, err := back(engine, rt.typ, "", tv)
				if err != nil {
					t.Errorf("%s: back from %T %v: %v", name, tv, tv, err)
					continue
				}
				want := v
				if rt.want != nil {
					want = rt.want[i]
				}
				if fmt.Sprintf("%T %v", got, got) != fmt.Sprintf("%T %v", want, want) {
					t.Errorf("%s: back gives %T %v, want %T %v", name, got, got, want, want)
				}
			}
		}
	}
}

// Values written on the target that the source cannot hold exactly are
// refused, never rounded or cut.
func TestBackRefuses(t *testing.T) {
	tests := []struct {
		name    string
		engine  string
		typ     sluice.Type
		charset string
		value   any
		reason  string
	}{
		{"tinyint overflow", "mysql", sluice.Type{Kind: sluice.KindInt, Raw: "tinyint(4)", Bits: 8}, "", int64(128), "does not fit tinyint(4)"},
		{"unsigned negative", "mysql", sluice.Type{Kind: sluice.KindInt, Raw: "int(10) unsigned", Bits: 32, Unsigned: true}, "", int64(-1), "does not fit"},
		{"decimal scale", "mysql", sluice.Type{Kind: sluice.KindDecimal, Raw: "decimal(10,2)", Precision: 10, Scale: 2}, "", "1.005", "without rounding"},
		{"decimal digits", "postgres", sluice.Type{Kind: sluice.KindDecimal, Raw: "numeric(5,3)", Precision: 5, Scale: 3}, "", "123.4", "without rounding"},
		{"varchar length", "mysql", sluice.Type{Kind: sluice.KindString, Raw: "varchar(3)", Length: 3}, "", "four", "4 characters do not fit varchar(3)"},
		{"latin1", "mysql", sluice.Type{Kind: sluice.KindString, Raw: "varchar(10)", Length: 10}, "latin1", "日本", "not representable in latin1"},
		{"enum member", "mysql", sluice.Type{Kind: sluice.KindEnum, Raw: "enum('a')", Values: []string{"a"}}, "", "b", `"b" is not a member`},
		{"float32 precision", "mysql", sluice.Type{Kind: sluice.KindFloat, Raw: "float", Bits: 32}, "", 0.1, "does not fit float exactly"},
		{"datetime fraction", "mysql", sluice.Type{Kind: sluice.KindTimestamp, Raw: "datetime"}, "", ts("2024-01-01 00:00:00.5"), "more fractional digits"},
		{"binary padding", "mysql", sluice.Type{Kind: sluice.KindBytes, Raw: "binary(4)", Length: 4, Fixed: true}, "", []byte{1}, "padded"},
		{"bool from text", "postgres", sluice.Type{Kind: sluice.KindBool, Raw: "boolean"}, "", "t", "cannot become a boolean"},
		{"geometry", "mysql", sluice.Type{Kind: sluice.KindGeometry, Raw: "point"}, "", []byte{1}, "is not written back"},
		{"year", "mysql", sluice.Type{Kind: sluice.KindYear, Raw: "year(4)"}, "", int64(2156), "does not fit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := back(tt.engine, tt.typ, tt.charset, tt.value)
			if err == nil || !strings.Contains(err.Error(), tt.reason) {
				t.Fatalf("back(%v) = %v, %v; want a refusal with %q", tt.value, got, err, tt.reason)
			}
		})
	}
}
