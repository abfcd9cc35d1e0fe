// Package naming turns legacy identifiers into target identifiers under the
// config's naming rule: camelCase, snake_case or keep.
package naming

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sluicedb/sluice/config"
)

// Apply renames name under rule (config.NamingCamel, config.NamingSnake or
// config.NamingKeep). An unknown rule, like keep, returns name unchanged; so
// does a name with no letters or digits, which has no words to join.
func Apply(rule, name string) string {
	var join func([]string) string
	switch rule {
	case config.NamingSnake:
		join = snake
	case config.NamingCamel:
		join = camel
	default:
		return name
	}
	words := Words(name)
	if len(words) == 0 {
		return name
	}
	return join(words)
}

func snake(words []string) string {
	for i, w := range words {
		words[i] = strings.ToLower(w)
	}
	return strings.Join(words, "_")
}

func camel(words []string) string {
	var b strings.Builder
	for i, w := range words {
		w = strings.ToLower(w)
		if i > 0 {
			w = capitalize(w)
		}
		b.WriteString(w)
	}
	return b.String()
}

func capitalize(w string) string {
	r, size := utf8.DecodeRuneInString(w)
	return string(unicode.ToUpper(r)) + w[size:]
}
