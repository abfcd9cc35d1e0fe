package sqlexpr

import (
	"fmt"
	"strings"
)

// TokenizeText splits SQL text of a source engine ("mysql", "postgres",
// "sqlite", "sqlserver") into the tokens a rewrite works on: a view's query
// or an index's expression, whose names are rewritten and which WriteText
// then writes as PostgreSQL. Unlike Tokenize it drops the final EOF, and it
// refuses hex and bit literals, which have no one PostgreSQL spelling
// (binary string, bit string or number, by context).
func TokenizeText(engine, text string) ([]Token, error) {
	d, err := DialectOf(engine)
	if err != nil {
		return nil, err
	}
	toks, err := Tokenize(d, text)
	if err != nil {
		return nil, err
	}
	toks = toks[:len(toks)-1]
	for _, t := range toks {
		switch {
		case t.Kind == Hex || t.Kind == Bits:
			return nil, fmt.Errorf("a hex or bit literal at offset %d is not supported", t.Pos)
		case t.Kind == String && strings.ContainsRune(t.Text, 0):
			return nil, fmt.Errorf("the string at offset %d holds a NUL character, which PostgreSQL text cannot", t.Pos)
		}
	}
	return toks, nil
}

// WriteText writes tokens as PostgreSQL text: names and strings quoted its
// way, one space between tokens except around "." and "::", inside
// parentheses and before commas.
func WriteText(tokens []Token) string {
	var b strings.Builder
	for i, t := range tokens {
		if i > 0 && spaced(tokens[i-1], t) {
			b.WriteByte(' ')
		}
		b.WriteString(writtenToken(t))
	}
	return b.String()
}

func writtenToken(t Token) string {
	switch t.Kind {
	case Quoted:
		return quoteIdent(t.Text)
	case String:
		q, _ := QuoteString(t.Text) // TokenizeText refused a NUL, its only error
		return q
	}
	return t.Text
}

func spaced(prev, t Token) bool {
	name := func(t Token) bool { return t.Kind == Ident || t.Kind == Quoted }
	switch {
	case prev.Is(".") && (name(t) || t.Is("*")), t.Is(".") && name(prev):
		return false // a qualified name; a dot beside a number would make another number
	case prev.Is("::") || prev.Is("("), t.Is("::") || t.Is(",") || t.Is(")"):
		return false
	case t.Is("(") && name(prev):
		return false // a function call
	}
	return true
}
