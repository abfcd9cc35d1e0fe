package cast

import (
	"encoding/hex"
	"strconv"
	"unicode/utf8"
)

// maxShown bounds how much of a value a reason quotes: a reason names the
// problem, the raw value is stored beside it.
const maxShown = 40

// quote shows text in a reason: Go-quoted, so that invalid UTF-8 and control
// bytes stay visible, and cut after maxShown bytes.
func quote(s string) string {
	if len(s) <= maxShown {
		return strconv.Quote(s)
	}
	cut := maxShown
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "..."
}

// plural writes "1 digit" or "3 digits".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// hexShown shows bytes in a reason as 0x-prefixed hex, cut after maxShown/2 bytes.
func hexShown(b []byte) string {
	if len(b) <= maxShown/2 {
		return "0x" + hex.EncodeToString(b)
	}
	return "0x" + hex.EncodeToString(b[:maxShown/2]) + "..."
}
