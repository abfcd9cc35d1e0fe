package cast

import (
	"net/netip"

	"github.com/jackc/pgx/v5/pgtype"
)

func bits(n int32, b ...byte) pgtype.Bits { return pgtype.Bits{Bytes: b, Len: n, Valid: true} }

var bitCases = []castCase{
	{from: kBit8, to: "bit(8)", in: []byte{0x05}, want: bits(8, 0x05)},
	{from: kBit3, to: "bit(3)", in: []byte{0x05}, want: bits(3, 0xa0)},
	{from: kBit8, to: "bit(10)", in: []byte{0x01, 0xff}, want: bits(10, 0x7f, 0xc0)},
	{from: kBit8, to: "bit(8)", in: []byte{0x01, 0xff}, reason: "0x01ff needs 9 bits, bit(8) holds 8"},
	{from: kBit3, to: "bit varying(5)", in: []byte{0x05}, want: bits(3, 0xa0)},
	{from: kBytes, to: "bit varying(5)", in: []byte{0x05}, reason: "0x05 needs 8 bits, bit varying(5) holds 5"},
	{from: kText, to: "bit(4)", in: "0101", want: bits(4, 0x50)},
	{from: kText, to: "bit(4)", in: "101", reason: "a bit string of 3 bits, bit(4) holds exactly 4"},
	{from: kText, to: "bit(4)", in: "0121", reason: `"0121" is not a bit string`},
	{from: kText, to: "varbit(5)", in: "101", want: bits(3, 0xa0)},
	{from: kText, to: "varbit(5)", in: "101010", reason: "a bit string of 6 bits, varbit(5) holds 5"},
	{from: kText, to: "varbit", in: "", want: pgtype.Bits{Bytes: []byte{}, Valid: true}},
	{from: kInt, to: "bit(4)", in: int64(5), want: bits(4, 0x50)},
	{from: kInt, to: "bit(2)", in: int64(5), reason: "5 needs 3 bits, bit(2) holds 2"},
	{from: kBool, to: "bit", in: true, want: bits(1, 0x80)},
	{from: kOther, to: "bit(3)", in: bits(3, 0x20), want: bits(3, 0x20)},
	{from: kInt, to: "bit(4)", in: int64(-1), reason: "cannot cast int64 to bit(4)"},
}

var arrayCases = []castCase{
	{from: kSet, to: "text[]", in: "a,c", want: []string{"a", "c"}},
	{from: kSet, to: "text[]", in: "", want: []string{}},
	{from: kSet, to: "text[]", in: "a,x", reason: `set member "x" is not a value of set('a','b','c')`},
	{from: kSet, to: "text[]", in: int64(1), reason: "cannot cast int64 to text[]"},
	{from: kOther, to: "text[]", in: `{x,"y z",NULL}`, want: arr(dim(3), "x", "y z", nil)},
	{from: kOther, to: "text[]", in: `{}`, want: arr(dim())},
	{from: kOther, to: "text[]", in: "{\"\xff\"}", reason: "invalid UTF-8 at byte 2"},
	{from: kOther, to: "text[]", in: []string{"a", "b"}, want: arr(dim(2), "a", "b")},
	{from: kOther, to: "integer[]", in: "{1,2,NULL}", want: arr(dim(3), int32(1), int32(2), nil)},
	{from: kOther, to: "int4[]", in: "{{1,2},{3,4}}", want: arr(dim(2, 2), int32(1), int32(2), int32(3), int32(4))},
	{from: kOther, to: "integer[]", in: "[0:1]={5,6}", want: arr([]pgtype.ArrayDimension{{Length: 2, LowerBound: 0}}, int32(5), int32(6))},
	{from: kOther, to: "integer[]", in: []int64{1, 2}, want: arr(dim(2), int32(1), int32(2))},
	{from: kOther, to: "smallint[]", in: []any{int64(1), int64(70000)}, reason: "element 2: 70000 is out of range for smallint (-32768..32767)"},
	{from: kOther, to: "integer[]", in: "{1,x}", reason: `element 2: "x" is not an integer`},
	// Elements go through their scalar casts from text: nothing is rounded or
	// reinterpreted on the way (found in review).
	{from: kOther, to: "real[]", in: "{0.5,0.30000000000000004}", reason: `element 2: 0.30000000000000004 cannot be stored exactly in real (it would become 0.3)`},
	{from: kOther, to: "boolean[]", in: "{t,yes}", reason: `element 2: "yes" is not a boolean (0, 1, true, false, t or f)`},
	{from: kOther, to: "integer[]", in: "1,2", reason: `"1,2" is not a valid integer[] (invalid array, expected '{' got 49)`},
	{from: kOther, to: "varchar(2)[]", in: "{ab,abc}", reason: "element 2: 3 characters, varchar(2) holds 2"},
	{from: kOther, to: "numeric(4,2)[]", in: "{1.5,NULL,1.234}", reason: "element 3: 1.234 has 3 decimal places, numeric(4,2) holds 2"},
	{from: kOther, to: "numeric(4,2)[]", in: "{1.50,NaN}", want: arr(dim(2), n("150", -2), pgtype.Numeric{NaN: true, Valid: true})},
	{from: kOther, to: "date[]", in: "{2024-01-02,NULL}", want: arr(dim(2), utc(2024, 1, 2, 0, 0, 0, 0), nil)},
	{from: kOther, to: "timestamptz[]", in: `{"2024-01-02 03:04:05+02"}`, want: arr(dim(1), utc(2024, 1, 2, 1, 4, 5, 0))},
	{from: kOther, to: "jsonb[]", in: `{"{\"b\":1,\"a\":2}"}`, want: arr(dim(1), `{"b":1,"a":2}`)},
	{from: kOther, to: "jsonb[]", in: `{"{x"}`, reason: "element 1: invalid JSON at byte 1: invalid character 'x' looking for beginning of object key string"},
	{from: kOther, to: "bytea[]", in: `{"\\x0102"}`, want: arr(dim(1), []byte{1, 2})},
	{from: kOther, to: "uuid[]", in: `{6ba7b810-9dad-11d1-80b4-00c04fd430c8}`, want: arr(dim(1), [16]byte(someUUID))},
	{from: kOther, to: "boolean[]", in: `{t,f}`, want: arr(dim(2), true, false)},
	{from: kOther, to: "double precision[]", in: `{1.5,-Infinity}`, want: arr(dim(2), 1.5, negInf)},
	{from: kOther, to: "interval[]", in: `{"1 day"}`, want: arr(dim(1), pgtype.Interval{Days: 1, Valid: true})},
	{from: kOther, to: "time[]", in: `{10:00:00}`, want: arr(dim(1), pgtype.Time{Microseconds: 36000000000, Valid: true})},
	{from: kOther, to: "inet[]", in: `{10.0.0.1/8}`, want: arr(dim(1), netip.MustParsePrefix("10.0.0.1/8"))},
	{from: kOther, to: "integer[]", in: int64(1), reason: "cannot cast int64 to integer[]"},
	{from: kOther, to: "bigint[]", in: arr(dim(2), int32(1), nil), want: arr(dim(2), int64(1), nil)},
}

var mappedCases = []castCase{
	{from: kOther, to: "inet", in: "10.0.0.1/8", want: netip.MustParsePrefix("10.0.0.1/8")},
	{from: kOther, to: "inet", in: []byte("::1"), want: netip.MustParsePrefix("::1/128")},
	{from: kOther, to: "inet", in: "nope", reason: `"nope" is not a valid inet (ParseAddr("nope"): unable to parse IP)`},
	{from: kOther, to: "point", in: "(1,2.5)", want: pgtype.Point{P: pgtype.Vec2{X: 1, Y: 2.5}, Valid: true}},
	{from: kOther, to: "point", in: pgtype.Point{P: pgtype.Vec2{X: 1, Y: 2}, Valid: true}, want: pgtype.Point{P: pgtype.Vec2{X: 1, Y: 2}, Valid: true}},
	{from: kOther, to: "point", in: struct{}{}, reason: "cannot cast struct {} to point"},
	{from: kOther, to: "point", in: "(1,2)\x00", reason: "NUL byte at byte 5"},
}

var negInf = -1 / zero

var zero = 0.0
