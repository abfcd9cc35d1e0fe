package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// normalizeDetails turns details into plain JSON values: map[string]any,
// []any, string, bool, nil and json.Number in canonical form. That is the
// form in which an entry is hashed, stored and read back, so an entry read
// from the table compares equal (reflect.DeepEqual) to the one appended.
// nil details become an empty map, as an empty jsonb object reads back.
func normalizeDetails(details map[string]any) (map[string]any, error) {
	if details == nil {
		return map[string]any{}, nil
	}
	return normalizeMap(details)
}

func normalizeMap(m map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(m))
	for k, v := range m {
		key := cleanString(k)
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("keys %q collide once made valid UTF-8 without NUL", key)
		}
		nv, err := normalizeValue(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		out[key] = nv
	}
	return out, nil
}

// normalizeValue handles the types details usually hold directly and sends
// anything else (structs, time.Time, typed slices and maps, big numbers)
// through encoding/json, whose output is then normalised like the rest.
func normalizeValue(v any) (any, error) {
	switch x := v.(type) {
	case nil, bool:
		return x, nil
	case string:
		return cleanString(x), nil
	case json.Number:
		n, err := canonicalNumber(string(x))
		return json.Number(n), err
	case int:
		return json.Number(strconv.FormatInt(int64(x), 10)), nil
	case int64:
		return json.Number(strconv.FormatInt(x, 10)), nil
	case int32:
		return json.Number(strconv.FormatInt(int64(x), 10)), nil
	case uint64:
		return json.Number(strconv.FormatUint(x, 10)), nil
	case float64:
		return floatNumber(x, 64)
	case float32:
		return floatNumber(float64(x), 32)
	case map[string]any:
		return normalizeMap(x)
	case []any:
		return normalizeSlice(x)
	}
	return normalizeViaJSON(v)
}

func normalizeSlice(s []any) ([]any, error) {
	out := make([]any, len(s))
	for i, v := range s {
		nv, err := normalizeValue(v)
		if err != nil {
			return nil, fmt.Errorf("[%d]: %w", i, err)
		}
		out[i] = nv
	}
	return out, nil
}

func floatNumber(f float64, bits int) (any, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("%v has no JSON form", f)
	}
	n, err := canonicalNumber(strconv.FormatFloat(f, 'g', -1, bits))
	return json.Number(n), err
}

func normalizeViaJSON(v any) (any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %T as JSON: %w", v, err)
	}
	generic, err := decodeJSON(raw)
	if err != nil {
		return nil, fmt.Errorf("decode %T from JSON: %w", v, err)
	}
	return normalizeValue(generic)
}

// decodeJSON decodes one JSON value keeping numbers as json.Number, so that no
// integer or decimal goes through float64.
func decodeJSON(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("more than one JSON value")
	}
	return v, nil
}

// cleanString makes s storable in PostgreSQL text and jsonb, which accept
// neither invalid UTF-8 nor U+0000: both become U+FFFD, before hashing, so
// the hash covers exactly what is stored.
func cleanString(s string) string {
	if utf8.ValidString(s) && !strings.ContainsRune(s, 0) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}
