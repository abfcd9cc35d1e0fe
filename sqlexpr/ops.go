package sqlexpr

import (
	"fmt"
	"strings"
)

func (tr *translator) binary(n Binary) (val, error) {
	l, err := tr.node(n.L)
	if err != nil {
		return val{}, err
	}
	r, err := tr.node(n.R)
	if err != nil {
		return val{}, err
	}
	switch n.Op {
	case "AND", "OR", "XOR":
		return tr.logic(n.Op, l, r)
	case "=", "<>", "<", "<=", ">", ">=", "<=>", "IS DISTINCT FROM", "IS NOT DISTINCT FROM":
		return tr.compare(n.Op, l, r)
	case "+", "-", "*", "/", "%", "DIV":
		return tr.arithmetic(n.Op, l, r)
	case "||":
		if tr.d == MySQL {
			return tr.logic("OR", l, r)
		}
		return tr.concat(l, r)
	}
	return val{}, fmt.Errorf("operator %s is not translated", n.Op)
}

// logic joins two conditions. XOR of booleans is their inequality, NULL
// when either is NULL, as in MySQL.
func (tr *translator) logic(op string, l, r val) (val, error) {
	ls, err := tr.condition(l)
	if err != nil {
		return val{}, err
	}
	rs, err := tr.condition(r)
	if err != nil {
		return val{}, err
	}
	if op == "XOR" {
		op = "<>"
	}
	return val{sql: "(" + ls + " " + op + " " + rs + ")", cls: clsBool}, nil
}

// compare translates a comparison of two operands of comparable classes.
// MySQL's <=> is IS NOT DISTINCT FROM. Booleans and enums compare only for
// equality: MySQL orders an ENUM by its members' positions, PostgreSQL text
// by its characters.
func (tr *translator) compare(op string, l, r val) (val, error) {
	if op == "<=>" {
		op = "IS NOT DISTINCT FROM"
	}
	ls, rs, cls, err := tr.operands(l, r)
	if err != nil {
		return val{}, fmt.Errorf("%s %s %s: %w", l.describe(), op, r.describe(), err)
	}
	equality := op == "=" || op == "<>" || strings.Contains(op, "DISTINCT")
	if !equality && (cls == clsBool || l.members != nil || r.members != nil || cls == clsTextArray) {
		return val{}, fmt.Errorf("%s %s %s: ordering %s is not translated", l.describe(), op, r.describe(), cls)
	}
	return val{sql: "(" + ls + " " + op + " " + rs + ")", cls: clsBool}, nil
}

// operands writes both sides of a comparison, each literal typed by the
// other side, and returns their common class.
func (tr *translator) operands(l, r val) (string, string, class, error) {
	ls, err := tr.operand(l, r)
	if err != nil {
		return "", "", 0, err
	}
	rs, err := tr.operand(r, l)
	if err != nil {
		return "", "", 0, err
	}
	cls := l.cls
	switch {
	case l.lit != nil && r.lit == nil || cls == clsNull || cls == clsUntyped:
		cls = r.cls
	case r.lit != nil || r.cls == clsNull:
	case !comparable(l.cls, r.cls):
		return "", "", 0, fmt.Errorf("it compares %s with %s", l.cls, r.cls)
	}
	if cls == clsTextArray || cls == clsJSON || cls == clsOther {
		return "", "", 0, fmt.Errorf("comparing %s is not translated", cls)
	}
	return ls, rs, cls, nil
}

// arithmetic translates + - * on numbers, % on integers, and / only where
// it divides as in the source: PostgreSQL divides integers to an integer,
// MySQL to a decimal, SQLite by what the values hold; a float divides as a
// float everywhere.
func (tr *translator) arithmetic(op string, l, r val) (val, error) {
	ls, rs, cls, err := tr.operands(l, r)
	if err != nil {
		return val{}, fmt.Errorf("%s %s %s: %w", l.describe(), op, r.describe(), err)
	}
	if !cls.numeric() || !l.cls.numeric() && l.lit == nil || !r.cls.numeric() && r.lit == nil {
		return val{}, fmt.Errorf("%s %s %s: arithmetic on %s is not translated", l.describe(), op, r.describe(), cls)
	}
	switch op {
	case "/":
		if tr.d != Postgres && l.cls != clsFloat && r.cls != clsFloat {
			return val{}, fmt.Errorf("%s / %s: division differs between %s and PostgreSQL", l.describe(), r.describe(), tr.d)
		}
	case "%":
		if l.cls != clsInt || r.cls != clsInt {
			return val{}, fmt.Errorf("%s %% %s: remainder of non-integers is not translated", l.describe(), r.describe())
		}
	case "DIV":
		return val{sql: "div(" + ls + ", " + rs + ")", cls: clsExact}, nil
	}
	return val{sql: "(" + ls + " " + op + " " + rs + ")", cls: widest(l.cls, r.cls)}, nil
}

func widest(a, b class) class {
	switch {
	case a == clsFloat || b == clsFloat:
		return clsFloat
	case a == clsExact || b == clsExact:
		return clsExact
	}
	return clsInt
}

// concat is || on text, NULL when either side is.
func (tr *translator) concat(l, r val) (val, error) {
	ls, err := tr.textOperand(l)
	if err != nil {
		return val{}, err
	}
	rs, err := tr.textOperand(r)
	if err != nil {
		return val{}, err
	}
	return val{sql: "(" + ls + " || " + rs + ")", cls: clsText}, nil
}

func (tr *translator) textOperand(v val) (string, error) {
	switch {
	case v.lit != nil:
		return tr.literalAs(*v.lit, columnType{cls: clsText}, nil, false)
	case v.cls == clsText || v.cls == clsNull:
		return v.sql, nil
	}
	return "", fmt.Errorf("%s is not text", v.describe())
}

func (tr *translator) is(n Is) (val, error) {
	x, err := tr.node(n.X)
	if err != nil {
		return val{}, err
	}
	not := ""
	if n.Not {
		not = "NOT "
	}
	s := x.sql
	switch {
	case n.What != "NULL":
		if s, err = tr.condition(x); err != nil {
			return val{}, err
		}
	case x.lit != nil:
		if s, err = tr.operand(x, val{cls: clsUntyped}); err != nil {
			return val{}, err
		}
	}
	return val{sql: "(" + s + " IS " + not + n.What + ")", cls: clsBool}, nil
}

func (tr *translator) in(xn Node, list []Node, not bool) (val, error) {
	x, err := tr.node(xn)
	if err != nil {
		return val{}, err
	}
	items := make([]string, len(list))
	for i, e := range list {
		v, err := tr.node(e)
		if err != nil {
			return val{}, err
		}
		_, rs, _, err := tr.operands(x, v)
		if err != nil {
			return val{}, fmt.Errorf("%s IN (... %s ...): %w", x.describe(), v.describe(), err)
		}
		items[i] = rs
	}
	xs, err := tr.operand(x, val{cls: clsUntyped})
	if err != nil {
		return val{}, err
	}
	op := " IN "
	if not {
		op = " NOT IN "
	}
	return val{sql: "(" + xs + op + "(" + strings.Join(items, ", ") + "))", cls: clsBool}, nil
}

// quantified reads PostgreSQL's x = ANY (ARRAY[...]) as the IN list it
// was, and x <> ALL (ARRAY[...]) as NOT IN.
func (tr *translator) quantified(n Quantified) (val, error) {
	switch {
	case n.Op == "=" && !n.All:
		return tr.in(n.X, n.Elems, false)
	case n.Op == "<>" && n.All:
		return tr.in(n.X, n.Elems, true)
	}
	return val{}, fmt.Errorf("%s %s (ARRAY ...) is not translated", n.Op, map[bool]string{true: "ALL", false: "ANY"}[n.All])
}

func (tr *translator) between(n Between) (val, error) {
	x, err := tr.node(n.X)
	if err != nil {
		return val{}, err
	}
	var bounds [2]string
	for i, b := range []Node{n.Lo, n.Hi} {
		v, err := tr.node(b)
		if err != nil {
			return val{}, err
		}
		if _, err := tr.compare("<=", x, v); err != nil {
			return val{}, err
		}
		if bounds[i], err = tr.operand(v, x); err != nil {
			return val{}, err
		}
	}
	xs, err := tr.operand(x, val{cls: clsUntyped})
	if err != nil {
		return val{}, err
	}
	op := " BETWEEN "
	if n.Not {
		op = " NOT BETWEEN "
	}
	return val{sql: "(" + xs + op + bounds[0] + " AND " + bounds[1] + ")", cls: clsBool}, nil
}
