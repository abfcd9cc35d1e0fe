package sqlserver

import (
	"fmt"
	"unicode/utf8"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/charset"
)

// codePageCharsets name, in Sluice's charset package, the code pages of
// SQL Server's collations for char, varchar and text.
var codePageCharsets = map[int]string{
	1250: "cp1250", 1251: "cp1251", 1252: "cp1252", 1253: "cp1253", 1254: "cp1254",
	1255: "cp1255", 1256: "cp1256", 1257: "cp1257", 1258: "cp1258", 850: "cp850",
	932: "sjis", 936: "gbk", 949: "euckr", 950: "big5",
}

// utf8CodePage is the code page of SQL Server 2019's _UTF8 collations.
const utf8CodePage = 65001

// charsetName is the Column.Charset of a column in this code page: "" for
// UTF-8, "cp<n>" for a code page Sluice cannot decode (its values are then
// rejected unless they are ASCII).
func charsetName(codePage int) string {
	if codePage == utf8CodePage || codePage == 0 {
		return ""
	}
	if name, ok := codePageCharsets[codePage]; ok {
		return name
	}
	return fmt.Sprintf("cp%d", codePage)
}

// decodeText converts a char, varchar or text value's stored bytes to
// UTF-8 strictly, or makes it a sluice.Undecodable that every cast rejects
// with its bytes: never '?' or U+FFFD for a byte the code page lacks.
func decodeText(raw []byte, name string) any {
	if name == "" {
		if utf8.Valid(raw) {
			return string(raw)
		}
		return sluice.Undecodable{Charset: "utf8", Bytes: raw, Reason: "not valid UTF-8"}
	}
	if isASCII(raw) {
		return string(raw)
	}
	enc, ok := charset.Lookup(name)
	if !ok {
		return sluice.Undecodable{Charset: name, Bytes: raw, Reason: "code page " + name[2:] + " is not supported"}
	}
	text, err := enc.Decode(raw)
	if err != nil {
		return sluice.Undecodable{Charset: name, Bytes: raw, Reason: err.Error()}
	}
	return text
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}
