package config

import (
	"slices"
	"strings"

	"github.com/sluicedb/sluice/charset"
)

// encodingSchemes are the sources whose databases do not record the
// encoding of their text: MySQL and MariaDB record each column's character
// set, and convert it themselves.
var encodingSchemes = []string{"sqlite", "postgres", "postgresql", "csv"}

// encoding decodes a source's encoding: a name charset knows, returned in
// its canonical spelling, for a source whose URL scheme takes one. A CSV
// source's files may also be UTF-8 or UTF-16.
func (d *decoder) encoding(f field, url string) string {
	name, ok := d.str(f, false)
	if !ok {
		return ""
	}
	canon, known := lookupEncoding(name, isCSV(url))
	if !known {
		names := encodingNames(isCSV(url))
		d.fail(f.line, f.path, "unknown encoding %s%s (known: %s)", shown(f, name), didYouMean(name, names), strings.Join(names, ", "))
		return ""
	}
	scheme, _, _ := strings.Cut(url, ":")
	if url != "" && !slices.Contains(encodingSchemes, scheme) {
		d.fail(f.line, f.path, "a %s source records the character set of each column; encoding applies to sqlite, postgres and csv sources only", scheme)
		return ""
	}
	return canon
}

func lookupEncoding(name string, unicode bool) (string, bool) {
	if unicode && slices.Contains(csvUnicode, strings.ToLower(name)) {
		return strings.ToLower(name), true
	}
	enc, known := charset.Lookup(name)
	if !known {
		return "", false
	}
	return enc.Name(), true
}

func encodingNames(unicode bool) []string {
	if unicode {
		return append(slices.Clone(csvUnicode), charset.Names()...)
	}
	return charset.Names()
}
