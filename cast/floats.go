package cast

import (
	"errors"
	"math"
	"math/big"
	"strconv"

	"github.com/sluicedb/sluice"
)

// toDouble converts to double precision (float64).
func toDouble(_ sluice.Type, t target, _ Options) Func {
	return func(v any) (any, error) {
		switch x := v.(type) {
		case float64:
			return v, nil
		case float32:
			return float64(x), nil
		}
		return toFloat(v, t, 64)
	}
}

// toReal converts to real (float32).
func toReal(_ sluice.Type, t target, _ Options) Func {
	return func(v any) (any, error) {
		switch x := v.(type) {
		case float32:
			return x, nil
		case float64:
			return narrowFloat(x, t)
		}
		f, err := toFloat(v, t, 32)
		if err != nil {
			return nil, err
		}
		return float32(f.(float64)), nil
	}
}

// narrowFloat accepts a float64 that is a float32, or whose shortest text is
// the shortest text of the nearest float32: a MySQL FLOAT read through text
// arrives as the float64 nearest its decimal text ("0.1").
func narrowFloat(x float64, t target) (any, error) {
	f := float32(x)
	if float64(f) == x || math.IsNaN(x) {
		return f, nil
	}
	s64 := strconv.FormatFloat(x, 'g', -1, 64)
	s32 := strconv.FormatFloat(float64(f), 'g', -1, 32)
	if s64 == s32 {
		return f, nil
	}
	return nil, inexact(s64, s32, t)
}

// toFloat converts an integer, decimal text or pgtype.Numeric to a float of
// this many bits, which must hold it: exactly for an integer, and for a
// decimal so that the float's shortest text is the same number.
func toFloat(v any, t target, bits int) (any, error) {
	if i, ok := asInt64(v); ok {
		return intFloat(i, t, bits)
	}
	n, err := toNumber(v, t, "a number")
	if err != nil {
		return nil, err
	}
	if n.special != "" {
		return specialFloat(n.special), nil
	}
	return decimalFloat(n, t, bits)
}

func intFloat(i int64, t target, bits int) (any, error) {
	f := roundTo(float64(i), bits)
	if f < math.MaxInt64 && int64(f) == i {
		return f, nil
	}
	return nil, inexact(strconv.FormatInt(i, 10), strconv.FormatFloat(f, 'g', -1, bits), t)
}

// roundTo rounds to the nearest float of this many bits.
func roundTo(f float64, bits int) float64 {
	if bits == 32 {
		return float64(float32(f))
	}
	return f
}

func specialFloat(s string) float64 {
	switch s {
	case "Infinity":
		return math.Inf(1)
	case "-Infinity":
		return math.Inf(-1)
	}
	return math.NaN()
}

func decimalFloat(n number, t target, bits int) (any, error) {
	f, err := strconv.ParseFloat(n.dec.String(), bits)
	if errors.Is(err, strconv.ErrRange) && math.IsInf(f, 0) {
		return nil, rejectf("%s is out of range for %s", n.shown(), t.ddl)
	}
	shortest := strconv.FormatFloat(f, 'g', -1, bits)
	if s, _ := parseDecimal(shortest); s.equal(n.dec) || exactFloat(f, n.dec) {
		return f, nil
	}
	return nil, inexact(n.shown(), shortest, t)
}

// exactFloat reports whether f is the decimal's exact value (2^60 is, though
// its shortest text 1.152921504606847e+18 is not).
func exactFloat(f float64, d decimal) bool {
	if f == 0 || d.mant == "" {
		return f == 0 && d.mant == ""
	}
	r, ok := new(big.Rat).SetString(d.String())
	return ok && new(big.Rat).SetFloat64(f).Cmp(r) == 0
}

func inexact(text, became string, t target) error {
	return rejectf("%s cannot be stored exactly in %s (it would become %s)", text, t.ddl, became)
}
