package transform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// count reads how many rows the expanded value makes, and for a list or a
// JSON array keeps its elements for Expand. NULL makes none.
func (x *expansion) count(v any) (int, *Reject) {
	clear(x.elems) // let the previous row's values go
	x.elems = x.elems[:0]
	if v == nil {
		return 0, nil
	}
	if u, ok := v.(sluice.Undecodable); ok {
		return 0, &Reject{Column: x.column, Raw: u.Bytes, Reason: "expand " + x.column + ": " + u.Reason}
	}
	n, err := x.read(v)
	if err == nil && n > maxChildren {
		err = x.tooMany(n)
	}
	if err != nil {
		return 0, &Reject{Column: x.column, Raw: v, Reason: "expand " + x.column + ": " + err.Error()}
	}
	return int(n), nil
}

func (x *expansion) read(v any) (int64, error) {
	switch x.kind {
	case config.ExpandCount:
		return countOf(v)
	case config.ExpandList:
		err := x.split(v)
		return int64(len(x.elems)), err
	}
	err := x.decode(v)
	return int64(len(x.elems)), err
}

// tooMany says how many rows a source row would make; a list stops being
// split after one more element than allowed.
func (x *expansion) tooMany(n int64) error {
	if x.kind == config.ExpandList {
		return fmt.Errorf("more than %d elements in one source row", maxChildren)
	}
	return fmt.Errorf("%d rows from one source row, more than the %d allowed", n, maxChildren)
}

// element is the k-th element (0-based) of the current row; a count has none.
func (x *expansion) element(k int) any {
	if k < len(x.elems) {
		return x.elems[k]
	}
	return nil
}

// countOf reads a count: any integer, or the text of one. A negative count
// or a fraction is not one.
func countOf(v any) (int64, error) {
	n, ok := signed(v)
	if !ok {
		var err error
		if n, err = integerOf(v); err != nil {
			return 0, err
		}
	}
	if n < 0 {
		return 0, fmt.Errorf("count %d is negative", n)
	}
	return n, nil
}

func integerOf(v any) (int64, error) {
	var s string
	switch x := v.(type) {
	case uint64, uint32, uint16, uint8, uint:
		return int64(min(unsigned(v), math.MaxInt64)), nil
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			return 0, fmt.Errorf("count %v is not an integer", x) // beyond 2^53 a float is no exact integer
		}
		return int64(x), nil
	case string:
		s = x
	case []byte:
		s = string(x)
	case pgtype.Numeric:
		s = numericText(x)
	default:
		return 0, fmt.Errorf("count of type %T is not an integer", v)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("count %q is not an integer", s)
	}
	return n, nil
}

func textOf(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case []byte:
		return string(x), nil
	}
	return "", fmt.Errorf("a value of type %T is not text", v)
}

// split keeps the list's elements: spaces around each are trimmed, and an
// empty element (",," or a trailing separator) is skipped.
func (x *expansion) split(v any) error {
	s, err := textOf(v)
	if err != nil {
		return err
	}
	for found := true; found; {
		var part string
		part, s, found = strings.Cut(s, x.sep)
		if part = strings.TrimSpace(part); part != "" {
			x.elems = append(x.elems, part)
		}
		if len(x.elems) > maxChildren {
			break
		}
	}
	return nil
}

// decode keeps the elements of a JSON array: a string unquoted, null as
// NULL, anything else as its compact JSON text.
func (x *expansion) decode(v any) error {
	s, err := textOf(v)
	if err != nil {
		return err
	}
	var raw []json.RawMessage
	if t := strings.TrimLeft(s, " \t\r\n"); t == "" || t[0] != '[' {
		return notArray(s, nil)
	}
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return notArray(s, err)
	}
	for _, e := range raw {
		elem, err := jsonElement(e)
		if err != nil {
			return err
		}
		x.elems = append(x.elems, elem)
	}
	return nil
}

func jsonElement(e json.RawMessage) (any, error) {
	switch e[0] {
	case '"':
		var s string
		err := json.Unmarshal(e, &s)
		return s, err
	case 'n':
		return nil, nil
	}
	var b bytes.Buffer
	err := json.Compact(&b, e)
	return b.String(), err
}

// notArray says what the value is instead of a JSON array.
func notArray(s string, err error) error {
	if !json.Valid([]byte(s)) {
		if err == nil {
			err = json.Unmarshal([]byte(s), new(any))
		}
		return fmt.Errorf("not valid JSON: %w", err)
	}
	t := strings.TrimLeft(s, " \t\r\n")
	what := map[byte]string{'{': "an object", '"': "a string", 'n': "null", 't': "a boolean", 'f': "a boolean"}[t[0]]
	if what == "" {
		what = "a number"
	}
	return fmt.Errorf("JSON %s is not an array", what)
}
