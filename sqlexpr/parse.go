package sqlexpr

import (
	"fmt"
	"strings"
)

// Parse reads one expression in dialect d. It fails on what it cannot
// read, including the constructs no translation supports (subqueries,
// parameters), so that every tree it returns is complete.
func Parse(d Dialect, s string) (Node, error) {
	toks, err := Tokenize(d, s)
	if err != nil {
		return nil, err
	}
	p := &parser{d: d, toks: toks}
	n, err := p.expr(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.Kind != EOF {
		return nil, fmt.Errorf("unexpected %q at offset %d", t.Text, t.Pos)
	}
	return n, nil
}

// maxDepth bounds nesting, so that a hostile expression cannot exhaust the
// stack.
const maxDepth = 200

type parser struct {
	d     Dialect
	toks  []Token
	i     int
	depth int
}

func (p *parser) peek() Token { return p.toks[p.i] }
func (p *parser) peekAt(k int) Token {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) advance() Token {
	t := p.toks[p.i]
	if t.Kind != EOF {
		p.i++
	}
	return t
}

// accept consumes the word or operator s if it is next.
func (p *parser) accept(s string) bool {
	if p.peek().Is(s) {
		p.advance()
		return true
	}
	return false
}

func (p *parser) expect(s string) error {
	if !p.accept(s) {
		t := p.peek()
		if t.Kind == EOF {
			return fmt.Errorf("expected %s at the end", s)
		}
		return fmt.Errorf("expected %s at offset %d, found %q", s, t.Pos, t.Text)
	}
	return nil
}

// Binding powers, loosest first. PostgreSQL puts || and the bitwise
// operators between the comparisons and + -, SQLite puts || above every
// other binary operator, MySQL reads || as OR.
const (
	bpOr      = 10
	bpXor     = 20
	bpAnd     = 30
	bpNot     = 40
	bpCompare = 50
	bpBitOr   = 60
	bpBitAnd  = 70
	bpShift   = 80
	bpPGOther = 85
	bpAdd     = 90
	bpMul     = 100
	bpPow     = 110
	bpUnary   = 120
	bpAt      = 122
	bpBang    = 125
	bpConcat  = 130
	bpPostfix = 140
)

// expr parses operators that bind tighter than minBP.
func (p *parser) expr(minBP int) (Node, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, fmt.Errorf("expression nested too deeply")
	}
	left, err := p.prefix()
	if err != nil {
		return nil, err
	}
	for {
		bp := p.infixPower()
		if bp <= minBP {
			return left, nil
		}
		if left, err = p.infix(left, bp); err != nil {
			return nil, err
		}
	}
}

// infixPower is the binding power of the operator that follows, 0 when
// none does.
func (p *parser) infixPower() int {
	t := p.peek()
	if t.Kind == Op {
		return p.opPower(t.Text)
	}
	if t.Kind != Ident {
		return 0
	}
	switch strings.ToUpper(t.Text) {
	case "OR":
		return bpOr
	case "XOR":
		return bpXor
	case "AND":
		return bpAnd
	case "IS", "IN", "BETWEEN", "LIKE", "ILIKE", "GLOB", "REGEXP", "RLIKE", "NOT":
		return bpCompare
	case "DIV", "MOD":
		return bpMul
	case "COLLATE":
		return bpPostfix
	case "AT":
		if p.d == Postgres && p.peekAt(1).Is("TIME") {
			return bpAt
		}
	}
	return 0
}

func (p *parser) opPower(op string) int {
	switch op {
	case "=", "==", "<>", "!=", "<", "<=", ">", ">=", "<=>", "~~", "!~~", "~~*", "!~~*":
		return bpCompare
	case "&&":
		return bpAnd
	case "||":
		return p.concatPower()
	case "|":
		return p.pgOr(bpBitOr)
	case "&":
		return p.pgOr(bpBitAnd)
	case "<<", ">>", "->", "->>", "~", "!~", "~*":
		return p.pgOr(bpShift)
	case "+", "-":
		return bpAdd
	case "*", "/", "%":
		return bpMul
	case "^":
		return bpPow
	case "::":
		return bpPostfix
	}
	return 0
}

func (p *parser) concatPower() int {
	switch p.d {
	case MySQL:
		return bpOr
	case SQLite:
		return bpConcat
	}
	return bpPGOther
}

// pgOr gives PostgreSQL's "any other operator" power to an operator.
func (p *parser) pgOr(bp int) int {
	if p.d == Postgres {
		return bpPGOther
	}
	return bp
}

func (p *parser) infix(left Node, bp int) (Node, error) {
	t := p.advance()
	if t.Kind == Ident {
		return p.wordInfix(left, strings.ToUpper(t.Text))
	}
	switch op := t.Text; op {
	case "::":
		typ, err := p.typeName()
		return Cast{X: left, Type: typ}, err
	case "~~", "!~~", "~~*", "!~~*":
		return p.like(left, op == "~~*" || op == "!~~*", strings.HasPrefix(op, "!"), "LIKE")
	case "=", "==", "<>", "!=", "<", "<=", ">", ">=":
		return p.comparison(left, normalOp(op))
	}
	right, err := p.expr(bp)
	if err != nil {
		return nil, err
	}
	return Binary{Op: normalOp(t.Text), L: left, R: right}, nil
}

// normalOp spells the operators that have two spellings one way.
func normalOp(op string) string {
	switch op {
	case "==":
		return "="
	case "!=":
		return "<>"
	case "&&":
		return "AND"
	}
	return op
}

// comparison reads the right side of a comparison, which in PostgreSQL may
// be ANY|ALL|SOME (array).
func (p *parser) comparison(left Node, op string) (Node, error) {
	if t := p.peek(); p.d == Postgres && (t.Is("ANY") || t.Is("ALL") || t.Is("SOME")) && p.peekAt(1).Is("(") {
		p.advance()
		elems, err := p.arrayArgument()
		return Quantified{X: left, Op: op, All: t.Is("ALL"), Elems: elems}, err
	}
	right, err := p.expr(bpCompare)
	if err != nil {
		return nil, err
	}
	return Binary{Op: op, L: left, R: right}, nil
}

// arrayArgument reads (ARRAY[a, b, ...]), the only form of ANY's argument
// PostgreSQL prints for an IN list.
func (p *parser) arrayArgument() ([]Node, error) {
	if err := p.expect("("); err != nil {
		return nil, err
	}
	open := 0
	for p.accept("(") {
		open++
	}
	if err := p.expect("ARRAY"); err != nil {
		return nil, err
	}
	elems, err := p.list("[", "]")
	if err != nil {
		return nil, err
	}
	for range open {
		if err := p.expect(")"); err != nil {
			return nil, err
		}
	}
	return elems, p.expect(")")
}

func (p *parser) wordInfix(left Node, w string) (Node, error) {
	switch w {
	case "OR", "XOR", "AND":
		right, err := p.expr(map[string]int{"OR": bpOr, "XOR": bpXor, "AND": bpAnd}[w])
		return Binary{Op: w, L: left, R: right}, err
	case "DIV", "MOD":
		right, err := p.expr(bpMul)
		return Binary{Op: map[string]string{"DIV": "DIV", "MOD": "%"}[w], L: left, R: right}, err
	case "IS":
		return p.is(left)
	case "NOT":
		return p.negated(left)
	case "COLLATE":
		return nil, fmt.Errorf("COLLATE is not supported")
	case "AT":
		if err := p.expect("TIME"); err != nil {
			return nil, err
		}
		if err := p.expect("ZONE"); err != nil {
			return nil, err
		}
		right, err := p.expr(bpAt)
		return Binary{Op: "AT TIME ZONE", L: left, R: right}, err
	}
	return p.predicate(left, w, false)
}

// negated reads NOT IN, NOT BETWEEN, NOT LIKE and the like.
func (p *parser) negated(left Node) (Node, error) {
	t := p.advance()
	if t.Kind != Ident {
		return nil, fmt.Errorf("unexpected %q after NOT at offset %d", t.Text, t.Pos)
	}
	return p.predicate(left, strings.ToUpper(t.Text), true)
}

func (p *parser) predicate(left Node, w string, not bool) (Node, error) {
	switch w {
	case "IN":
		list, err := p.list("(", ")")
		return In{X: left, Not: not, List: list}, err
	case "BETWEEN":
		return p.between(left, not)
	case "LIKE", "ILIKE":
		return p.like(left, w == "ILIKE", not, "LIKE")
	case "GLOB", "REGEXP":
		return p.like(left, false, not, w)
	case "RLIKE":
		return p.like(left, false, not, "REGEXP")
	}
	return nil, fmt.Errorf("unexpected %s", w)
}

func (p *parser) between(left Node, not bool) (Node, error) {
	lo, err := p.expr(bpCompare)
	if err != nil {
		return nil, err
	}
	if err := p.expect("AND"); err != nil {
		return nil, err
	}
	hi, err := p.expr(bpCompare)
	return Between{X: left, Lo: lo, Hi: hi, Not: not}, err
}

func (p *parser) like(left Node, ilike, not bool, op string) (Node, error) {
	if ilike {
		op = "ILIKE"
	}
	pattern, err := p.expr(bpCompare)
	if err != nil {
		return nil, err
	}
	n := Like{Op: op, X: left, Pattern: pattern, Not: not}
	if p.accept("ESCAPE") {
		n.Escape, err = p.expr(bpCompare)
	}
	return n, err
}

func (p *parser) is(left Node) (Node, error) {
	not := p.accept("NOT")
	t := p.advance()
	switch w := strings.ToUpper(t.Text); {
	case t.Kind == Ident && (w == "NULL" || w == "TRUE" || w == "FALSE" || w == "UNKNOWN"):
		return Is{X: left, Not: not, What: w}, nil
	case t.Kind == Ident && w == "DISTINCT":
		if err := p.expect("FROM"); err != nil {
			return nil, err
		}
		right, err := p.expr(bpCompare)
		op := "IS DISTINCT FROM"
		if not {
			op = "IS NOT DISTINCT FROM"
		}
		return Binary{Op: op, L: left, R: right}, err
	}
	return nil, fmt.Errorf("unexpected %q after IS at offset %d", t.Text, t.Pos)
}

// list reads open a, b, ... close.
func (p *parser) list(open, close string) ([]Node, error) {
	if err := p.expect(open); err != nil {
		return nil, err
	}
	var out []Node
	if p.accept(close) {
		return out, nil
	}
	for {
		n, err := p.expr(0)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
		if p.accept(close) {
			return out, nil
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
	}
}

// Literal returns the literal that src is, if it is only one (a number
// with its sign, a string, NULL), as a plain default is.
func Literal(d Dialect, src string) (Lit, bool) {
	n, err := parseTop(d, src)
	if err != nil {
		return Lit{}, false
	}
	switch n := n.(type) {
	case Lit:
		return n, n.Kind == LitString || n.Kind == LitNumber || n.Kind == LitNull
	case Unary:
		if l, ok := n.X.(Lit); ok && l.Kind == LitNumber && n.Op == "-" {
			return Lit{Kind: LitNumber, Text: "-" + l.Text}, true
		}
	}
	return Lit{}, false
}
