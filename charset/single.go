package charset

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// byteTable is a single-byte set: the rune of every byte, or -1 for a byte
// that is not a character.
type byteTable struct {
	runes [256]rune
	bytes map[rune]byte // the inverse, for Encode
}

// noRune marks a byte that is not a character of the set.
const noRune = -1

// tableOf builds the table of a charmap: a byte whose rune does not encode
// back to it (x/text maps undefined bytes to U+FFFD) is not a character.
// Each fill rune then replaces the undefined byte it is keyed by.
func tableOf(cm *charmap.Charmap, fill map[byte]rune) *byteTable {
	t := &byteTable{bytes: make(map[rune]byte, 256)}
	for i := range 256 {
		b := byte(i)
		r := cm.DecodeByte(b)
		if back, ok := cm.EncodeRune(r); !ok || back != b || r == utf8.RuneError {
			r = noRune
		}
		if f, ok := fill[b]; ok && r == noRune {
			r = f
		}
		t.set(b, r)
	}
	return t
}

func (t *byteTable) set(b byte, r rune) {
	t.runes[b] = r
	if r != noRune {
		t.bytes[r] = b
	}
}

// asciiTable is US-ASCII: bytes 0x80 and up are not characters.
func asciiTable() *byteTable {
	t := &byteTable{bytes: make(map[rune]byte, 128)}
	for i := range 256 {
		r := rune(i)
		if i >= 0x80 {
			r = noRune
		}
		t.set(byte(i), r)
	}
	return t
}

// c1Controls fills bytes 0x80..0x9F with the C1 control characters
// U+0080..U+009F, as ISO/IEC 8859 reserves them; only the bytes a set
// leaves undefined are filled.
func c1Controls(bytes ...byte) map[byte]rune {
	fill := map[byte]rune{}
	if len(bytes) == 0 {
		for b := 0x80; b <= 0x9f; b++ {
			fill[byte(b)] = rune(b)
		}
	}
	for _, b := range bytes {
		fill[b] = rune(b)
	}
	return fill
}

func (t *byteTable) decode(name string, b []byte) (string, error) {
	var sb strings.Builder
	sb.Grow(len(b))
	for i, c := range b {
		r := t.runes[c]
		if r == noRune {
			return "", &Error{Charset: name, Offset: i, Bytes: []byte{c}}
		}
		sb.WriteRune(r)
	}
	return sb.String(), nil
}

func (t *byteTable) encode(name, s string) ([]byte, error) {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		b, ok := t.bytes[r]
		if !ok {
			return nil, fmt.Errorf("encode to %s: %U has no byte in the set", name, r)
		}
		out = append(out, b)
	}
	return out, nil
}
