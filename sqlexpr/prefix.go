package sqlexpr

import (
	"fmt"
	"strings"
)

// niladic are the functions SQL writes without parentheses.
var niladic = map[string]bool{
	"CURRENT_TIMESTAMP": true, "CURRENT_DATE": true, "CURRENT_TIME": true, "LOCALTIME": true,
	"LOCALTIMESTAMP": true, "CURRENT_USER": true, "SESSION_USER": true, "CURRENT_ROLE": true,
	"UTC_TIMESTAMP": true, "UTC_DATE": true, "UTC_TIME": true,
}

// prefix reads an operand: a literal, a column, a call, a parenthesised
// expression or a prefix operator applied to one.
func (p *parser) prefix() (Node, error) {
	t := p.advance()
	switch t.Kind {
	case String:
		return Lit{Kind: LitString, Text: t.Text}, nil
	case Number:
		return Lit{Kind: LitNumber, Text: t.Text}, nil
	case Hex:
		return Lit{Kind: LitHex, Text: t.Text}, nil
	case Bits:
		return Lit{Kind: LitBits, Text: t.Text}, nil
	case Quoted:
		return p.column(t.Text, true)
	case Ident:
		return p.word(t)
	case Op:
		return p.prefixOp(t)
	}
	return nil, fmt.Errorf("unexpected end of the expression")
}

func (p *parser) prefixOp(t Token) (Node, error) {
	switch t.Text {
	case "(":
		n, err := p.expr(0)
		if err != nil {
			return nil, err
		}
		return Paren{X: n}, p.expect(")")
	case "-", "+", "~":
		x, err := p.expr(bpUnary)
		return Unary{Op: t.Text, X: x}, err
	case "!":
		if p.d != MySQL {
			break
		}
		x, err := p.expr(bpBang)
		return Unary{Op: "NOT", X: x}, err
	}
	return nil, fmt.Errorf("unexpected %q at offset %d", t.Text, t.Pos)
}

// word reads what starts with a bare word: a keyword literal, NOT, CASE,
// CAST, a typed literal (DATE '2020-01-01'), a call or a column.
func (p *parser) word(t Token) (Node, error) {
	w := strings.ToUpper(t.Text)
	switch w {
	case "NULL":
		return Lit{Kind: LitNull, Text: "NULL"}, nil
	case "TRUE", "FALSE":
		return Lit{Kind: LitBool, Text: w}, nil
	case "NOT":
		x, err := p.expr(bpNot)
		return Unary{Op: "NOT", X: x}, err
	case "CASE":
		return p.caseExpr()
	case "CAST":
		if p.peek().Is("(") {
			return p.cast()
		}
	case "DATE", "TIME", "TIMESTAMP":
		if s := p.peek(); s.Kind == String {
			p.advance()
			return Cast{X: Lit{Kind: LitString, Text: s.Text}, Type: strings.ToLower(w)}, nil
		}
	case "EXISTS", "SELECT":
		return nil, fmt.Errorf("%s (a subquery) is not supported", w)
	}
	if p.peek().Is("(") {
		return p.call(w)
	}
	if niladic[w] {
		return Call{Name: w, Bare: true}, nil
	}
	return p.column(t.Text, false)
}

// column reads a column name, keeping the last part of a qualified one
// (table.column): a CHECK only sees its own row.
func (p *parser) column(name string, quoted bool) (Node, error) {
	for p.peek().Is(".") {
		p.advance()
		t := p.advance()
		if t.Kind != Ident && t.Kind != Quoted {
			return nil, fmt.Errorf("expected a name after . at offset %d", t.Pos)
		}
		name, quoted = t.Text, t.Kind == Quoted
	}
	return Col{Name: name, Quoted: quoted}, nil
}

func (p *parser) call(name string) (Node, error) {
	if t := p.peekAt(1); t.Is("*") || t.Is("DISTINCT") {
		return nil, fmt.Errorf("%s(%s ...) is not supported", name, strings.ToUpper(t.Text))
	}
	args, err := p.list("(", ")")
	if err != nil {
		return nil, err
	}
	return Call{Name: name, Args: args}, nil
}

func (p *parser) cast() (Node, error) {
	p.advance() // (
	x, err := p.expr(0)
	if err != nil {
		return nil, err
	}
	if err := p.expect("AS"); err != nil {
		return nil, err
	}
	typ, err := p.typeName()
	if err != nil {
		return nil, err
	}
	return Cast{X: x, Type: typ}, p.expect(")")
}

// typeName reads a type as PostgreSQL prints it: words (schema-qualified
// or several, "double precision"), modifiers, a time zone clause and array
// brackets, e.g. "timestamp(3) without time zone" or "character varying[]".
func (p *parser) typeName() (string, error) {
	var b strings.Builder
	words := 0
	for {
		t := p.peek()
		switch {
		case (t.Kind == Ident || t.Kind == Quoted) && (words == 0 || strings.HasSuffix(b.String(), ".") || typeWords[strings.ToLower(t.Text)]):
			if words > 0 && !strings.HasSuffix(b.String(), ".") {
				b.WriteByte(' ')
			}
			b.WriteString(strings.ToLower(t.Text))
			words++
			p.advance()
		case t.Is(".") && words > 0:
			b.WriteByte('.')
			p.advance()
		case t.Is("(") && words > 0:
			mods, err := p.modifiers()
			if err != nil {
				return "", err
			}
			b.WriteString(mods)
		case t.Is("[") && words > 0:
			p.advance()
			if p.peek().Kind == Number {
				p.advance()
			}
			if err := p.expect("]"); err != nil {
				return "", err
			}
			b.WriteString("[]")
		default:
			if words == 0 {
				return "", fmt.Errorf("expected a type at offset %d", t.Pos)
			}
			return b.String(), nil
		}
	}
}

// typeWords are the words that continue a type name of several words.
var typeWords = map[string]bool{"varying": true, "precision": true, "with": true, "without": true, "time": true, "zone": true}

// modifiers reads (n) or (p,s).
func (p *parser) modifiers() (string, error) {
	p.advance()
	var parts []string
	for {
		t := p.advance()
		if t.Kind != Number {
			return "", fmt.Errorf("expected a type modifier at offset %d", t.Pos)
		}
		parts = append(parts, t.Text)
		if p.accept(")") {
			return "(" + strings.Join(parts, ",") + ")", nil
		}
		if err := p.expect(","); err != nil {
			return "", err
		}
	}
}

func (p *parser) caseExpr() (Node, error) {
	var c Case
	var err error
	if !p.peek().Is("WHEN") {
		if c.Operand, err = p.expr(0); err != nil {
			return nil, err
		}
	}
	for p.accept("WHEN") {
		var w When
		if w.Cond, err = p.expr(0); err != nil {
			return nil, err
		}
		if err := p.expect("THEN"); err != nil {
			return nil, err
		}
		if w.Then, err = p.expr(0); err != nil {
			return nil, err
		}
		c.Whens = append(c.Whens, w)
	}
	if len(c.Whens) == 0 {
		return nil, fmt.Errorf("CASE without WHEN")
	}
	if p.accept("ELSE") {
		if c.Else, err = p.expr(0); err != nil {
			return nil, err
		}
	}
	return c, p.expect("END")
}
