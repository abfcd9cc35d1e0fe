package tds

import (
	"strings"
)

// expr is a parsed T-SQL expression.
type expr interface{ exprNode() }

type (
	literal struct {
		kind tokKind // tokNumber, tokString, tokNString, tokBinary, or tokEOF for NULL
		text string
	}
	columnRef struct{ parts []string } // [qualifier.]name
	paramRef  struct{ name string }    // @p1, @@VERSION
	unary     struct {
		op string // "-", "+", "NOT", "~"
		x  expr
	}
	binOp struct {
		op   string // + - * / % = <> < > <= >= AND OR LIKE
		l, r expr
	}
	isNull struct {
		x   expr
		not bool
	}
	inList struct {
		x    expr
		list []expr
		not  bool
	}
	between struct {
		x, lo, hi expr
		not       bool
	}
	call struct {
		name string // upper case
		args []expr
		star bool // COUNT(*)
	}
	castExpr struct {
		x     expr
		to    typeRef
		style expr // CONVERT's third argument
	}
	caseExpr struct {
		operand expr
		whens   []whenClause
		els     expr
	}
	method struct { // x.ToString(), x.STSrid
		x    expr
		name string
		args []expr
		prop bool
	}
	static struct { // geometry::STGeomFromText(...)
		typ, name string
		args      []expr
	}
	collate struct {
		x    expr
		name string
	}
	starRef struct{}
)

type whenClause struct{ cond, then expr }

func (literal) exprNode()   {}
func (columnRef) exprNode() {}
func (paramRef) exprNode()  {}
func (unary) exprNode()     {}
func (binOp) exprNode()     {}
func (isNull) exprNode()    {}
func (inList) exprNode()    {}
func (between) exprNode()   {}
func (call) exprNode()      {}
func (castExpr) exprNode()  {}
func (caseExpr) exprNode()  {}
func (method) exprNode()    {}
func (static) exprNode()    {}
func (collate) exprNode()   {}
func (starRef) exprNode()   {}

// expr parses an expression: OR binds loosest, then AND, NOT, comparison,
// addition, multiplication, unary sign, and primaries.
func (p *parser) expr() (expr, error) { return p.orExpr() }

func (p *parser) orExpr() (expr, error) {
	l, err := p.andExpr()
	for err == nil && p.acceptKeyword("OR") {
		var r expr
		if r, err = p.andExpr(); err == nil {
			l = binOp{op: "OR", l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) andExpr() (expr, error) {
	l, err := p.notExpr()
	for err == nil && p.acceptKeyword("AND") {
		var r expr
		if r, err = p.notExpr(); err == nil {
			l = binOp{op: "AND", l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) notExpr() (expr, error) {
	if p.acceptKeyword("NOT") {
		x, err := p.notExpr()
		return unary{op: "NOT", x: x}, err
	}
	return p.comparison()
}

var comparisonOps = map[string]string{"=": "=", "<>": "<>", "!=": "<>", "<": "<", ">": ">", "<=": "<=", ">=": ">=", "!<": ">=", "!>": "<="}

func (p *parser) comparison() (expr, error) {
	l, err := p.additive()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind == tokOp && comparisonOps[t.text] != "" {
		p.advance()
		r, err := p.additive()
		return binOp{op: comparisonOps[t.text], l: l, r: r}, err
	}
	return p.postfixPredicate(l)
}

// postfixPredicate parses IS [NOT] NULL, [NOT] IN, [NOT] BETWEEN, [NOT] LIKE.
func (p *parser) postfixPredicate(l expr) (expr, error) {
	if p.acceptKeyword("IS") {
		not := p.acceptKeyword("NOT")
		return isNull{x: l, not: not}, p.expectKeyword("NULL")
	}
	not := false
	if p.isKeyword("NOT") && (p.peekAt(1).text == "IN" || p.peekAt(1).text == "BETWEEN" || p.peekAt(1).text == "LIKE") {
		p.advance()
		not = true
	}
	switch {
	case p.acceptKeyword("IN"):
		list, err := p.exprList()
		return inList{x: l, list: list, not: not}, err
	case p.acceptKeyword("BETWEEN"):
		return p.betweenRest(l, not)
	case p.acceptKeyword("LIKE"):
		r, err := p.additive()
		var e expr = binOp{op: "LIKE", l: l, r: r}
		if not {
			e = unary{op: "NOT", x: e}
		}
		return e, err
	}
	return l, nil
}

func (p *parser) betweenRest(l expr, not bool) (expr, error) {
	lo, err := p.additive()
	if err != nil {
		return nil, err
	}
	if err := p.expectKeyword("AND"); err != nil {
		return nil, err
	}
	hi, err := p.additive()
	return between{x: l, lo: lo, hi: hi, not: not}, err
}

func (p *parser) exprList() ([]expr, error) {
	if err := p.expectOp("("); err != nil {
		return nil, err
	}
	var list []expr
	if p.acceptOp(")") {
		return nil, nil
	}
	for {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		list = append(list, e)
		if !p.acceptOp(",") {
			return list, p.expectOp(")")
		}
	}
}

func (p *parser) additive() (expr, error) {
	l, err := p.multiplicative()
	for err == nil && (p.isOp("+") || p.isOp("-") || p.isOp("&") || p.isOp("|") || p.isOp("^")) {
		op := p.advance().text
		var r expr
		if r, err = p.multiplicative(); err == nil {
			l = binOp{op: op, l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) multiplicative() (expr, error) {
	l, err := p.unaryExpr()
	for err == nil && (p.isOp("*") || p.isOp("/") || p.isOp("%")) {
		op := p.advance().text
		var r expr
		if r, err = p.unaryExpr(); err == nil {
			l = binOp{op: op, l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) unaryExpr() (expr, error) {
	if p.isOp("-") || p.isOp("+") || p.isOp("~") {
		op := p.advance().text
		x, err := p.unaryExpr()
		return unary{op: op, x: x}, err
	}
	x, err := p.primary()
	if err != nil {
		return nil, err
	}
	return p.postfix(x)
}

// postfix parses method calls and properties (x.ToString(), x.STSrid)
// and COLLATE after a primary.
func (p *parser) postfix(x expr) (expr, error) {
	for {
		switch {
		case p.isOp(".") && p.peekAt(1).kind == tokIdent:
			p.advance()
			name := p.advance().text
			if !p.isOp("(") {
				x = method{x: x, name: name, prop: true}
				continue
			}
			args, err := p.exprList()
			if err != nil {
				return nil, err
			}
			x = method{x: x, name: name, args: args}
		case p.acceptKeyword("COLLATE"):
			name, err := p.ident()
			if err != nil {
				return nil, err
			}
			x = collate{x: x, name: name}
		default:
			return x, nil
		}
	}
}

func (p *parser) primary() (expr, error) {
	t := p.peek()
	switch t.kind {
	case tokNumber, tokString, tokNString, tokBinary:
		p.advance()
		return literal{kind: t.kind, text: t.text}, nil
	case tokParam:
		p.advance()
		return paramRef{name: t.text}, nil
	case tokKeyword:
		return p.keywordPrimary(t)
	case tokIdent:
		return p.identPrimary()
	case tokOp:
		if t.text == "(" {
			p.advance()
			e, err := p.expr()
			if err != nil {
				return nil, err
			}
			return e, p.expectOp(")")
		}
		if t.text == "*" {
			p.advance()
			return starRef{}, nil
		}
	}
	return nil, p.errorf("expected an expression")
}

func (p *parser) keywordPrimary(t token) (expr, error) {
	switch t.text {
	case "NULL":
		p.advance()
		return literal{kind: tokEOF}, nil
	case "CAST":
		return p.castCall()
	case "CONVERT":
		return p.convertCall()
	case "CASE":
		return p.caseExpr()
	}
	return nil, p.errorf("expected an expression")
}

func (p *parser) castCall() (expr, error) {
	p.advance()
	if err := p.expectOp("("); err != nil {
		return nil, err
	}
	x, err := p.expr()
	if err != nil {
		return nil, err
	}
	if err := p.expectKeyword("AS"); err != nil {
		return nil, err
	}
	to, err := p.typeSpec()
	if err != nil {
		return nil, err
	}
	return castExpr{x: x, to: to}, p.expectOp(")")
}

func (p *parser) convertCall() (expr, error) {
	p.advance()
	if err := p.expectOp("("); err != nil {
		return nil, err
	}
	to, err := p.typeSpec()
	if err != nil {
		return nil, err
	}
	if err := p.expectOp(","); err != nil {
		return nil, err
	}
	x, err := p.expr()
	if err != nil {
		return nil, err
	}
	c := castExpr{x: x, to: to}
	if p.acceptOp(",") {
		if c.style, err = p.expr(); err != nil {
			return nil, err
		}
	}
	return c, p.expectOp(")")
}

func (p *parser) caseExpr() (expr, error) {
	p.advance()
	var c caseExpr
	var err error
	if !p.isKeyword("WHEN") {
		if c.operand, err = p.expr(); err != nil {
			return nil, err
		}
	}
	for p.acceptKeyword("WHEN") {
		var w whenClause
		if w.cond, err = p.expr(); err != nil {
			return nil, err
		}
		if err := p.expectKeyword("THEN"); err != nil {
			return nil, err
		}
		if w.then, err = p.expr(); err != nil {
			return nil, err
		}
		c.whens = append(c.whens, w)
	}
	if len(c.whens) == 0 {
		return nil, p.errorf("expected WHEN")
	}
	if p.acceptKeyword("ELSE") {
		if c.els, err = p.expr(); err != nil {
			return nil, err
		}
	}
	return c, p.expectKeyword("END")
}

// identPrimary parses a column reference, a function call, or a static
// method call of a CLR type (geometry::Point(...)).
func (p *parser) identPrimary() (expr, error) {
	if p.peekAt(1).kind == tokOp && p.peekAt(1).text == "::" {
		typ := p.advance().text
		p.advance()
		name, err := p.ident()
		if err != nil {
			return nil, err
		}
		args, err := p.exprList()
		return static{typ: strings.ToLower(typ), name: name, args: args}, err
	}
	if !p.peek().quoted && p.peekAt(1).kind == tokOp && p.peekAt(1).text == "(" {
		return p.functionCall()
	}
	if p.isSystemFunction() {
		p.advance()
		p.advance()
		return p.functionCall()
	}
	var parts []string
	for {
		name, err := p.ident()
		if err != nil {
			return nil, err
		}
		parts = append(parts, name)
		// a further part, unless it is a method call (x.ToString())
		if !p.isOp(".") || p.peekAt(1).kind != tokIdent || p.peekAt(2).kind == tokOp && p.peekAt(2).text == "(" ||
			clrMembers[strings.ToLower(p.peekAt(1).text)] {
			break
		}
		if len(parts) >= 3 {
			break
		}
		p.advance()
	}
	return columnRef{parts: parts}, nil
}

// isSystemFunction reports sys.name( : a system function called by its
// schema-qualified name (sys.fn_cdc_get_max_lsn()).
func (p *parser) isSystemFunction() bool {
	return !p.peek().quoted && strings.EqualFold(p.peek().text, "sys") && p.peekAt(1).kind == tokOp && p.peekAt(1).text == "." &&
		p.peekAt(2).kind == tokIdent && p.peekAt(3).kind == tokOp && p.peekAt(3).text == "("
}

// clrMembers are the properties of CLR types that x.Name can mean, rather
// than a column Name of a table x.
var clrMembers = map[string]bool{"stsrid": true, "stx": true, "sty": true, "lat": true, "long": true}

func (p *parser) functionCall() (expr, error) {
	name := strings.ToUpper(p.advance().text)
	if p.isOp("(") && p.peekAt(1).kind == tokOp && p.peekAt(1).text == "*" {
		p.advance()
		p.advance()
		return call{name: name, star: true}, p.expectOp(")")
	}
	args, err := p.exprList()
	return call{name: name, args: args}, err
}
