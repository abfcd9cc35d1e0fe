package cast

import (
	"math"
	"strconv"
	"strings"

	"github.com/sluicedb/sluice"
)

// intType is one PostgreSQL integer type: its range and its Go type.
type intType struct {
	min, max int64
	box      func(int64) any
}

var intTypes = map[string]intType{
	"smallint": {math.MinInt16, math.MaxInt16, func(i int64) any { return int16(i) }},
	"integer":  {math.MinInt32, math.MaxInt32, func(i int64) any { return int32(i) }},
	"bigint":   {math.MinInt64, math.MaxInt64, func(i int64) any { return i }},
}

// toInt converts to smallint (int16), integer (int32) or bigint (int64).
func toInt(_ sluice.Type, t target, _ Options) Func {
	r, bigint := intTypes[t.base], t.base == "bigint"
	return func(v any) (any, error) {
		if _, ok := v.(int64); ok && bigint {
			return v, nil // the common case, without boxing the value again
		}
		if i, ok := asInt64(v); ok {
			return r.fit(i, t)
		}
		if b, ok := v.(bool); ok {
			return r.box(boolInt(b)), nil
		}
		n, err := toNumber(v, t, "an integer")
		if err != nil {
			return nil, err
		}
		i, err := n.int64(t)
		if err != nil {
			return nil, err
		}
		return r.fit(i, t)
	}
}

func (r intType) fit(i int64, t target) (any, error) {
	if i < r.min || i > r.max {
		return nil, r.outOfRange(strconv.FormatInt(i, 10), t)
	}
	return r.box(i), nil
}

func (r intType) outOfRange(text string, t target) error {
	return rejectf("%s is out of range for %s (%d..%d)", text, t.ddl, r.min, r.max)
}

// int64 returns an integral number, or the reason it is not one or does not
// fit 64 bits.
func (n number) int64(t target) (int64, error) {
	if n.special != "" || n.dec.scale() > 0 {
		return 0, rejectf("%s is not an integer", n.shown())
	}
	if n.dec.intDigits() > 19 {
		return 0, intTypes[t.base].outOfRange(n.shown(), t)
	}
	m, e := n.dec.trimmed()
	digits := "0" + m + strings.Repeat("0", max(e, 0))
	if n.dec.neg {
		digits = "-" + digits
	}
	i, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, intTypes[t.base].outOfRange(n.shown(), t)
	}
	return i, nil
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
