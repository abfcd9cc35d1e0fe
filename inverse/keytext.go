package inverse

import (
	"fmt"

	"github.com/google/uuid"
)

// SplitKeyText reads sluice.KeyText of a composite key back into its n
// parts: they are joined by '|', and a '|' or '\' inside a part has a '\'
// before it.
func SplitKeyText(text string, n int) ([]string, error) {
	var parts []string
	var cur []byte
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '\\' && i+1 < len(text):
			i++
			cur = append(cur, text[i])
		case c == '\\':
			return nil, fmt.Errorf("ends in a lone backslash")
		case c == '|':
			parts, cur = append(parts, string(cur)), nil
		default:
			cur = append(cur, c)
		}
	}
	parts = append(parts, string(cur))
	if len(parts) != n {
		return nil, fmt.Errorf("%d parts, the key has %d columns", len(parts), n)
	}
	return parts, nil
}

func uuidBytes(v any) ([16]byte, bool) {
	switch x := v.(type) {
	case [16]byte:
		return x, true
	case uuid.UUID:
		return x, true
	case string:
		u, err := uuid.Parse(x)
		return u, err == nil
	}
	return [16]byte{}, false
}
