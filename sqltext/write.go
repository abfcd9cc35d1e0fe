package sqltext

import "strings"

// QuoteIdent double-quotes a PostgreSQL name, doubling inner quotes.
func QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// QuoteString writes a PostgreSQL standard string literal.
func QuoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// Write writes tokens as PostgreSQL text: names and strings quoted its way,
// one space between tokens except around "." and "::", inside parentheses
// and before commas.
func Write(tokens []Token) string {
	var b strings.Builder
	for i, t := range tokens {
		if i > 0 && spaced(tokens[i-1], t) {
			b.WriteByte(' ')
		}
		b.WriteString(text(t))
	}
	return b.String()
}

func text(t Token) string {
	switch t.Kind {
	case Quoted:
		return QuoteIdent(t.Text)
	case String:
		return QuoteString(t.Text)
	}
	return t.Text
}

func spaced(prev, t Token) bool {
	name := func(t Token) bool { return t.Kind == Word || t.Kind == Quoted }
	switch {
	case prev.Is(".") && (name(t) || t.Is("*")), t.Is(".") && name(prev):
		return false // a qualified name; a dot beside a number would make another number
	case prev.Is("::") || prev.Is("("), t.Is("::") || t.Is(",") || t.Is(")"):
		return false
	case t.Is("(") && (prev.Kind == Word || prev.Kind == Quoted):
		return false // a function call
	}
	return true
}
