package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

// appendCanonical writes a normalised value (see normalizeDetails) as
// canonical JSON: no whitespace, object keys in byte order at every depth,
// numbers as normalised, strings escaped as appendString says.
func appendCanonical(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case bool:
		if x {
			return append(b, "true"...), nil
		}
		return append(b, "false"...), nil
	case string:
		return appendString(b, x), nil
	case json.Number:
		return append(b, x...), nil
	case json.RawMessage: // only for exporting a tampered row as it is
		return appendCompact(b, x)
	case map[string]any:
		return appendObject(b, x)
	case []any:
		return appendArray(b, x)
	}
	return nil, fmt.Errorf("encode %T: not a normalised JSON value", v)
}

func appendObject(b []byte, m map[string]any) ([]byte, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys) // Go compares strings bytewise: UTF-8 byte order = code point order
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(appendString(b, k), ':')
		var err error
		if b, err = appendCanonical(b, m[k]); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

func appendArray(b []byte, s []any) ([]byte, error) {
	b = append(b, '[')
	for i, v := range s {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendCanonical(b, v); err != nil {
			return nil, err
		}
	}
	return append(b, ']'), nil
}

// shortEscapes are the two-character escapes JSON defines for control
// characters; the other control characters are written as \u00xx.
var shortEscapes = map[byte]byte{'\b': 'b', '\t': 't', '\n': 'n', '\f': 'f', '\r': 'r'}

// appendString writes s as a JSON string the way ECMAScript's JSON.stringify
// and Python's json.dumps(ensure_ascii=False) do: `"` and `\` escaped with a
// backslash, control characters below U+0020 as \b \t \n \f \r or \u00xx
// (lower-case hex), everything else, including non-ASCII, as literal UTF-8.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20 && shortEscapes[c] != 0:
			b = append(b, '\\', shortEscapes[c])
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

func appendCompact(b []byte, raw json.RawMessage) ([]byte, error) {
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, err
	}
	return append(b, buf.Bytes()...), nil
}
