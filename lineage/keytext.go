package lineage

import (
	"strings"

	"github.com/sluicedb/sluice"
)

// SplitKey splits a legacy key written as sluice.KeyText writes it into its
// n parts: a single value is the whole text; the parts of a composite key
// are joined with '|', each '\' and '|' inside a part escaped with '\'.
// It returns false when the text does not hold exactly n parts.
func SplitKey(text string, n int) ([]string, bool) {
	if n <= 1 {
		return []string{text}, n == 1
	}
	var parts []string
	var part strings.Builder
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '\\' && i+1 < len(text):
			i++
			part.WriteByte(text[i])
		case c == '|':
			parts = append(parts, part.String())
			part.Reset()
		default:
			part.WriteByte(c)
		}
	}
	parts = append(parts, part.String())
	return parts, len(parts) == n
}

// joinKey is the inverse of SplitKey: the KeyText of text parts.
func joinKey(parts []string) string {
	if len(parts) == 1 {
		return parts[0]
	}
	r := strings.NewReplacer(`\`, `\\`, `|`, `\|`)
	escaped := make([]string, len(parts))
	for i, p := range parts {
		escaped[i] = r.Replace(p)
	}
	return strings.Join(escaped, "|")
}

// keyText is the KeyText of decoded ledger bounds; "" for none.
func keyText(key []any) string {
	if len(key) == 0 {
		return ""
	}
	return sluice.KeyText(key)
}
