package cast

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/sluicedb/sluice"
)

// toJSON converts to json or jsonb, as a string holding the JSON text: pgx
// sends a string to a json or jsonb column as it is, without marshalling it
// again, so the text must be valid JSON already.
func toJSON(_ sluice.Type, t target, _ Options) Func {
	return func(v any) (any, error) {
		s, err := jsonText(v, t)
		if err != nil {
			return nil, err
		}
		if err := validJSON(s, t); err != nil {
			return nil, err
		}
		if _, ok := v.(string); ok {
			return v, nil
		}
		return s, nil
	}
}

// jsonText accepts text, and the scalars SQLite may store in a JSON column.
func jsonText(v any, t target) (string, error) {
	if s, ok := integerText(v); ok {
		return s, nil
	}
	switch x := v.(type) {
	case string:
		return x, nil
	case []byte:
		return string(x), nil
	case bool:
		return strconv.FormatBool(x), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "", rejectf("%v is not valid JSON", x)
		}
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	}
	return "", unsupported(v, t)
}

func validJSON(s string, t target) error {
	if err := validText(s); err != nil {
		return err
	}
	if !json.Valid([]byte(s)) {
		return rejectf("invalid JSON%s", syntaxAt(s))
	}
	if i := escapedNUL(s); i >= 0 && t.base == "jsonb" {
		return rejectf(`\u0000 at byte %d, jsonb cannot hold it`, i)
	}
	return nil
}

// syntaxAt says where JSON text goes wrong, as the offset of the offending
// byte (or of the end, when the text stops short); only called once it has.
func syntaxAt(s string) string {
	var raw json.RawMessage
	var syn *json.SyntaxError
	if err := json.Unmarshal([]byte(s), &raw); !errors.As(err, &syn) {
		return ""
	}
	at := syn.Offset - 1 // json counts the bytes read, the offending one included
	if strings.HasPrefix(syn.Error(), "unexpected end") {
		at = syn.Offset
	}
	return " at byte " + strconv.FormatInt(at, 10) + ": " + syn.Error()
}

// escapedNUL finds the escape \u0000 in valid JSON, where every backslash
// starts an escape inside a string.
func escapedNUL(s string) int {
	for i := 0; i < len(s)-1; i++ {
		if s[i] != '\\' {
			continue
		}
		if s[i+1] == 'u' && len(s) >= i+6 && s[i+2:i+6] == "0000" {
			return i
		}
		i++ // skip the escaped character
	}
	return -1
}
