package charset

import (
	"bytes"
	"errors"
	"unicode/utf8"

	"golang.org/x/text/transform"
)

// firstBad finds the first character of b that does not convert strictly,
// and how many bytes it spans. It runs only once a value has failed the
// round trip, so it may be slow: it decodes one character at a time.
func (e *Encoding) firstBad(b []byte) (at, n int) {
	for at < len(b) {
		size, ok := e.nextChar(b[at:])
		if !ok {
			return at, size
		}
		at += size
	}
	// Every character converts on its own, yet not the value as a whole:
	// a decoder that keeps state across characters. Name the whole value.
	return 0, len(b)
}

// nextChar decodes the first character of src and reports how many bytes
// it spans and whether it converts back to exactly those bytes. The
// decoder writes runes while they fit, so a destination grown one byte at a
// time receives exactly one rune the first time it receives any.
func (e *Encoding) nextChar(src []byte) (int, bool) {
	var dst [utf8.UTFMax]byte
	for size := 1; size <= len(dst); size++ {
		nDst, nSrc, err := e.multi.NewDecoder().Transform(dst[:size], src, true)
		if nDst > 0 {
			return nSrc, e.converts(dst[:nDst], src[:nSrc])
		}
		if !errors.Is(err, transform.ErrShortDst) {
			return max(nSrc, 1), false
		}
	}
	return 1, false
}

// converts reports whether the decoded rune is a character (not a
// replacement) that encodes back to raw.
func (e *Encoding) converts(decoded, raw []byte) bool {
	r, _ := utf8.DecodeRune(decoded)
	if r == utf8.RuneError {
		return false
	}
	back, err := e.multi.NewEncoder().Bytes(decoded)
	return err == nil && bytes.Equal(back, raw)
}
