package cast

import (
	"strings"

	"github.com/google/uuid"
	"github.com/sluicedb/sluice"
)

var someUUID = uuid.MustParse("6ba7b810-9dad-11d1-80b4-00c04fd430c8")

var textCases = []castCase{
	{from: kString, to: "varchar(5)", in: "héllo", want: "héllo"},
	{from: kString, to: "varchar(5)", in: "héllo!", reason: "6 characters, varchar(5) holds 5"},
	{from: kString, to: "varchar(50)", in: strings.Repeat("é", 57), reason: "57 characters, varchar(50) holds 50"},
	{from: kString, to: "character varying(3)", in: "abcd", reason: "4 characters, character varying(3) holds 3"},
	{from: kString, to: "char(2)", in: "abc", reason: "3 characters, char(2) holds 2"},
	{from: kString, to: "char", in: "ab", reason: "2 characters, char holds 1"},
	{from: kString, to: "character(3)", in: "ab", want: "ab"},
	{from: kString, to: "character(3)", in: "abcd", reason: "4 characters, character(3) holds 3"},
	{from: kEnum, to: "text", in: "b", want: "b"},
	{from: kString, to: "varchar", in: strings.Repeat("x", 100), want: strings.Repeat("x", 100)},
	{from: kText, to: "text", in: "ab\xffcd", reason: "invalid UTF-8 at byte 2"},
	{from: kText, to: "text", in: "aé\xe2\x82", reason: "invalid UTF-8 at byte 3"},
	{from: kText, to: "text", in: "ab\x00", reason: "NUL byte at byte 2"},
	{from: kText, to: "text", in: "", want: ""},
	{from: kInt, to: "text", in: int64(-42), want: "-42"},
	{from: kInt, to: "varchar(2)", in: int64(123), reason: "3 characters, varchar(2) holds 2"},
	{from: kFloat, to: "text", in: 1.5, want: "1.5"},
	// A single-precision source value (MySQL FLOAT, PostgreSQL real) arrives
	// as its exact double, and reads as the float it is.
	{from: sluice.Type{Kind: sluice.KindFloat, Bits: 32}, to: "text", in: float64(float32(0.1)), want: "0.1"},
	{from: sluice.Type{Kind: sluice.KindFloat, Bits: 32}, to: "varchar(8)", in: float64(float32(1234.567)), want: "1234.567"},
	{from: kFloat, to: "text", in: float64(float32(0.1)), want: "0.10000000149011612"},
	{from: kBool, to: "text", in: true, want: "true"},
	{from: kBytes, to: "text", in: []byte("abc"), want: "abc"},
	{from: kBytes, to: "text", in: []byte{0xc3}, reason: "invalid UTF-8 at byte 0"},
	{from: kDate, to: "text", in: utc(2024, 1, 2, 0, 0, 0, 0), want: "2024-01-02"},
	{from: kTS, to: "text", in: utc(2024, 1, 2, 3, 4, 5, 500000000), want: "2024-01-02 03:04:05.5"},
	{from: kTSTZ, to: "text", in: utc(2024, 1, 2, 3, 4, 5, 0), want: "2024-01-02 03:04:05Z"},
	{from: kUUID, to: "text", in: [16]byte(someUUID), want: someUUID.String()},
	{from: kOther, to: "text", in: n("-150", -2), want: "-1.50"},
	{from: kOther, to: "text", in: struct{}{}, reason: "cannot cast struct {} to text"},
	{from: kEnum, to: "text", in: "a", want: "a"},
	{from: kEnum, to: "text", in: "c", reason: `"c" is not a value of enum('a','b')`},
	{from: kEnum, to: "text", in: "", reason: `"" is not a value of enum('a','b')`},
	{from: kEnum, to: "varchar(1)", in: "b", want: "b"},
	{from: kSet, to: "text", in: "a,b", want: "a,b"},
	{from: kSet, to: "text", in: "a,x", reason: `set member "x" is not a value of set('a','b','c')`},
}

var byteaCases = []castCase{
	{from: kBytes, to: "bytea", in: []byte{0, 1, 0xff}, want: []byte{0, 1, 0xff}},
	{from: kText, to: "bytea", in: "\xff\x00é", want: []byte("\xff\x00é")},
	{from: kInt, to: "bytea", in: int64(1), reason: "cannot cast int64 to bytea"},
}

var uuidCases = []castCase{
	{from: kUUID, to: "uuid", in: [16]byte(someUUID), want: [16]byte(someUUID)},
	{from: kUUID, to: "uuid", in: someUUID, want: [16]byte(someUUID)},
	{from: kUUID, to: "uuid", in: "6ba7b810-9dad-11d1-80b4-00c04fd430c8", want: [16]byte(someUUID)},
	{from: kString, to: "uuid", in: "{6BA7B810-9DAD-11D1-80B4-00C04FD430C8}", want: [16]byte(someUUID)},
	{from: kString, to: "uuid", in: "6ba7b8109dad11d180b400c04fd430c8", want: [16]byte(someUUID)},
	{from: kString, to: "uuid", in: "urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8", want: [16]byte(someUUID)},
	{from: kBytes, to: "uuid", in: someUUID[:], want: [16]byte(someUUID)},
	{from: kString, to: "uuid", in: "not-a-uuid", reason: `"not-a-uuid" is not a UUID`},
	{from: kBytes, to: "uuid", in: []byte{1, 2}, reason: `"\x01\x02" is not a UUID`},
	{from: kInt, to: "uuid", in: int64(1), reason: "cannot cast int64 to uuid"},
}

var jsonCases = []castCase{
	{from: kJSON, to: "jsonb", in: `{"b": 1, "a": [true, null]}`, want: `{"b": 1, "a": [true, null]}`},
	{from: kJSON, to: "json", in: []byte(`[1,2]`), want: `[1,2]`},
	{from: kJSON, to: "jsonb", in: `{"a":`, reason: "invalid JSON at byte 5: unexpected end of JSON input"},
	{from: kJSON, to: "jsonb", in: `{"a": x}`, reason: "invalid JSON at byte 6: invalid character 'x' looking for beginning of value"},
	{from: kJSON, to: "jsonb", in: "", reason: "invalid JSON at byte 0: unexpected end of JSON input"},
	{from: kJSON, to: "jsonb", in: `"\u0000"`, reason: `\u0000 at byte 1, jsonb cannot hold it`},
	{from: kJSON, to: "json", in: `"\u0000"`, want: `"\u0000"`},
	{from: kJSON, to: "jsonb", in: `"\\u0000"`, want: `"\\u0000"`},
	{from: kJSON, to: "jsonb", in: "\"\xff\"", reason: "invalid UTF-8 at byte 1"},
	{from: kInt, to: "jsonb", in: int64(5), want: "5"},
	{from: kFloat, to: "jsonb", in: 2.5, want: "2.5"},
	{from: kBool, to: "json", in: false, want: "false"},
	{from: kText, to: "jsonb", in: "hello", reason: "invalid JSON at byte 0: invalid character 'h' looking for beginning of value"},
	{from: kDate, to: "jsonb", in: utc(2024, 1, 1, 0, 0, 0, 0), reason: "cannot cast time.Time to jsonb"},
}
