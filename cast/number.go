package cast

import (
	"math"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgtype"
)

// number is a numeric input in exact form, whatever Go type carried it.
type number struct {
	text      string  // how the value reads in reasons
	dec       decimal // the value, when finite
	special   string  // "NaN", "Infinity" or "-Infinity" when not finite
	fromFloat bool    // it came as a binary float
}

// shown cuts a long number in a reason.
func (n number) shown() string {
	if len(n.text) <= maxShown {
		return n.text
	}
	return n.text[:maxShown] + "..."
}

// toNumber reads any numeric or text input exactly. noun names what the target
// expects ("an integer"), for the reason that rejects unparseable text.
func toNumber(v any, t target, noun string) (number, error) {
	if s, ok := integerText(v); ok {
		d, _ := parseDecimal(s)
		return number{text: s, dec: d}, nil
	}
	switch x := v.(type) {
	case float64:
		return floatNumber(x, 64), nil
	case float32:
		return floatNumber(float64(x), 32), nil
	case string:
		return textNumber(x, noun)
	case []byte:
		return textNumber(string(x), noun)
	case pgtype.Numeric:
		return pgNumber(x, t)
	}
	return number{}, unsupported(v, t)
}

// integerText writes any Go integer in decimal.
func integerText(v any) (string, bool) {
	if i, ok := asInt64(v); ok {
		return strconv.FormatInt(i, 10), true
	}
	switch x := v.(type) {
	case uint64:
		return strconv.FormatUint(x, 10), true
	case uint:
		return strconv.FormatUint(uint64(x), 10), true
	}
	return "", false
}

// asInt64 widens any Go integer that fits an int64.
func asInt64(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int32:
		return int64(x), true
	case int16:
		return int64(x), true
	case int8:
		return int64(x), true
	case int:
		return int64(x), true
	case uint32:
		return int64(x), true
	case uint16:
		return int64(x), true
	case uint8:
		return int64(x), true
	case uint64:
		return int64(x), x <= math.MaxInt64
	case uint:
		return int64(x), uint64(x) <= math.MaxInt64
	}
	return 0, false
}

// floatNumber takes a float through its shortest decimal text that reads back
// as the same float: the value the source meant.
func floatNumber(f float64, bits int) number {
	switch {
	case math.IsNaN(f):
		return number{text: "NaN", special: "NaN", fromFloat: true}
	case math.IsInf(f, 1):
		return number{text: "Infinity", special: "Infinity", fromFloat: true}
	case math.IsInf(f, -1):
		return number{text: "-Infinity", special: "-Infinity", fromFloat: true}
	}
	s := strconv.FormatFloat(f, 'g', -1, bits)
	d, _ := parseDecimal(s)
	return number{text: s, dec: d, fromFloat: true}
}

// textNumber reads decimal text, or PostgreSQL's spellings of NaN and infinity.
func textNumber(s, noun string) (number, error) {
	if sp := special(s); sp != "" {
		return number{text: s, special: sp}, nil
	}
	d, ok := parseDecimal(s)
	if !ok {
		return number{}, rejectf("%s is not %s", quote(s), noun)
	}
	return number{text: s, dec: d}, nil
}

func special(s string) string {
	switch strings.ToLower(s) {
	case "nan":
		return "NaN"
	case "infinity", "+infinity", "inf", "+inf":
		return "Infinity"
	case "-infinity", "-inf":
		return "-Infinity"
	}
	return ""
}

func pgNumber(x pgtype.Numeric, t target) (number, error) {
	switch {
	case !x.Valid:
		return number{}, unsupported(x, t)
	case x.NaN:
		return number{text: "NaN", special: "NaN"}, nil
	case x.InfinityModifier == pgtype.Infinity:
		return number{text: "Infinity", special: "Infinity"}, nil
	case x.InfinityModifier == pgtype.NegativeInfinity:
		return number{text: "-Infinity", special: "-Infinity"}, nil
	}
	d := decimal{exp: int(x.Exp)}
	if x.Int != nil {
		d.neg = x.Int.Sign() < 0
		d.mant = strings.TrimLeft(strings.TrimPrefix(x.Int.String(), "-"), "0")
	}
	return number{text: d.String(), dec: d}, nil
}
