package config

import (
	"slices"
	"strings"

	"github.com/sluicedb/sluice/charset"
)

// encodingSchemes are the sources whose databases do not record the
// encoding of their text: MySQL and MariaDB record each column's character
// set, and convert it themselves.
var encodingSchemes = []string{"sqlite", "postgres", "postgresql"}

// encoding decodes a source's encoding: a name charset knows, returned in
// its canonical spelling, for a source whose URL scheme takes one.
func (d *decoder) encoding(f field, url string) string {
	name, ok := d.str(f, false)
	if !ok {
		return ""
	}
	enc, known := charset.Lookup(name)
	if !known {
		names := charset.Names()
		d.fail(f.line, f.path, "unknown encoding %s%s (known: %s)", shown(f, name), didYouMean(name, names), strings.Join(names, ", "))
		return ""
	}
	scheme, _, _ := strings.Cut(url, ":")
	if url != "" && !slices.Contains(encodingSchemes, scheme) {
		d.fail(f.line, f.path, "a %s source records the character set of each column; encoding applies to sqlite and postgres sources only", scheme)
		return ""
	}
	return enc.Name()
}
