package target

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// escapeText makes s storable in a text column and readable: PostgreSQL text
// holds neither NUL nor invalid UTF-8, so each such byte becomes \xNN. Raw
// values keep their exact bytes in raw_bytes beside it.
func escapeText(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == 0 || (r == utf8.RuneError && size == 1) {
			fmt.Fprintf(&b, `\x%02x`, s[i])
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
