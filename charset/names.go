package charset

import (
	"sync"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// singles are the single-byte sets. latin1 is what MySQL and the WHATWG
// Encoding Standard call latin1: Windows-1252, with the five bytes Windows
// leaves undefined read as the C1 controls of the same number, so that
// every byte is a character; cp1252 is Windows-1252 itself. The ISO 8859
// sets read 0x80..0x9F as the C1 controls the standard reserves there.
var singles = map[string]func() *byteTable{
	"ascii":       asciiTable,
	"latin1":      func() *byteTable { return tableOf(charmap.Windows1252, c1Controls(0x81, 0x8d, 0x8f, 0x90, 0x9d)) },
	"iso-8859-1":  func() *byteTable { return tableOf(charmap.ISO8859_1, c1Controls()) },
	"iso-8859-2":  func() *byteTable { return tableOf(charmap.ISO8859_2, c1Controls()) },
	"iso-8859-3":  func() *byteTable { return tableOf(charmap.ISO8859_3, c1Controls()) },
	"iso-8859-4":  func() *byteTable { return tableOf(charmap.ISO8859_4, c1Controls()) },
	"iso-8859-5":  func() *byteTable { return tableOf(charmap.ISO8859_5, c1Controls()) },
	"iso-8859-6":  func() *byteTable { return tableOf(charmap.ISO8859_6, c1Controls()) },
	"iso-8859-7":  func() *byteTable { return tableOf(charmap.ISO8859_7, c1Controls()) },
	"iso-8859-8":  func() *byteTable { return tableOf(charmap.ISO8859_8, c1Controls()) },
	"iso-8859-9":  func() *byteTable { return tableOf(charmap.ISO8859_9, c1Controls()) },
	"iso-8859-10": func() *byteTable { return tableOf(charmap.ISO8859_10, c1Controls()) },
	"iso-8859-13": func() *byteTable { return tableOf(charmap.ISO8859_13, c1Controls()) },
	"iso-8859-14": func() *byteTable { return tableOf(charmap.ISO8859_14, c1Controls()) },
	"iso-8859-15": func() *byteTable { return tableOf(charmap.ISO8859_15, c1Controls()) },
	"iso-8859-16": func() *byteTable { return tableOf(charmap.ISO8859_16, c1Controls()) },
	"cp1250":      func() *byteTable { return tableOf(charmap.Windows1250, nil) },
	"cp1251":      func() *byteTable { return tableOf(charmap.Windows1251, nil) },
	"cp1252":      func() *byteTable { return tableOf(charmap.Windows1252, nil) },
	"cp1253":      func() *byteTable { return tableOf(charmap.Windows1253, nil) },
	"cp1254":      func() *byteTable { return tableOf(charmap.Windows1254, nil) },
	"cp1255":      func() *byteTable { return tableOf(charmap.Windows1255, nil) },
	"cp1256":      func() *byteTable { return tableOf(charmap.Windows1256, nil) },
	"cp1257":      func() *byteTable { return tableOf(charmap.Windows1257, nil) },
	"cp1258":      func() *byteTable { return tableOf(charmap.Windows1258, nil) },
	"cp850":       func() *byteTable { return tableOf(charmap.CodePage850, nil) },
	"cp852":       func() *byteTable { return tableOf(charmap.CodePage852, nil) },
	"cp866":       func() *byteTable { return tableOf(charmap.CodePage866, nil) },
	"koi8r":       func() *byteTable { return tableOf(charmap.KOI8R, nil) },
	"koi8u":       func() *byteTable { return tableOf(charmap.KOI8U, nil) },
}

// multis are the multi-byte sets, as the WHATWG Encoding Standard defines
// them (gbk is Windows code page 936, sjis is Windows-31J, euckr is
// Windows code page 949).
var multis = map[string]encoding.Encoding{
	"gbk":     simplifiedchinese.GBK,
	"gb18030": simplifiedchinese.GB18030,
	"big5":    traditionalchinese.Big5,
	"sjis":    japanese.ShiftJIS,
	"eucjp":   japanese.EUCJP,
	"euckr":   korean.EUCKR,
}

// aliases maps every accepted spelling, lower-case, to its canonical name.
var aliases = func() map[string]string {
	a := map[string]string{
		"us-ascii": "ascii", "windows-1252": "cp1252", "iso-8859-1": "iso-8859-1", "latin2": "iso-8859-2",
		"windows-1250": "cp1250", "windows-1251": "cp1251", "windows-1253": "cp1253", "windows-1254": "cp1254",
		"windows-1255": "cp1255", "windows-1256": "cp1256", "windows-1257": "cp1257", "windows-1258": "cp1258",
		"koi8-r": "koi8r", "koi8-u": "koi8u", "shift_jis": "sjis", "cp932": "sjis", "windows-31j": "sjis",
		"euc-jp": "eucjp", "ujis": "eucjp", "euc-kr": "euckr", "cp936": "gbk",
	}
	for name := range singles {
		a[name] = name
	}
	for name := range multis {
		a[name] = name
	}
	return a
}()

// registry builds every encoding once, on first use.
var registry = sync.OnceValue(func() map[string]*Encoding {
	r := make(map[string]*Encoding, len(singles)+len(multis))
	for name, build := range singles {
		r[name] = &Encoding{name: name, single: build()}
	}
	for name, enc := range multis {
		r[name] = &Encoding{name: name, multi: enc}
	}
	return r
})
