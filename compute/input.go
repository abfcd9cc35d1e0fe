package compute

import (
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/cast"
)

// normalizer turns a value a source yields into the value an expression
// sees (see the package comment). nil stays nil.
type normalizer func(v any) (any, error)

// normalizerFor returns the normalizer of a column's kind. The usual Go
// type of each family passes as it is; any other value goes through the
// cast a target column of that family would use, with all its checks (text
// "12" becomes the int 12, "abc" is an error).
func normalizerFor(t sluice.Type) (normalizer, error) {
	switch classOf(t.Kind) {
	case classBool:
		return via(t, "boolean", keepIf[bool])
	case classInt:
		return via(t, "bigint", asInt)
	case classFloat:
		return via(t, "double precision", keepIf[float64])
	case classText:
		return via(t, "text", asText)
	case classTime:
		return via(t, timeTarget(t.Kind), asUTC)
	case classBytes:
		return bytesValue, nil
	}
	return generic(t)
}

// fast is a normalizer's conversion of the usual types; false sends the
// value to the cast.
type fast func(v any) (any, bool)

// via is fast, else the cast to target; an int64 out of the cast is an int.
func via(t sluice.Type, target string, f fast) (normalizer, error) {
	c, err := cast.For(t, target, cast.Options{})
	if err != nil {
		return nil, err
	}
	return func(v any) (any, error) {
		if v == nil {
			return nil, nil
		}
		if out, ok := f(v); ok {
			return out, nil
		}
		out, err := c(v)
		if i, ok := out.(int64); ok {
			return int(i), err
		}
		return out, err
	}, nil
}

func keepIf[T any](v any) (any, bool) {
	_, ok := v.(T)
	return v, ok
}

func asInt(v any) (any, bool) {
	if _, ok := v.(int); ok {
		return v, true
	}
	i, ok := intValue(v)
	return i, ok
}

// intValue widens any Go integer that fits an int.
func intValue(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case int64:
		return int(x), true
	case int32:
		return int(x), true
	case int16:
		return int(x), true
	case int8:
		return int(x), true
	case uint32:
		return int(x), true
	case uint16:
		return int(x), true
	case uint8:
		return int(x), true
	case uint64:
		return int(x), x <= math.MaxInt
	case uint:
		return int(x), x <= math.MaxInt
	}
	return 0, false
}

// asText passes strings and reads text bytes without a check: the
// expression may handle any bytes, and the target column's cast checks
// what is stored.
func asText(v any) (any, bool) {
	switch x := v.(type) {
	case string:
		return v, true
	case []byte:
		return string(x), true
	}
	return nil, false
}

func asUTC(v any) (any, bool) {
	x, ok := v.(time.Time)
	if ok && x.Location() != time.UTC {
		return x.UTC(), true
	}
	return v, ok
}

func timeTarget(k sluice.Kind) string {
	switch k {
	case sluice.KindDate:
		return "date"
	case sluice.KindTimestampTZ:
		return "timestamptz"
	}
	return "timestamp"
}

func bytesValue(v any) (any, error) {
	switch x := v.(type) {
	case nil, []byte:
		return v, nil
	case string:
		return []byte(x), nil
	}
	return nil, fmt.Errorf("%T is not binary", v)
}

// generic normalises a column of a kind without a family by its Go type:
// integers to int, bytes to text (they are text far more often than not),
// exact numbers and UUIDs to their text, times to UTC.
func generic(t sluice.Type) (normalizer, error) {
	text, err := cast.For(t, "text", cast.Options{})
	if err != nil {
		return nil, err
	}
	return func(v any) (any, error) {
		if out, ok := genericFast(v); ok {
			return out, nil
		}
		switch v.(type) {
		case [16]byte, uuid.UUID, pgtype.Numeric, fmt.Stringer:
			return text(v)
		}
		return v, nil
	}, nil
}

func genericFast(v any) (any, bool) {
	if i, ok := intValue(v); ok {
		return i, true
	}
	switch x := v.(type) {
	case []byte:
		return string(x), true
	case float32:
		return float64(x), true // exactly, as cast widens it
	case time.Time:
		return asUTC(x)
	}
	return v, false
}
