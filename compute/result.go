package compute

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"time"
)

// result normalises what an expression returns into the few types a target
// cast is chosen by: nil, string, int64, float64, bool, time.Time, []byte.
// Named integers such as time.Month become int64; a list or a map becomes
// its JSON text (keys sorted, so the same on every run).
func result(v any) (any, error) {
	switch x := v.(type) {
	case nil, string, int64, float64, bool, []byte:
		return v, nil
	case int:
		return int64(x), nil
	case time.Time:
		return x.UTC(), nil
	case time.Duration:
		return nil, fmt.Errorf("the result is a duration (%s): use .Hours(), .Minutes() or .Seconds()", x)
	case float32:
		return float64(x), nil
	case []any, map[string]any:
		b, err := json.Marshal(x)
		if err != nil {
			return nil, fmt.Errorf("encode the result as JSON: %w", err)
		}
		return string(b), nil
	}
	return reflected(v)
}

// reflected handles named and sized numbers (time.Month, int32, uint64).
func reflected(v any) (any, error) {
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return r.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if u := r.Uint(); u <= math.MaxInt64 {
			return int64(u), nil
		}
		return nil, fmt.Errorf("the result %d does not fit a bigint", r.Uint())
	case reflect.String:
		return r.String(), nil
	case reflect.Float32, reflect.Float64:
		return r.Float(), nil
	case reflect.Bool:
		return r.Bool(), nil
	}
	return nil, fmt.Errorf("the result is a %T, which no column type holds", v)
}
