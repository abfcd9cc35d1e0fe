package sqlexpr

import (
	"fmt"
	"strings"
)

// cast translates CAST(x AS type) and x::type. A literal cast to a type it
// is a valid value of means the same everywhere (DATE '2020-01-01',
// 'a'::text); a cast of anything else is translated only from PostgreSQL,
// since MySQL and SQLite convert what PostgreSQL refuses ('abc' as a number
// is 0 to them). A cast to a PostgreSQL source's enum type is dropped: the
// target keeps those values as text.
func (tr *translator) cast(n Cast) (val, error) {
	x, err := tr.node(n.X)
	if err != nil {
		return val{}, err
	}
	if tr.EnumTypes[n.Type] || tr.EnumTypes[lastPart(n.Type)] {
		return x, nil
	}
	typ, ok := castType(tr.d, n.Type)
	if !ok {
		return val{}, fmt.Errorf("a cast to %s is not translated", n.Type)
	}
	ct := parseColumnType(typ)
	if x.lit != nil {
		s, err := tr.literalAs(*x.lit, ct, nil, true)
		if err != nil {
			return val{}, err
		}
		return val{sql: "CAST(" + s + " AS " + typ + ")", cls: ct.cls}, nil
	}
	if tr.d != Postgres {
		return val{}, fmt.Errorf("a cast of %s to %s converts differently in PostgreSQL", x.describe(), n.Type)
	}
	if x.now != nil {
		s, err := x.now.sql(tr.d, ct.cls)
		return val{sql: "CAST(" + s + " AS " + typ + ")", cls: ct.cls}, err
	}
	return val{sql: "CAST(" + x.sql + " AS " + typ + ")", cls: ct.cls}, nil
}

func lastPart(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// caseExpr translates CASE. Its results take the class of the first that
// has one.
func (tr *translator) caseExpr(n Case) (val, error) {
	var b strings.Builder
	b.WriteString("CASE")
	var operand val
	if n.Operand != nil {
		var err error
		if operand, err = tr.node(n.Operand); err != nil {
			return val{}, err
		}
		s, err := tr.operand(operand, val{cls: clsUntyped})
		if err != nil {
			return val{}, err
		}
		b.WriteString(" " + s)
	}
	results, err := tr.caseResults(n)
	if err != nil {
		return val{}, err
	}
	typed := firstTyped(results)
	for i, w := range n.Whens {
		cond, err := tr.caseCondition(n.Operand != nil, operand, w.Cond)
		if err != nil {
			return val{}, err
		}
		s, err := tr.operand(results[i], typed)
		if err != nil {
			return val{}, err
		}
		b.WriteString(" WHEN " + cond + " THEN " + s)
	}
	if n.Else != nil {
		s, err := tr.operand(results[len(results)-1], typed)
		if err != nil {
			return val{}, err
		}
		b.WriteString(" ELSE " + s)
	}
	b.WriteString(" END")
	return val{sql: b.String(), cls: typed.cls, members: typed.members}, nil
}

func (tr *translator) caseResults(n Case) ([]val, error) {
	var results []val
	for _, r := range append(whenResults(n.Whens), n.Else) {
		if r == nil {
			continue
		}
		v, err := tr.node(r)
		if err != nil {
			return nil, err
		}
		results = append(results, v)
	}
	typed := firstTyped(results)
	for _, r := range results {
		if r.lit == nil && r.cls != clsNull && !comparable(r.cls, typed.cls) {
			return nil, fmt.Errorf("CASE gives %s and %s", typed.cls, r.cls)
		}
	}
	return results, nil
}

func whenResults(ws []When) []Node {
	out := make([]Node, len(ws))
	for i, w := range ws {
		out[i] = w.Then
	}
	return out
}

func firstTyped(vs []val) val {
	for _, v := range vs {
		if v.lit == nil && v.cls != clsNull {
			return v
		}
	}
	return val{cls: clsUntyped}
}

// caseCondition is a WHEN: a condition, or a value compared with the
// operand of a simple CASE.
func (tr *translator) caseCondition(simple bool, operand val, cond Node) (string, error) {
	v, err := tr.node(cond)
	if err != nil {
		return "", err
	}
	if !simple {
		return tr.condition(v)
	}
	_, s, _, err := tr.operands(operand, v)
	return s, err
}
