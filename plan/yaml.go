package plan

import (
	"strconv"
	"strings"
	"unicode"
)

// yamlScalar writes s as a YAML scalar that reads back as the same string in
// block and flow context alike: plain when it is a simple word (letters,
// digits, "_", "." and "-", starting with a letter or "_") that YAML would
// not read as a boolean or null, else double-quoted. Go's escapes (\n, \t,
// \xXX, \uXXXX, \UXXXXXXXX) are all valid in YAML double-quoted strings.
func yamlScalar(s string) string {
	if plainWord(s) && !yamlReserved[strings.ToLower(s)] {
		return s
	}
	return strconv.Quote(s)
}

func plainWord(s string) bool {
	for i, r := range s {
		word := unicode.IsLetter(r) || r == '_'
		if !word && (i == 0 || !(unicode.IsDigit(r) || r == '.' || r == '-')) {
			return false
		}
	}
	return s != ""
}

// yamlReserved are plain words some YAML readers take for booleans or null.
var yamlReserved = map[string]bool{
	"true": true, "false": true, "yes": true, "no": true, "on": true, "off": true,
	"y": true, "n": true, "null": true, "~": true,
}
