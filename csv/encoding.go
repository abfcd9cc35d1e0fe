package csvsrc

import (
	"bytes"
	"strings"

	"github.com/sluicedb/sluice/charset"
)

// encoding is how a file's bytes are text: UTF-8, UTF-16, or one of the
// legacy character sets of package charset (the same names and strict
// conversion as a declared encoding of the database sources).
//
// UTF-16 is transcoded to UTF-8 as a stream before it is parsed, with
// badByte (never valid UTF-8) for a unit that is not text. Every other
// encoding keeps ASCII's bytes for ASCII's characters, so the scanner finds
// delimiters, quotes and line breaks in the stored bytes, and each field is
// converted on its own; in a multi-byte set, whose later bytes of a
// character may be anything from 0x40 up, the delimiter, quote and escape
// must be below 0x40.
type encoding struct {
	name  string
	utf16 utf16Order
	set   *charset.Encoding // a legacy character set; nil for UTF-8 and UTF-16
}

type utf16Order int

const (
	utf16None utf16Order = iota
	utf16BOM             // the byte order mark decides; a file without one is an error
	utf16LE
	utf16BE
)

// badByte stands for UTF-16 input that is not text.
const badByte = 0xFF

var utf8Encoding = &encoding{name: "utf-8"}

// lookupEncoding finds an encoding by name, without regard to case.
func lookupEncoding(name string) (*encoding, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	switch strings.ReplaceAll(strings.ReplaceAll(n, "_", ""), "-", "") {
	case "utf8":
		return utf8Encoding, true
	case "utf16":
		return &encoding{name: "utf-16", utf16: utf16BOM}, true
	case "utf16le":
		return &encoding{name: "utf-16le", utf16: utf16LE}, true
	case "utf16be":
		return &encoding{name: "utf-16be", utf16: utf16BE}, true
	}
	set, ok := charset.Lookup(n)
	if !ok {
		set, ok = charset.Lookup(strings.ReplaceAll(n, "_", "-"))
	}
	if !ok {
		return nil, false
	}
	return &encoding{name: set.Name(), set: set}, true
}

// encodingNames lists the names, for messages.
func encodingNames() string {
	return "utf-8, utf-16 (with a byte order mark), utf-16le, utf-16be, " + strings.Join(charset.Names(), ", ")
}

// transcoded reports an encoding read through the stream transcoder.
func (e *encoding) transcoded() bool { return e.utf16 != utf16None }

// multiByte reports a legacy set whose characters may take several bytes.
func (e *encoding) multiByte() bool { return e.set != nil && e.set.MultiByte() }

// decode turns a field's bytes into UTF-8 text, or says why they are not
// text in the file's encoding. UTF-8 is taken as it is: the value's check
// rejects invalid UTF-8, naming its byte offset.
func (e *encoding) decode(b []byte) (string, string) {
	switch {
	case e.set != nil:
		s, err := e.set.Decode(b)
		if err != nil {
			return "", err.Error()
		}
		return s, ""
	case e.utf16 != utf16None && bytes.IndexByte(b, badByte) >= 0:
		return "", "holds an unpaired UTF-16 surrogate or a stray byte, which is not text in " + e.name
	}
	return string(b), ""
}
