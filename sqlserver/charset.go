package sqlserver

import (
	"fmt"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
)

// codePages are the code pages of SQL Server's collations for char,
// varchar and text.
var codePages = map[int]encoding.Encoding{
	437: charmap.CodePage437, 850: charmap.CodePage850, 874: charmap.Windows874,
	1250: charmap.Windows1250, 1251: charmap.Windows1251, 1252: charmap.Windows1252,
	1253: charmap.Windows1253, 1254: charmap.Windows1254, 1255: charmap.Windows1255,
	1256: charmap.Windows1256, 1257: charmap.Windows1257, 1258: charmap.Windows1258,
	932: japanese.ShiftJIS, 936: simplifiedchinese.GBK, 949: korean.EUCKR,
	950: traditionalchinese.Big5, 65001: unicode.UTF8,
}

// UnmappableText is a char, varchar or text value holding bytes its
// column's code page does not define (0x81 in code page 1252, say), or a
// value of a code page Sluice cannot decode. The source yields it instead
// of a string so that the value is rejected, with its bytes, rather than
// loaded with a replacement character. It is deliberately not a
// fmt.Stringer: no cast turns it into text.
type UnmappableText struct {
	CodePage int
	Raw      []byte
	Offset   int // the first byte that does not decode; -1 when the code page is unknown
}

// Format shows the raw bytes and why they were not decoded, for the
// rejects table.
func (u UnmappableText) Format(f fmt.State, _ rune) {
	if u.Offset < 0 {
		fmt.Fprintf(f, "0x%x (code page %d is not supported)", u.Raw, u.CodePage)
		return
	}
	fmt.Fprintf(f, "0x%x (byte %d is not defined in code page %d)", u.Raw, u.Offset, u.CodePage)
}

// decodeText decodes code-page bytes strictly: ASCII passes through, and a
// byte the code page does not map makes the value an UnmappableText.
func decodeText(raw []byte, codePage int) any {
	if isASCII(raw) {
		return string(raw)
	}
	enc, ok := codePages[codePage]
	if !ok {
		return UnmappableText{CodePage: codePage, Raw: raw, Offset: -1}
	}
	if codePage == 65001 {
		if !utf8.Valid(raw) {
			return UnmappableText{CodePage: codePage, Raw: raw, Offset: firstInvalid(raw)}
		}
		return string(raw)
	}
	out, err := enc.NewDecoder().Bytes(raw)
	if err != nil {
		return UnmappableText{CodePage: codePage, Raw: raw, Offset: 0}
	}
	if at := replacementAt(enc, raw); at >= 0 {
		return UnmappableText{CodePage: codePage, Raw: raw, Offset: at}
	}
	return string(out)
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// replacementAt finds the first byte that decodes to U+FFFD, or -1: the
// code pages above cannot encode U+FFFD itself, so it only marks an
// undefined byte or sequence. For a double-byte code page a prefix that
// ends inside a pair also decodes to U+FFFD, so the offset is the first
// whose prefixes, with and without the next byte, both fail.
func replacementAt(enc encoding.Encoding, raw []byte) int {
	if cm, ok := enc.(*charmap.Charmap); ok {
		for i, b := range raw {
			if cm.DecodeByte(b) == utf8.RuneError {
				return i
			}
		}
		return -1
	}
	bad := func(n int) bool {
		out, err := enc.NewDecoder().Bytes(raw[:n])
		return err != nil || containsReplacement(out)
	}
	if !bad(len(raw)) {
		return -1
	}
	for i := 1; i <= len(raw); i++ {
		if bad(i) && (i == len(raw) || bad(i+1)) {
			return i - 1
		}
	}
	return 0
}

func containsReplacement(b []byte) bool {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError {
			return true
		}
		b = b[size:]
	}
	return false
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}
