package charset

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
)

// Encoding is a character set that converts strictly to and from UTF-8.
// It is safe for concurrent use.
type Encoding struct {
	name   string
	single *byteTable        // single-byte sets: one rune per byte, or none
	multi  encoding.Encoding // multi-byte sets, checked by a round trip
}

// Name is the encoding's canonical name, as Names lists it.
func (e *Encoding) Name() string { return e.name }

// Error is a value that does not convert: the first byte sequence in it
// that is not a character of the set, or whose character would not convert
// back to the same bytes.
type Error struct {
	Charset string
	Offset  int    // where the sequence starts in the value
	Bytes   []byte // the sequence
}

func (e *Error) Error() string {
	return fmt.Sprintf("not valid %s: bytes %x at byte %d", e.Charset, e.Bytes, e.Offset)
}

// Lookup finds an encoding by one of its names, case-insensitively.
func Lookup(name string) (*Encoding, bool) {
	e, ok := registry()[aliases[strings.ToLower(name)]]
	return e, ok
}

// Names lists the canonical names Lookup knows, sorted.
func Names() []string {
	var names []string
	for name := range registry() {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// Decode converts b to UTF-8, or fails with an *Error.
func (e *Encoding) Decode(b []byte) (string, error) {
	if e.single != nil {
		return e.single.decode(e.name, b)
	}
	if s, ok := e.roundTrip(b); ok {
		return s, nil
	}
	at, n := e.firstBad(b)
	return "", &Error{Charset: e.name, Offset: at, Bytes: bytes.Clone(b[at : at+n])}
}

// Encode converts UTF-8 text to the set's bytes: the inverse of Decode. A
// rune the set has no bytes for, or invalid UTF-8, is an error.
func (e *Encoding) Encode(s string) ([]byte, error) {
	if !utf8.ValidString(s) {
		return nil, fmt.Errorf("encode to %s: the text is not valid UTF-8", e.name)
	}
	if e.single != nil {
		return e.single.encode(e.name, s)
	}
	b, err := e.multi.NewEncoder().Bytes([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("encode to %s: %w", e.name, err)
	}
	return b, nil
}

// roundTrip decodes b and accepts the result only when it encodes back to
// b: the decoders replace what they cannot map with U+FFFD, which then
// either does not encode or encodes to other bytes.
func (e *Encoding) roundTrip(b []byte) (string, bool) {
	out, err := e.multi.NewDecoder().Bytes(b)
	if err != nil {
		return "", false
	}
	back, err := e.multi.NewEncoder().Bytes(out)
	if err != nil || !bytes.Equal(back, b) {
		return "", false
	}
	return string(out), true
}

// MultiByte reports a set whose characters may take more than one byte,
// the later ones anywhere from 0x40 up: a reader that splits such text at
// an ASCII byte must choose one below 0x40.
func (e *Encoding) MultiByte() bool { return e.multi != nil }
