package inverse

import (
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/charset"
)

// back converts a target value (as the PostgreSQL capture yields it, or as
// the forward cast made it) into the value the source column of type t
// holds, as engine's sink writes it: exactly, or refused with the reason.
// Nothing is rounded, cut or mapped to something else.
func back(engine string, t sluice.Type, cs string, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch t.Kind {
	case sluice.KindBool:
		return backBool(engine, v)
	case sluice.KindInt, sluice.KindYear:
		return backInt(t, v)
	case sluice.KindDecimal:
		return backDecimal(t, v)
	case sluice.KindFloat:
		return backFloat(t, v)
	case sluice.KindString, sluice.KindText, sluice.KindJSON:
		return backText(t, cs, v)
	case sluice.KindEnum:
		return backEnum(t, v)
	case sluice.KindBytes:
		return backBytes(t, v)
	case sluice.KindDate:
		return backDate(v)
	case sluice.KindTimestamp, sluice.KindTimestampTZ:
		return backTimestamp(engine, t, v)
	case sluice.KindTime:
		return backTime(v)
	case sluice.KindUUID:
		return backUUID(v)
	}
	return nil, fmt.Errorf("a %s value (%s) is not written back", t.Kind, t.Raw)
}

func unsupported(v any, t string) error {
	return fmt.Errorf("a %T value cannot become %s", v, t)
}

// backBool: MySQL keeps a flag as a number (tinyint(1)), PostgreSQL as bool.
func backBool(engine string, v any) (any, error) {
	b, ok := v.(bool)
	if !ok {
		return nil, unsupported(v, "a boolean")
	}
	if engine == "mysql" {
		if b {
			return int64(1), nil
		}
		return int64(0), nil
	}
	return b, nil
}

func backInt(t sluice.Type, v any) (any, error) {
	n, err := integer(v)
	if err != nil {
		return nil, err
	}
	lo, hi := intRange(t)
	if n.Cmp(lo) < 0 || n.Cmp(hi) > 0 {
		return nil, fmt.Errorf("%s does not fit %s (%s..%s)", n, t.Raw, lo, hi)
	}
	if n.IsInt64() {
		return n.Int64(), nil
	}
	return n.Uint64(), nil
}

// integer reads an integer value of any of the forms a target yields.
func integer(v any) (*big.Int, error) {
	switch x := v.(type) {
	case int64:
		return big.NewInt(x), nil
	case int32:
		return big.NewInt(int64(x)), nil
	case int16:
		return big.NewInt(int64(x)), nil
	case int:
		return big.NewInt(int64(x)), nil
	case uint64:
		return new(big.Int).SetUint64(x), nil
	case string:
		n, ok := new(big.Int).SetString(x, 10)
		if !ok {
			return nil, fmt.Errorf("%q is not an integer", x)
		}
		return n, nil
	case pgtype.Numeric:
		return numericInteger(x)
	}
	return nil, unsupported(v, "an integer")
}

func numericInteger(x pgtype.Numeric) (*big.Int, error) {
	if !x.Valid || x.NaN || x.InfinityModifier != pgtype.Finite {
		return nil, fmt.Errorf("%v is not an integer", x)
	}
	n := new(big.Int).Set(x.Int)
	for e := x.Exp; e > 0; e-- {
		n.Mul(n, big.NewInt(10))
	}
	if x.Exp < 0 {
		div := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-x.Exp)), nil)
		var rem big.Int
		if n.QuoRem(n, div, &rem); rem.Sign() != 0 {
			return nil, fmt.Errorf("%s is not an integer", decimalText(x))
		}
	}
	return n, nil
}

// intRange is the range of an integer column: Bits wide (24 for MEDIUMINT),
// signed or not; a YEAR holds 1901..2155 (and 0).
func intRange(t sluice.Type) (*big.Int, *big.Int) {
	if t.Kind == sluice.KindYear {
		return big.NewInt(0), big.NewInt(2155)
	}
	bits := t.Bits
	if bits == 0 {
		bits = 64
	}
	if t.Unsigned {
		return big.NewInt(0), new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), uint(bits)), big.NewInt(1))
	}
	hi := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), uint(bits-1)), big.NewInt(1))
	return new(big.Int).Neg(new(big.Int).Add(hi, big.NewInt(1))), hi
}

// backDecimal gives the exact decimal text, refused when it has more
// digits before or after the point than the column holds (the source
// would round it).
func backDecimal(t sluice.Type, v any) (any, error) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case pgtype.Numeric:
		if !x.Valid || x.NaN || x.InfinityModifier != pgtype.Finite {
			return nil, fmt.Errorf("%v has no decimal value", x)
		}
		s = decimalText(x)
	case int64, int32, int16:
		s = fmt.Sprint(x)
	default:
		return nil, unsupported(v, t.Raw)
	}
	intDigits, scale, err := decimalShape(s)
	if err != nil {
		return nil, err
	}
	if t.Precision > 0 && (scale > t.Scale || intDigits > t.Precision-t.Scale) {
		return nil, fmt.Errorf("%s does not fit %s without rounding", s, t.Raw)
	}
	return s, nil
}

// decimalShape counts the significant digits before the point and the
// digits after it (trailing zeros left out).
func decimalShape(s string) (intDigits, scale int, err error) {
	body := strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	whole, frac, _ := strings.Cut(body, ".")
	if whole == "" && frac == "" || strings.Trim(whole+frac, "0123456789") != "" {
		return 0, 0, fmt.Errorf("%q is not a decimal number", s)
	}
	return len(strings.TrimLeft(whole, "0")), len(strings.TrimRight(frac, "0")), nil
}

func decimalText(x pgtype.Numeric) string {
	digits := new(big.Int).Abs(x.Int).String()
	sign := ""
	if x.Int.Sign() < 0 {
		sign = "-"
	}
	if x.Exp >= 0 {
		return sign + digits + strings.Repeat("0", int(x.Exp))
	}
	frac := int(-x.Exp)
	if len(digits) <= frac {
		digits = strings.Repeat("0", frac-len(digits)+1) + digits
	}
	return sign + digits[:len(digits)-frac] + "." + digits[len(digits)-frac:]
}

func backFloat(t sluice.Type, v any) (any, error) {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case float32:
		f = float64(x)
	default:
		return nil, unsupported(v, t.Raw)
	}
	if t.Bits == 32 && float64(float32(f)) != f && !math.IsNaN(f) {
		return nil, fmt.Errorf("%v does not fit %s exactly", f, t.Raw)
	}
	return f, nil
}

// backText checks the length in characters and, for a column in another
// character set, that every character has a form in it.
func backText(t sluice.Type, cs string, v any) (any, error) {
	s, ok := v.(string)
	if !ok {
		if b, isBytes := v.([]byte); isBytes && t.Kind == sluice.KindJSON {
			s = string(b)
		} else {
			return nil, unsupported(v, t.Raw)
		}
	}
	if !utf8.ValidString(s) {
		return nil, fmt.Errorf("not valid UTF-8")
	}
	if t.Length > 0 && utf8.RuneCountInString(s) > t.Length {
		return nil, fmt.Errorf("%d characters do not fit %s", utf8.RuneCountInString(s), t.Raw)
	}
	if cs != "" {
		if err := encodable(cs, s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func encodable(cs, s string) error {
	enc, ok := charset.Lookup(cs)
	if !ok {
		return fmt.Errorf("character set %s is not known", cs)
	}
	if _, err := enc.Encode(s); err != nil {
		return fmt.Errorf("not representable in %s: %w", cs, err)
	}
	return nil
}

func backEnum(t sluice.Type, v any) (any, error) {
	s, ok := v.(string)
	if !ok {
		return nil, unsupported(v, t.Raw)
	}
	for _, m := range t.Values {
		if m == s {
			return s, nil
		}
	}
	return nil, fmt.Errorf("%q is not a member of %s", s, t.Raw)
}

func backBytes(t sluice.Type, v any) (any, error) {
	b, ok := v.([]byte)
	if !ok {
		return nil, unsupported(v, t.Raw)
	}
	if t.Length > 0 && len(b) > t.Length {
		return nil, fmt.Errorf("%d bytes do not fit %s", len(b), t.Raw)
	}
	if t.Fixed && len(b) < t.Length {
		return nil, fmt.Errorf("%d bytes would be padded to %d by %s", len(b), t.Length, t.Raw)
	}
	return b, nil
}

// backDate is the date as text: both engines read "2006-01-02" into a date
// column whatever the session's time zone.
func backDate(v any) (any, error) {
	switch x := v.(type) {
	case time.Time:
		return x.Format(time.DateOnly), nil
	case pgtype.Date:
		if !x.Valid || x.InfinityModifier != pgtype.Finite {
			return nil, fmt.Errorf("%v is not a date the source holds", x)
		}
		return x.Time.Format(time.DateOnly), nil
	}
	return nil, unsupported(v, "a date")
}

// backTimestamp is the timestamp as UTC wall-clock text with its
// microseconds: Sluice's sessions on both engines work in UTC, so a
// timestamp without time zone comes back as its wall clock and an instant
// as its UTC time. A MySQL column keeps fewer fractional digits than
// PostgreSQL: a value with more than the column's Precision is refused.
func backTimestamp(engine string, t sluice.Type, v any) (any, error) {
	var ts time.Time
	switch x := v.(type) {
	case time.Time:
		ts = x.UTC()
	case pgtype.Timestamp:
		if !x.Valid || x.InfinityModifier != pgtype.Finite {
			return nil, fmt.Errorf("%v is not a time the source holds", x)
		}
		ts = x.Time
	case pgtype.Timestamptz:
		if !x.Valid || x.InfinityModifier != pgtype.Finite {
			return nil, fmt.Errorf("%v is not a time the source holds", x)
		}
		ts = x.Time.UTC()
	default:
		return nil, unsupported(v, t.Raw)
	}
	if engine == "mysql" && ts.Nanosecond()%int(math.Pow10(9-t.Precision)) != 0 {
		return nil, fmt.Errorf("%s has more fractional digits than %s keeps", ts.Format(time.RFC3339Nano), t.Raw)
	}
	return ts.Format("2006-01-02 15:04:05.999999"), nil
}

func backTime(v any) (any, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case pgtype.Time:
		if !x.Valid {
			return nil, nil
		}
		us := x.Microseconds
		return fmt.Sprintf("%02d:%02d:%02d.%06d", us/3_600_000_000, us/60_000_000%60, us/1_000_000%60, us%1_000_000), nil
	}
	return nil, unsupported(v, "a time")
}

func backUUID(v any) (any, error) {
	switch x := v.(type) {
	case [16]byte:
		return uuid.UUID(x).String(), nil
	case uuid.UUID:
		return x.String(), nil
	case string:
		u, err := uuid.Parse(x)
		if err != nil {
			return nil, fmt.Errorf("%q is not a uuid", x)
		}
		return u.String(), nil
	}
	return nil, unsupported(v, "a uuid")
}

// keyPart reads one part of a composite legacy key's text back as a value
// of its column's type.
func keyPart(t sluice.Type, text string) (any, error) {
	switch t.Kind {
	case sluice.KindInt, sluice.KindYear:
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return n, nil
		}
		n, err := strconv.ParseUint(text, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("key part %q is not an integer", text)
		}
		return n, nil
	case sluice.KindBytes, sluice.KindBit:
		b, err := hex.DecodeString(strings.TrimPrefix(text, "0x"))
		if err != nil {
			return nil, fmt.Errorf("key part %q is not 0x and hex", text)
		}
		return b, nil
	}
	return text, nil
}
