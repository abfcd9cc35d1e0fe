package tds

import (
	"fmt"
	"strings"
)

// parser walks a token list. Parse errors name what was found and what was
// expected, so a client sees why the test server refused its statement.
type parser struct {
	toks []token
	i    int
	src  string
}

func newParser(src string) (*parser, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	return &parser{toks: toks, src: src}, nil
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) peekAt(n int) token {
	if p.i+n < len(p.toks) {
		return p.toks[p.i+n]
	}
	return p.toks[len(p.toks)-1]
}
func (p *parser) advance() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *parser) errorf(format string, args ...any) error {
	t := p.peek()
	near := "the end"
	if t.kind != tokEOF {
		near = fmt.Sprintf("%q", p.describe(t))
	}
	return fmt.Errorf("%s near %s", fmt.Sprintf(format, args...), near)
}

func (p *parser) describe(t token) string {
	end := len(p.src)
	if p.i+1 < len(p.toks) && p.toks[p.i+1].pos > t.pos {
		end = p.toks[p.i+1].pos
	}
	return strings.TrimSpace(p.src[t.pos:end])
}

// isKeyword reports whether the next token is one of the keywords.
func (p *parser) isKeyword(words ...string) bool {
	t := p.peek()
	if t.kind != tokKeyword {
		return false
	}
	for _, w := range words {
		if t.text == w {
			return true
		}
	}
	return false
}

// isWord reports whether the next token is the bare word (keyword or not).
func (p *parser) isWord(w string) bool {
	t := p.peek()
	return (t.kind == tokKeyword || t.kind == tokIdent && !t.quoted) && strings.EqualFold(t.text, w)
}

func (p *parser) acceptKeyword(w string) bool {
	if p.isKeyword(w) {
		p.advance()
		return true
	}
	return false
}

func (p *parser) acceptWord(w string) bool {
	if p.isWord(w) {
		p.advance()
		return true
	}
	return false
}

func (p *parser) expectKeyword(w string) error {
	if !p.acceptKeyword(w) {
		return p.errorf("expected %s", w)
	}
	return nil
}

func (p *parser) isOp(op string) bool {
	t := p.peek()
	return t.kind == tokOp && t.text == op
}

func (p *parser) acceptOp(op string) bool {
	if p.isOp(op) {
		p.advance()
		return true
	}
	return false
}

func (p *parser) expectOp(op string) error {
	if !p.acceptOp(op) {
		return p.errorf("expected %q", op)
	}
	return nil
}

// ident reads an identifier; a non-reserved keyword is not accepted.
func (p *parser) ident() (string, error) {
	t := p.peek()
	if t.kind != tokIdent {
		return "", p.errorf("expected a name")
	}
	p.advance()
	return t.text, nil
}

// objectName reads a name of up to four dotted parts and returns them.
func (p *parser) objectName() ([]string, error) {
	first, err := p.ident()
	if err != nil {
		return nil, err
	}
	parts := []string{first}
	for p.isOp(".") && len(parts) < 4 {
		p.advance()
		if p.isOp(".") { // db..table
			parts = append(parts, "")
			continue
		}
		part, err := p.ident()
		if err != nil {
			return nil, err
		}
		parts = append(parts, part)
	}
	return parts, nil
}

// identList reads "(a, b [ASC|DESC], ...)".
func (p *parser) identList() ([]string, error) {
	if err := p.expectOp("("); err != nil {
		return nil, err
	}
	var names []string
	for {
		name, err := p.ident()
		if err != nil {
			return nil, err
		}
		names = append(names, name)
		if !p.acceptKeyword("ASC") {
			p.acceptKeyword("DESC")
		}
		if !p.acceptOp(",") {
			break
		}
	}
	return names, p.expectOp(")")
}

// typeSpec reads a type: a name (possibly schema-qualified, for an alias
// type) and its parenthesised arguments. It does not resolve it.
func (p *parser) typeSpec() (typeRef, error) {
	parts, err := p.objectName()
	if err != nil {
		return typeRef{}, err
	}
	ref := typeRef{name: parts[len(parts)-1]}
	if strings.EqualFold(ref.name, "double") {
		p.acceptWord("precision")
		ref.name = "float"
	}
	if !p.acceptOp("(") {
		return ref, nil
	}
	for {
		t := p.advance()
		if t.kind != tokNumber && !(t.kind == tokIdent && strings.EqualFold(t.text, "max")) {
			return typeRef{}, p.errorf("expected a type argument")
		}
		ref.args = append(ref.args, t.text)
		if !p.acceptOp(",") {
			break
		}
	}
	return ref, p.expectOp(")")
}

// typeRef is a type as written, before resolution against alias types.
type typeRef struct {
	name string
	args []string
}

// atEnd reports whether the statement ends here (";" or end of text).
func (p *parser) atEnd() bool {
	return p.peek().kind == tokEOF || p.isOp(";")
}
