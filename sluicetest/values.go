package sluicetest

import (
	"encoding/hex"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"time"

	"github.com/sluicedb/sluice"
)

// Canonical reduces a value a source yields for a column of this Kind to one
// text per logical value, tolerating exactly the variations source.go allows
// between engines (a bool as int64 0/1, a decimal as float64 or int64 from
// SQLite, a date as time.Time or "YYYY-MM-DD" text, integers of any width).
// Two values are equal when their canonical texts are. A Go type that the
// Kind does not allow is an error.
func Canonical(kind sluice.Kind, v any) (string, error) {
	if v == nil {
		return "NULL", nil
	}
	switch kind {
	case sluice.KindBool:
		return canonicalBool(v)
	case sluice.KindInt, sluice.KindYear:
		return canonicalInt(v)
	case sluice.KindDecimal:
		return canonicalDecimal(v)
	case sluice.KindDate:
		return canonicalDate(v)
	case sluice.KindTimestamp, sluice.KindTimestampTZ:
		return canonicalTimestamp(v)
	case sluice.KindString, sluice.KindText, sluice.KindEnum, sluice.KindSet, sluice.KindJSON, sluice.KindTime:
		if s, ok := v.(string); ok {
			return "s:" + s, nil
		}
	case sluice.KindBytes, sluice.KindBit:
		if b, ok := v.([]byte); ok {
			return "x:" + hex.EncodeToString(b), nil
		}
	case sluice.KindFloat:
		if f, ok := v.(float64); ok {
			return "f:" + strconv.FormatFloat(f, 'g', -1, 64), nil
		}
	default:
		return fmt.Sprintf("%T:%v", v, v), nil
	}
	return "", wrongType(kind, v)
}

func wrongType(kind sluice.Kind, v any) error {
	return fmt.Errorf("kind %s does not allow Go type %T (%s)", kind, v, shorten(fmt.Sprint(v)))
}

func canonicalBool(v any) (string, error) {
	switch x := v.(type) {
	case bool:
		return "b:" + strconv.FormatBool(x), nil
	case int64:
		if x == 0 || x == 1 {
			return "b:" + strconv.FormatBool(x == 1), nil
		}
	}
	return "", wrongType(sluice.KindBool, v)
}

func canonicalInt(v any) (string, error) {
	switch x := v.(type) {
	case int64:
		return "i:" + strconv.FormatInt(x, 10), nil
	case int:
		return "i:" + strconv.Itoa(x), nil
	case int32:
		return "i:" + strconv.FormatInt(int64(x), 10), nil
	case int16:
		return "i:" + strconv.FormatInt(int64(x), 10), nil
	case uint64:
		return "i:" + strconv.FormatUint(x, 10), nil
	}
	return "", wrongType(sluice.KindInt, v)
}

// canonicalDecimal compares numerically: "0.00", "0" and int64(0) are equal.
// A float64 is taken in its shortest exact decimal form, as the cast does.
func canonicalDecimal(v any) (string, error) {
	var text string
	switch x := v.(type) {
	case string:
		text = x
	case float64:
		text = strconv.FormatFloat(x, 'g', -1, 64)
	case int64:
		text = strconv.FormatInt(x, 10)
	default:
		return "", wrongType(sluice.KindDecimal, v)
	}
	r, ok := new(big.Rat).SetString(text)
	if !ok {
		return "", fmt.Errorf("decimal %q is not a number", shorten(text))
	}
	return "d:" + r.RatString(), nil
}

var dateText = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

func canonicalDate(v any) (string, error) {
	switch x := v.(type) {
	case time.Time:
		u := x.UTC()
		if u.Hour() != 0 || u.Minute() != 0 || u.Second() != 0 || u.Nanosecond() != 0 {
			return "", fmt.Errorf("date %s is not midnight UTC", x)
		}
		return "t:" + u.Format(time.DateOnly), nil
	case string:
		if dateText.MatchString(x) {
			return "t:" + x, nil
		}
		return "", fmt.Errorf("date text %q is not YYYY-MM-DD", shorten(x))
	}
	return "", wrongType(sluice.KindDate, v)
}

func canonicalTimestamp(v any) (string, error) {
	switch x := v.(type) {
	case time.Time:
		return "t:" + x.UTC().Format(time.RFC3339Nano), nil
	case string:
		return "t:" + x, nil
	}
	return "", wrongType(sluice.KindTimestamp, v)
}

// shorten keeps failure messages readable when a value is 100000 characters.
func shorten(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	return fmt.Sprintf("%s...(%d bytes)", s[:max], len(s))
}
