package csvsrc

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// encoding is how a file's bytes are text. Every file is transcoded to
// UTF-8 before it is parsed; a byte (or UTF-16 unit) that is not a
// character in the encoding becomes badByte, which never occurs in UTF-8,
// so that the value holding it is rejected instead of silently replaced.
type encoding struct {
	name  string       // canonical name, as documented
	utf16 utf16Order   // UTF-16 family, else utf16None
	table *[256]string // single-byte charsets: each byte's UTF-8 text, "" for none; nil for UTF-8 and UTF-16
}

type utf16Order int

const (
	utf16None utf16Order = iota
	utf16BOM             // the byte order mark decides; a file without one is an error
	utf16LE
	utf16BE
)

// badByte stands for input that is not text in the file's encoding.
const badByte = 0xFF

var utf8Encoding = &encoding{name: "utf-8"}

// charmaps are the single-byte encodings, by canonical name. Each maps the
// ASCII bytes to themselves (checked by a test), so delimiters, quotes and
// line breaks are found in them as in ASCII.
var charmaps = map[string]*charmap.Charmap{
	"iso-8859-1": charmap.ISO8859_1, "iso-8859-2": charmap.ISO8859_2, "iso-8859-3": charmap.ISO8859_3,
	"iso-8859-4": charmap.ISO8859_4, "iso-8859-5": charmap.ISO8859_5, "iso-8859-6": charmap.ISO8859_6,
	"iso-8859-7": charmap.ISO8859_7, "iso-8859-8": charmap.ISO8859_8, "iso-8859-9": charmap.ISO8859_9,
	"iso-8859-10": charmap.ISO8859_10, "iso-8859-13": charmap.ISO8859_13, "iso-8859-14": charmap.ISO8859_14,
	"iso-8859-15": charmap.ISO8859_15, "iso-8859-16": charmap.ISO8859_16,
	"windows-1250": charmap.Windows1250, "windows-1251": charmap.Windows1251, "windows-1252": charmap.Windows1252,
	"windows-1253": charmap.Windows1253, "windows-1254": charmap.Windows1254, "windows-1255": charmap.Windows1255,
	"windows-1256": charmap.Windows1256, "windows-1257": charmap.Windows1257, "windows-1258": charmap.Windows1258,
	"windows-874": charmap.Windows874, "koi8-r": charmap.KOI8R, "koi8-u": charmap.KOI8U,
	"ibm437": charmap.CodePage437, "ibm850": charmap.CodePage850, "ibm852": charmap.CodePage852,
	"ibm866": charmap.CodePage866, "macintosh": charmap.Macintosh,
}

// encodingAliases are other names people use for the canonical ones.
var encodingAliases = map[string]string{
	"utf8": "utf-8", "utf16": "utf-16", "utf16le": "utf-16le", "utf16be": "utf-16be",
	"latin1": "iso-8859-1", "latin-1": "iso-8859-1", "l1": "iso-8859-1", "latin2": "iso-8859-2",
	"latin9": "iso-8859-15", "cp819": "iso-8859-1",
	"cp1250": "windows-1250", "cp1251": "windows-1251", "cp1252": "windows-1252", "cp1253": "windows-1253",
	"cp1254": "windows-1254", "cp1255": "windows-1255", "cp1256": "windows-1256", "cp1257": "windows-1257",
	"cp1258": "windows-1258", "cp874": "windows-874", "cp437": "ibm437", "cp850": "ibm850", "cp852": "ibm852",
	"cp866": "ibm866", "mac-roman": "macintosh", "macroman": "macintosh",
}

// lookupEncoding finds an encoding by name, without regard to case or to
// "_" written for "-".
func lookupEncoding(name string) (*encoding, bool) {
	n := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(name)), "_", "-")
	if canon, ok := encodingAliases[n]; ok {
		n = canon
	}
	switch n {
	case "utf-8":
		return utf8Encoding, true
	case "utf-16":
		return &encoding{name: n, utf16: utf16BOM}, true
	case "utf-16le":
		return &encoding{name: n, utf16: utf16LE}, true
	case "utf-16be":
		return &encoding{name: n, utf16: utf16BE}, true
	}
	cm, ok := charmaps[n]
	if !ok {
		return nil, false
	}
	return &encoding{name: n, table: byteTable(cm)}, true
}

func byteTable(cm *charmap.Charmap) *[256]string {
	var t [256]string
	for b := range 256 {
		if r := cm.DecodeByte(byte(b)); r != utf8.RuneError {
			t[b] = string(r)
		}
	}
	return &t
}

// encodingNames lists the canonical names, for messages.
func encodingNames() string {
	return "utf-8, utf-16 (with a byte order mark), utf-16le, utf-16be, iso-8859-1 (latin1) to iso-8859-16, " +
		"windows-1250 to windows-1258 (cp1250...), windows-874, koi8-r, koi8-u, ibm437, ibm850, ibm852, ibm866, macintosh"
}

// transcoded reports an encoding whose text is not the file's bytes.
func (e *encoding) transcoded() bool { return e.utf16 != utf16None || e.table != nil }

// badText says what a badByte in a value of this encoding was.
func (e *encoding) badText() string {
	if e.utf16 != utf16None {
		return "holds an unpaired UTF-16 surrogate or a stray byte, which is not text in " + e.name
	}
	return "holds a byte that is not a character in " + e.name
}
