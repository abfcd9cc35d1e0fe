package cast

import (
	"math"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

const (
	bigintRange = "(-9223372036854775808..9223372036854775807)"
	max64Text   = "18446744073709551615"
)

var boolCases = []castCase{
	{from: kBool, to: "boolean", in: true, want: true},
	{from: kBool, to: "boolean", in: int64(0), want: false},
	{from: kBool, to: "boolean", in: int64(1), want: true},
	{from: kBool, to: "boolean", in: int64(2), reason: "2 is not a boolean (0 or 1)"},
	{from: kBool, to: "boolean", in: int64(-1), reason: "-1 is not a boolean (0 or 1)"},
	{from: kInt, to: "bool", in: uint64(math.MaxUint64), reason: max64Text + " is not a boolean (0 or 1)"},
	{from: kText, to: "boolean", in: "TRUE", want: true},
	{from: kText, to: "boolean", in: "f", want: false},
	{from: kText, to: "boolean", in: "0", want: false},
	{from: kText, to: "boolean", in: "T", want: true},
	{from: kText, to: "boolean", in: "yes", reason: `"yes" is not a boolean (0, 1, true, false, t or f)`},
	{from: kText, to: "boolean", in: "", reason: `"" is not a boolean (0, 1, true, false, t or f)`},
	{from: kFloat, to: "boolean", in: 1.0, want: true},
	{from: kFloat, to: "boolean", in: 0.5, reason: "0.5 is not a boolean (0 or 1)"},
	{from: kBit8, to: "boolean", in: []byte{1}, want: true},
	{from: kBit8, to: "boolean", in: []byte{0}, want: false},
	{from: kBit8, to: "boolean", in: []byte{2}, reason: "0x02 is not a boolean (one byte 0 or 1)"},
	{from: kBit8, to: "boolean", in: []byte{0, 1}, reason: "0x0001 is not a boolean (one byte 0 or 1)"},
	{from: kOther, to: "boolean", in: pgtype.Bits{Bytes: []byte{0x80}, Len: 1, Valid: true}, want: true},
	{from: kDate, to: "boolean", in: time.Unix(0, 0), reason: "cannot cast time.Time to boolean"},
}

var intCases = []castCase{
	{from: kInt, to: "smallint", in: int64(32767), want: int16(32767)},
	{from: kInt, to: "smallint", in: int64(-32768), want: int16(-32768)},
	{from: kInt, to: "smallint", in: int64(32768), reason: "32768 is out of range for smallint (-32768..32767)"},
	{from: kYear, to: "smallint", in: int64(2024), want: int16(2024)},
	{from: kInt, to: "integer", in: int64(-2147483648), want: int32(-2147483648)},
	{from: kInt, to: "int4", in: int64(2147483648), reason: "2147483648 is out of range for int4 (-2147483648..2147483647)"},
	{from: kInt, to: "bigint", in: int64(math.MaxInt64), want: int64(math.MaxInt64)},
	{from: kInt, to: "bigint", in: uint64(math.MaxInt64), want: int64(math.MaxInt64)},
	{from: kInt, to: "bigint", in: uint64(math.MaxUint64), reason: max64Text + " is out of range for bigint " + bigintRange},
	{from: kOther, to: "bigint", in: int32(7), want: int64(7)},
	{from: kBool, to: "smallint", in: true, want: int16(1)},
	{from: kFloat, to: "integer", in: 3.0, want: int32(3)},
	{from: kFloat, to: "integer", in: 1.5, reason: "1.5 is not an integer"},
	{from: kFloat, to: "bigint", in: 1e20, reason: "1e+20 is out of range for bigint " + bigintRange},
	{from: kFloat, to: "bigint", in: math.NaN(), reason: "NaN is not an integer"},
	{from: kFloat, to: "bigint", in: math.Inf(-1), reason: "-Infinity is not an integer"},
	{from: kDecimal, to: "integer", in: "12.00", want: int32(12)},
	{from: kDecimal, to: "integer", in: "-0012", want: int32(-12)},
	{from: kDecimal, to: "integer", in: "12.5", reason: "12.5 is not an integer"},
	{from: kDecimal, to: "integer", in: "-2147483649", reason: "-2147483649 is out of range for integer (-2147483648..2147483647)"},
	{from: kText, to: "integer", in: "1e3", want: int32(1000)},
	{from: kText, to: "integer", in: "abc", reason: `"abc" is not an integer`},
	{from: kText, to: "integer", in: " 12", reason: `" 12" is not an integer`},
	{from: kText, to: "integer", in: strings.Repeat("x", 50), reason: `"` + strings.Repeat("x", 40) + `"... is not an integer`},
	{from: kText, to: "integer", in: strings.Repeat("9", 50), reason: strings.Repeat("9", 40) + "... is out of range for integer (-2147483648..2147483647)"},
	{from: kText, to: "bigint", in: "9223372036854775808", reason: "9223372036854775808 is out of range for bigint " + bigintRange},
	{from: kText, to: "bigint", in: "-9223372036854775808", want: int64(math.MinInt64)},
	{from: kText, to: "bigint", in: "1e30", reason: "1e30 is out of range for bigint " + bigintRange},
	{from: kOther, to: "integer", in: n("1200", -2), want: int32(12)},
	{from: kDate, to: "integer", in: time.Unix(0, 0), reason: "cannot cast time.Time to integer"},
}

var numericCases = []castCase{
	{from: kDecimal, to: "numeric(10,2)", in: "12.34", want: n("1234", -2)},
	{from: kDecimal, to: "numeric(10,2)", in: "12.345", reason: "12.345 has 3 decimal places, numeric(10,2) holds 2"},
	{from: kDecimal, to: "numeric(10,2)", in: "12.340", want: n("12340", -3)},
	{from: kDecimal, to: "numeric(10,2)", in: "0.000", want: n("0", -3)}, // zero has no decimal places, however written
	{from: kDecimal, to: "integer", in: "0.00", want: int32(0)},
	{from: kDecimal, to: "numeric(10,2)", in: "123456789.5", reason: "123456789.5 has 9 integer digits, numeric(10,2) holds 8"},
	{from: kDecimal, to: "numeric(10,2)", in: "-00012345678.99", want: n("-1234567899", -2)},
	{from: kDecimal, to: "numeric(3,3)", in: "1.5", reason: "1.5 has 1 integer digit, numeric(3,3) holds 0"},
	{from: kDecimal, to: "numeric(3,3)", in: "-.5", want: n("-5", -1)},
	{from: kDecimal, to: "decimal(5,1)", in: "0.05", reason: "0.05 has 2 decimal places, decimal(5,1) holds 1"},
	{from: kDecimal, to: "numeric", in: "1e5", want: n("1", 5)},
	{from: kDecimal, to: "numeric", in: "0.000", want: n("0", -3)},
	{from: kDecimal, to: "numeric", in: "NaN", want: pgtype.Numeric{NaN: true, Valid: true}},
	{from: kDecimal, to: "numeric(10,2)", in: "nan", want: pgtype.Numeric{NaN: true, Valid: true}},
	{from: kDecimal, to: "numeric", in: "-Infinity", want: pgtype.Numeric{InfinityModifier: pgtype.NegativeInfinity, Valid: true}},
	{from: kDecimal, to: "numeric(10,2)", in: "Infinity", reason: "Infinity does not fit numeric(10,2)"},
	{from: kDecimal, to: "numeric", in: "1,5", reason: `"1,5" is not a number`},
	{from: kDecimal, to: "numeric", in: "1e99999999", reason: `"1e99999999" is not a number`},
	{from: kDecimal, to: "numeric", in: "1e200000", reason: "1e200000 has 200001 integer digits, numeric holds 131072"},
	{from: kInt, to: "numeric", in: int64(42), want: n("42", 0)},
	{from: kInt, to: "numeric(2)", in: int64(123), reason: "123 has 3 integer digits, numeric(2) holds 2"},
	{from: kInt, to: "numeric(20,0)", in: uint64(math.MaxUint64), want: n(max64Text, 0)},
	{from: kFloat, to: "numeric(10,2)", in: 0.1, want: n("1", -1)},
	{from: kFloat, to: "numeric(10,2)", in: 1.005, reason: "1.005 has 3 decimal places, numeric(10,2) holds 2"},
	{from: kFloat, to: "numeric", in: 1e-7, want: n("1", -7)},
	{from: kFloat, to: "numeric", in: math.NaN(), reason: "NaN is not a finite number, numeric holds only finite numbers"},
	{from: kFloat, to: "numeric(10,2)", in: math.Inf(1), reason: "Infinity is not a finite number, numeric(10,2) holds only finite numbers"},
	{from: kOther, to: "numeric(5,1)", in: n("150", -2), want: n("150", -2)},
	{from: kBool, to: "numeric", in: true, reason: "cannot cast bool to numeric"},
}

var floatCases = []castCase{
	{from: kFloat, to: "double precision", in: 0.1, want: 0.1},
	{from: kFloat, to: "float8", in: float32(0.5), want: 0.5},
	{from: kInt, to: "double precision", in: int64(1 << 60), want: float64(1 << 60)},
	{from: kInt, to: "double precision", in: int64(9007199254740993), reason: "9007199254740993 cannot be stored exactly in double precision (it would become 9.007199254740992e+15)"},
	{from: kInt, to: "double precision", in: uint64(math.MaxUint64), reason: max64Text + " cannot be stored exactly in double precision (it would become 1.8446744073709552e+19)"},
	{from: kDecimal, to: "double precision", in: "0.1", want: 0.1},
	{from: kDecimal, to: "double precision", in: "1152921504606846976", want: float64(1 << 60)},
	{from: kDecimal, to: "double precision", in: "0.10000000000000000001", reason: "0.10000000000000000001 cannot be stored exactly in double precision (it would become 0.1)"},
	{from: kDecimal, to: "double precision", in: "1e400", reason: "1e400 is out of range for double precision"},
	{from: kDecimal, to: "double precision", in: "1e-400", reason: "1e-400 cannot be stored exactly in double precision (it would become 0)"},
	{from: kText, to: "double precision", in: "x", reason: `"x" is not a number`},
	{from: kText, to: "double precision", in: "-Infinity", want: math.Inf(-1)},
	{from: kFloat, to: "real", in: 0.1, want: float32(0.1)},
	{from: kFloat, to: "real", in: float64(float32(0.1)), want: float32(0.1)},
	{from: kFloat, to: "real", in: 0.30000000000000004, reason: "0.30000000000000004 cannot be stored exactly in real (it would become 0.3)"},
	{from: kFloat, to: "real", in: 1e300, reason: "1e+300 cannot be stored exactly in real (it would become +Inf)"},
	{from: kInt, to: "real", in: int64(16777216), want: float32(16777216)},
	{from: kInt, to: "float4", in: int64(16777217), reason: "16777217 cannot be stored exactly in float4 (it would become 1.6777216e+07)"},
	{from: kDecimal, to: "real", in: "1.5", want: float32(1.5)},
	{from: kDecimal, to: "real", in: "0.1", want: float32(0.1)},
	{from: kDecimal, to: "real", in: "0.1000001", want: float32(0.1000001)},
	{from: kDecimal, to: "real", in: "0.100000001", reason: "0.100000001 cannot be stored exactly in real (it would become 0.1)"},
	{from: kBool, to: "real", in: true, reason: "cannot cast bool to real"},
}
