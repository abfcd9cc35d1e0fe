package tds

import (
	"fmt"
	"strconv"
	"strings"
)

// compiled is an expression bound to its scope: its result type and how to
// evaluate it on a row.
type compiled struct {
	typ      ColType
	nullable bool
	name     string // the column name a bare column reference gives a result
	eval     func(c *evalCtx) (any, error)
}

// evalCtx is what evaluation sees: the current row.
type evalCtx struct {
	row []any
}

// scopeCol is a column an expression may name.
type scopeCol struct {
	name     string
	typ      ColType
	nullable bool
}

// scope binds names: the columns of the FROM relation (qualified by its
// name or alias), the parameters, the session.
type scope struct {
	quals  []string // names the relation may be qualified by
	cols   []scopeCol
	params map[string]param
	sess   *session
	aggs   *[]*aggregator // where aggregate functions register; nil forbids them
}

// param is a bound parameter value and its type.
type param struct {
	typ ColType
	v   any
}

var boolType = ColType{Name: "bit"}

func (s *scope) compile(e expr) (*compiled, error) {
	switch x := e.(type) {
	case literal:
		return s.compileLiteral(x)
	case columnRef:
		return s.compileColumn(x)
	case paramRef:
		return s.compileParam(x)
	case unary:
		return s.compileUnary(x)
	case binOp:
		return s.compileBinary(x)
	case isNull:
		return s.compileIsNull(x)
	case inList:
		return s.compileIn(x)
	case between:
		lo := binOp{op: ">=", l: x.x, r: x.lo}
		hi := binOp{op: "<=", l: x.x, r: x.hi}
		var e expr = binOp{op: "AND", l: lo, r: hi}
		if x.not {
			e = unary{op: "NOT", x: e}
		}
		return s.compile(e)
	case call:
		return s.compileCall(x)
	case castExpr:
		return s.compileCast(x)
	case caseExpr:
		return s.compileCase(x)
	case method:
		return s.compileMethod(x)
	case static:
		return s.compileStatic(x)
	case collate:
		return s.compileCollate(x)
	}
	return nil, fmt.Errorf("this expression is not supported by the test server")
}

func constant(t ColType, v any) *compiled {
	return &compiled{typ: t, nullable: v == nil, eval: func(*evalCtx) (any, error) { return v, nil }}
}

func (s *scope) compileLiteral(x literal) (*compiled, error) {
	switch x.kind {
	case tokEOF:
		return constant(ColType{Name: "int"}, nil), nil
	case tokString:
		coll := s.sess.collation()
		return constant(ColType{Name: "varchar", Length: max(len(x.text), 1), Collation: coll}, encodeCodePage(x.text, coll)), nil
	case tokNString:
		return constant(ColType{Name: "nvarchar", Length: max(len([]rune(x.text)), 1), Collation: s.sess.collation()}, x.text), nil
	case tokBinary:
		b, err := decodeHex(x.text)
		return constant(ColType{Name: "varbinary", Length: max(len(b), 1)}, b), err
	}
	return numberLiteral(x.text)
}

func decodeHex(h string) ([]byte, error) {
	if len(h)%2 == 1 {
		h = "0" + h
	}
	b := make([]byte, len(h)/2)
	for i := range b {
		n, err := strconv.ParseUint(h[2*i:2*i+2], 16, 8)
		if err != nil {
			return nil, fmt.Errorf("bad binary literal 0x%s", h)
		}
		b[i] = byte(n)
	}
	return b, nil
}

// numberLiteral types a number as SQL Server does: an integer that fits is
// int (bigint beyond), one with a point is decimal(p,s), one with an
// exponent is float.
func numberLiteral(text string) (*compiled, error) {
	if strings.ContainsAny(text, "eE") {
		f, err := strconv.ParseFloat(text, 64)
		return constant(ColType{Name: "float"}, f), err
	}
	if !strings.Contains(text, ".") {
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			if n <= 2147483647 {
				return constant(ColType{Name: "int"}, n), nil
			}
			return constant(ColType{Name: "bigint"}, n), nil
		}
	}
	r, err := parseDecimal(text)
	if err != nil {
		return nil, err
	}
	scale := 0
	if i := strings.IndexByte(text, '.'); i >= 0 {
		scale = len(text) - i - 1
	}
	prec := max(len(strings.TrimLeft(strings.Replace(text, ".", "", 1), "0")), scale, 1)
	t := ColType{Name: "numeric", Precision: min(prec, 38), Scale: scale}
	return constant(t, decimalFromRat(r, scale)), nil
}

func (s *scope) compileColumn(x columnRef) (*compiled, error) {
	name := x.parts[len(x.parts)-1]
	if len(x.parts) > 1 && !s.qualifies(x.parts[len(x.parts)-2]) {
		return nil, fmt.Errorf("the multi-part identifier %s could not be bound", strings.Join(x.parts, "."))
	}
	for i, c := range s.cols {
		if strings.EqualFold(c.name, name) {
			i := i
			return &compiled{typ: c.typ, nullable: c.nullable, name: c.name, eval: func(e *evalCtx) (any, error) {
				if e.row == nil {
					return nil, fmt.Errorf("column %s is not in an aggregate function", name)
				}
				return e.row[i], nil
			}}, nil
		}
	}
	return nil, fmt.Errorf("invalid column name '%s'", name)
}

func (s *scope) qualifies(q string) bool {
	for _, n := range s.quals {
		if strings.EqualFold(n, q) {
			return true
		}
	}
	return false
}

func (s *scope) compileParam(x paramRef) (*compiled, error) {
	if strings.HasPrefix(x.name, "@@") {
		return s.sess.globalVariable(strings.ToUpper(x.name))
	}
	p, ok := s.params[strings.ToLower(x.name)]
	if !ok {
		return nil, fmt.Errorf("must declare the scalar variable \"%s\"", x.name)
	}
	return constant(p.typ, p.v), nil
}

func (s *scope) compileUnary(x unary) (*compiled, error) {
	in, err := s.compile(x.x)
	if err != nil {
		return nil, err
	}
	switch x.op {
	case "NOT":
		return &compiled{typ: boolType, eval: func(c *evalCtx) (any, error) {
			v, err := in.eval(c)
			if b, ok := v.(bool); ok {
				return !b, err
			}
			return nil, err
		}}, nil
	case "-":
		zero := constant(ColType{Name: "int"}, int64(0))
		return arithmetic("-", zero, in)
	case "+":
		return in, nil
	}
	return nil, fmt.Errorf("operator %s is not supported by the test server", x.op)
}

func (s *scope) compileBinary(x binOp) (*compiled, error) {
	l, err := s.compile(x.l)
	if err != nil {
		return nil, err
	}
	r, err := s.compile(x.r)
	if err != nil {
		return nil, err
	}
	switch x.op {
	case "AND", "OR":
		return logical(x.op, l, r), nil
	case "=", "<>", "<", ">", "<=", ">=":
		return comparison(x.op, l, r)
	case "LIKE":
		return like(l, r)
	}
	return arithmetic(x.op, l, r)
}

// logical is three-valued AND and OR.
func logical(op string, l, r *compiled) *compiled {
	return &compiled{typ: boolType, eval: func(c *evalCtx) (any, error) {
		a, err := l.eval(c)
		if err != nil {
			return nil, err
		}
		if ab, ok := a.(bool); ok && ab == (op == "OR") {
			return ab, nil // short circuit
		}
		b, err := r.eval(c)
		if err != nil {
			return nil, err
		}
		bb, bok := b.(bool)
		if bok && bb == (op == "OR") {
			return bb, nil
		}
		if a == nil || b == nil {
			return nil, nil
		}
		return op == "AND", nil
	}}
}

func comparison(op string, l, r *compiled) (*compiled, error) {
	t, err := commonType(l.typ, r.typ)
	if err != nil {
		return nil, err
	}
	coll := comparisonCollation(l.typ, r.typ)
	return &compiled{typ: boolType, eval: func(c *evalCtx) (any, error) {
		a, b, err := evalPair(c, l, r, t)
		if err != nil || a == nil || b == nil {
			return nil, err
		}
		n, err := compareValues(a, b, t, coll)
		if err != nil {
			return nil, err
		}
		return compareResult(op, n), nil
	}}, nil
}

// comparisonCollation prefers a column's collation to a literal's: the
// left operand's, as the fixtures' queries put the column first.
func comparisonCollation(a, b ColType) *Collation {
	if a.Collation != nil {
		return a.Collation
	}
	return b.Collation
}

func compareResult(op string, n int) bool {
	switch op {
	case "=":
		return n == 0
	case "<>":
		return n != 0
	case "<":
		return n < 0
	case ">":
		return n > 0
	case "<=":
		return n <= 0
	}
	return n >= 0
}

// evalPair evaluates both operands and converts them to type t.
func evalPair(c *evalCtx, l, r *compiled, t ColType) (any, any, error) {
	a, err := l.eval(c)
	if err != nil {
		return nil, nil, err
	}
	b, err := r.eval(c)
	if err != nil {
		return nil, nil, err
	}
	if a, err = convert(a, l.typ, withLength(t, l.typ), false); err != nil {
		return nil, nil, err
	}
	b, err = convert(b, r.typ, withLength(t, r.typ), false)
	return a, b, err
}

// withLength keeps an operand's own length when it is converted to a
// common string or binary type, so that comparison never cuts it.
func withLength(t, own ColType) ColType {
	switch t.family() {
	case famChar, famNChar, famBinary:
		t.Length = Max
		if own.Collation != nil {
			t.Collation = own.Collation
		}
	}
	return t
}

func (s *scope) compileIsNull(x isNull) (*compiled, error) {
	in, err := s.compile(x.x)
	if err != nil {
		return nil, err
	}
	return &compiled{typ: boolType, eval: func(c *evalCtx) (any, error) {
		v, err := in.eval(c)
		return (v == nil) != x.not, err
	}}, nil
}

func (s *scope) compileIn(x inList) (*compiled, error) {
	var e expr
	for _, item := range x.list {
		var eq expr = binOp{op: "=", l: x.x, r: item}
		if e == nil {
			e = eq
		} else {
			e = binOp{op: "OR", l: e, r: eq}
		}
	}
	if e == nil {
		return nil, fmt.Errorf("IN needs at least one value")
	}
	if x.not {
		e = unary{op: "NOT", x: e}
	}
	return s.compile(e)
}

func (s *scope) compileCast(x castExpr) (*compiled, error) {
	in, err := s.compile(x.x)
	if err != nil {
		return nil, err
	}
	to, err := s.sess.resolveType(x.to)
	if err != nil {
		return nil, err
	}
	if x.style != nil {
		if _, err := s.compile(x.style); err != nil {
			return nil, err
		}
	}
	return &compiled{typ: to, nullable: in.nullable, eval: func(c *evalCtx) (any, error) {
		v, err := in.eval(c)
		if err != nil {
			return nil, err
		}
		return convert(v, in.typ, to, false)
	}}, nil
}

func (s *scope) compileCase(x caseExpr) (*compiled, error) {
	var conds, thens []*compiled
	for _, w := range x.whens {
		cond := w.cond
		if x.operand != nil {
			cond = binOp{op: "=", l: x.operand, r: w.cond}
		}
		c, err := s.compile(cond)
		if err != nil {
			return nil, err
		}
		t, err := s.compile(w.then)
		if err != nil {
			return nil, err
		}
		conds, thens = append(conds, c), append(thens, t)
	}
	els := constant(thens[0].typ, nil)
	if x.els != nil {
		var err error
		if els, err = s.compile(x.els); err != nil {
			return nil, err
		}
	}
	return caseOf(conds, thens, els)
}

func caseOf(conds, thens []*compiled, els *compiled) (*compiled, error) {
	t := els.typ
	for _, th := range thens {
		var err error
		if t, err = resultType(t, th.typ); err != nil {
			return nil, err
		}
	}
	return &compiled{typ: t, nullable: true, eval: func(c *evalCtx) (any, error) {
		pick := els
		for i, cond := range conds {
			v, err := cond.eval(c)
			if err != nil {
				return nil, err
			}
			if v == true {
				pick = thens[i]
				break
			}
		}
		v, err := pick.eval(c)
		if err != nil {
			return nil, err
		}
		return convert(v, pick.typ, t, false)
	}}, nil
}

func (s *scope) compileCollate(x collate) (*compiled, error) {
	in, err := s.compile(x.x)
	if err != nil {
		return nil, err
	}
	coll, err := LookupCollation(x.name)
	if err != nil {
		return nil, err
	}
	out := *in
	out.typ.Collation = coll
	return &out, nil
}
