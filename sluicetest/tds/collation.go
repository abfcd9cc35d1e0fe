package tds

import (
	"cmp"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/unicode/norm"
)

// Collation is a SQL Server collation as the test server knows it: its wire
// form (LCID, flags, sort id), its code page for char/varchar/text, and how
// it compares.
type Collation struct {
	Name     string
	LCID     uint32
	Flags    byte // bit 0 ignore case, 1 ignore accent, 2 ignore kana, 3 ignore width, 4 binary, 5 binary2
	SortID   byte
	CodePage int
	// Fold is true for a case-insensitive collation.
	Fold bool
	// Binary compares code points (a _BIN or _BIN2 collation).
	Binary bool
}

const (
	flagIgnoreCase   = 0x01
	flagIgnoreKana   = 0x04
	flagIgnoreWidth  = 0x08
	flagBinary2      = 0x20
	flagsInsensitive = flagIgnoreCase | flagIgnoreKana | flagIgnoreWidth
	flagsSensitive   = flagIgnoreKana | flagIgnoreWidth
)

// collations are the ones fixtures may name. The first is the server default.
var collations = []*Collation{
	{Name: "SQL_Latin1_General_CP1_CI_AS", LCID: 0x409, Flags: flagsInsensitive, SortID: 52, CodePage: 1252, Fold: true},
	{Name: "SQL_Latin1_General_CP1_CS_AS", LCID: 0x409, Flags: flagsSensitive, SortID: 51, CodePage: 1252},
	{Name: "Latin1_General_CI_AS", LCID: 0x409, Flags: flagsInsensitive, CodePage: 1252, Fold: true},
	{Name: "Latin1_General_CS_AS", LCID: 0x409, Flags: flagsSensitive, CodePage: 1252},
	{Name: "Latin1_General_BIN2", LCID: 0x409, Flags: flagBinary2, CodePage: 1252, Binary: true},
	{Name: "Polish_CI_AS", LCID: 0x415, Flags: flagsInsensitive, CodePage: 1250, Fold: true},
	{Name: "Cyrillic_General_CI_AS", LCID: 0x419, Flags: flagsInsensitive, CodePage: 1251, Fold: true},
	{Name: "Greek_CI_AS", LCID: 0x408, Flags: flagsInsensitive, CodePage: 1253, Fold: true},
	{Name: "Japanese_CI_AS", LCID: 0x411, Flags: flagsInsensitive, CodePage: 932, Fold: true},
	{Name: "Chinese_PRC_CI_AS", LCID: 0x804, Flags: flagsInsensitive, CodePage: 936, Fold: true},
	{Name: "Korean_Wansung_CI_AS", LCID: 0x412, Flags: flagsInsensitive, CodePage: 949, Fold: true},
	{Name: "Chinese_Taiwan_Stroke_CI_AS", LCID: 0x404, Flags: flagsInsensitive, CodePage: 950, Fold: true},
}

// DefaultCollation is the server's and every fixture database's default.
var DefaultCollation = collations[0]

// LookupCollation finds a collation by name, case-insensitively.
func LookupCollation(name string) (*Collation, error) {
	for _, c := range collations {
		if strings.EqualFold(c.Name, name) {
			return c, nil
		}
	}
	return nil, fmt.Errorf("collation %s is not supported by the test server", name)
}

// Wire is the 5-byte TDS collation: LCID and flags in a little-endian
// 32-bit word (version 0), then the sort id.
func (c *Collation) Wire() []byte {
	w := c.LCID | uint32(c.Flags)<<20
	return []byte{byte(w), byte(w >> 8), byte(w >> 16), byte(w >> 24), c.SortID}
}

// Encoding is the code page of char, varchar and text values.
func (c *Collation) Encoding() encoding.Encoding {
	return codePageEncoding(c.CodePage)
}

func codePageEncoding(cp int) encoding.Encoding {
	switch cp {
	case 1250:
		return charmap.Windows1250
	case 1251:
		return charmap.Windows1251
	case 1253:
		return charmap.Windows1253
	case 932:
		return japanese.ShiftJIS
	case 936:
		return simplifiedchinese.GBK
	case 949:
		return korean.EUCKR
	case 950:
		return traditionalchinese.Big5
	}
	return charmap.Windows1252
}

// Compare orders two Unicode strings as the collation does, approximately:
// trailing spaces are ignored (as SQL Server pads the shorter operand); a
// binary collation compares code points; otherwise strings compare first
// by their letters without accents and case (é and E sort with e), then by
// accents (e before é), and a case-sensitive collation then puts lower
// case first. SQL Server's real collations also ignore hyphens and
// apostrophes at first ("word sort") and follow each locale's alphabet;
// the test server does not, and the fixtures' keys do not depend on it.
func (c *Collation) Compare(a, b string) int {
	a, b = strings.TrimRight(a, " "), strings.TrimRight(b, " ")
	if c.Binary {
		return strings.Compare(a, b)
	}
	if r := compareRunes(baseLetters(a), baseLetters(b)); r != 0 {
		return r
	}
	if r := compareRunes(foldCase(a), foldCase(b)); r != 0 || c.Fold {
		return r
	}
	return compareRunes(swapCase(a), swapCase(b))
}

func compareRunes(a, b []rune) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return cmp.Compare(a[i], b[i])
		}
	}
	return cmp.Compare(len(a), len(b))
}

// baseLetters folds case and drops accents: the letters a string sorts by first.
func baseLetters(s string) []rune {
	var out []rune
	for _, r := range norm.NFD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			out = append(out, foldRune(r))
		}
	}
	return out
}

func foldCase(s string) []rune {
	out := []rune(norm.NFD.String(s))
	for i, r := range out {
		out[i] = foldRune(r)
	}
	return out
}

// swapCase makes lower case sort before upper case, as case-sensitive
// Windows collations do.
func swapCase(s string) []rune {
	out := []rune(s)
	for i, r := range out {
		switch {
		case unicode.IsUpper(r):
			out[i] = unicode.ToLower(r)
		case unicode.IsLower(r):
			out[i] = unicode.ToUpper(r)
		}
	}
	return out
}

// foldRune maps the cases of a letter to one rune: the lower case of its
// upper case, so that 'A', 'a' and also 'ſ' (long s, upper S) fold alike.
func foldRune(r rune) rune {
	return unicode.ToLower(unicode.ToUpper(r))
}

// encodeCodePage writes Unicode text in the collation's code page; a
// character the code page lacks becomes '?', as SQL Server does.
func encodeCodePage(s string, c *Collation) string {
	if c == nil {
		c = DefaultCollation
	}
	enc := c.Encoding().NewEncoder()
	var b strings.Builder
	for _, r := range s {
		out, err := enc.String(string(r))
		if err != nil {
			out = "?"
		}
		b.WriteString(out)
	}
	return b.String()
}

// decodeCodePage reads code-page bytes as Unicode text; an undefined byte
// becomes U+FFFD (the source under test must reject it, never the server).
func decodeCodePage(raw string, c *Collation) string {
	if c == nil {
		c = DefaultCollation
	}
	out, err := c.Encoding().NewDecoder().String(raw)
	if err != nil {
		return raw
	}
	return out
}
