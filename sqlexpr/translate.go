package sqlexpr

import (
	"fmt"
	"strings"
)

// Column is what the translator knows of a source column an expression
// names.
type Column struct {
	Target  string   // the target column's name
	Type    string   // its PostgreSQL type, as written in DDL
	Members []string // the members of an ENUM or SET column; nil otherwise
	// Unusable says why an expression cannot use the column in the target
	// ("it is dropped", "it holds a uuid there"); "" when it can.
	Unusable string
}

// Env is what an expression is translated against.
type Env struct {
	Dialect Dialect
	// Columns are the source table's columns by their source names. MySQL
	// and SQLite find a name without regard to case, PostgreSQL folds a
	// name that is not quoted to lower case.
	Columns map[string]Column
	// EnumTypes are the names of source types that the target keeps as
	// text (a PostgreSQL source's enums): a cast to one is dropped.
	EnumTypes map[string]bool
}

// Check translates a CHECK condition into a PostgreSQL boolean expression.
func Check(env Env, src string) (string, error) {
	n, err := parseTop(env.Dialect, src)
	if err != nil {
		return "", err
	}
	tr := &translator{Env: env, d: env.Dialect}
	v, err := tr.node(n)
	if err != nil {
		return "", err
	}
	return tr.condition(v)
}

// Default translates a column default into a PostgreSQL expression for a
// column of type pgType; it returns "" for a default of NULL, which is no
// default. members are the column's ENUM or SET members, or nil.
func Default(env Env, src, pgType string, members []string) (string, error) {
	n, err := parseTop(env.Dialect, src)
	if err != nil {
		return "", err
	}
	tr := &translator{Env: env, d: env.Dialect, inDefault: true}
	v, err := tr.node(n)
	if err != nil {
		return "", err
	}
	if v.cls == clsNull && v.now == nil {
		return "", nil
	}
	return tr.assign(v, parseColumnType(pgType), members)
}

// parseTop reads an expression without the parentheses around all of it
// (MariaDB writes an expression default in them).
func parseTop(d Dialect, src string) (Node, error) {
	n, err := Parse(d, src)
	if err != nil {
		return nil, fmt.Errorf("cannot read %q: %w", src, err)
	}
	for {
		p, ok := n.(Paren)
		if !ok {
			return n, nil
		}
		n = p.X
	}
}

// translator holds one translation's settings.
type translator struct {
	Env
	d         Dialect
	inDefault bool // a default: no column may be named, the current time may
}

// val is a translated operand: its SQL and class. lit keeps a literal
// whose SQL depends on what it meets; members are an ENUM column's.
type val struct {
	sql     string
	cls     class
	lit     *Lit
	members []string
	now     *nowSpec // the current date or time, written per target type
}

func (tr *translator) node(n Node) (val, error) {
	switch n := n.(type) {
	case Lit:
		return literalVal(n), nil
	case Col:
		return tr.column(n)
	case Paren:
		// Every compound expression is written in parentheses already.
		return tr.node(n.X)
	case Unary:
		return tr.unary(n)
	case Binary:
		return tr.binary(n)
	}
	return tr.predicate(n)
}

func (tr *translator) predicate(n Node) (val, error) {
	switch n := n.(type) {
	case Is:
		return tr.is(n)
	case In:
		return tr.in(n.X, n.List, n.Not)
	case Quantified:
		return tr.quantified(n)
	case Between:
		return tr.between(n)
	case Like:
		return tr.like(n)
	case Call:
		return tr.call(n)
	case Cast:
		return tr.cast(n)
	case Case:
		return tr.caseExpr(n)
	}
	return val{}, fmt.Errorf("unsupported expression %T", n)
}

func literalVal(l Lit) val {
	switch l.Kind {
	case LitNull:
		return val{sql: "NULL", cls: clsNull}
	case LitBool:
		return val{sql: strings.ToLower(l.Text), cls: clsBool, lit: &l}
	case LitNumber:
		cls := clsExact
		if !strings.ContainsAny(l.Text, ".eE") {
			cls = clsInt
		}
		return val{sql: l.Text, cls: cls, lit: &l}
	}
	return val{cls: clsUntyped, lit: &l}
}

// column finds a column by its name as the dialect does.
func (tr *translator) column(c Col) (val, error) {
	if tr.inDefault {
		return val{}, fmt.Errorf("it reads column %s, which a PostgreSQL default cannot", c.Name)
	}
	col, ok := tr.lookup(c)
	switch {
	case !ok:
		return val{}, fmt.Errorf("it names %s, which is not a column of the table", c.Name)
	case col.Unusable != "":
		return val{}, fmt.Errorf("it reads column %s, which %s", c.Name, col.Unusable)
	}
	ct := parseColumnType(col.Type)
	if ct.cls == clsOther {
		return val{}, fmt.Errorf("it reads column %s, of type %s", c.Name, col.Type)
	}
	return val{sql: quoteIdent(col.Target), cls: ct.cls, members: col.Members}, nil
}

func (tr *translator) lookup(c Col) (Column, bool) {
	name := c.Name
	if tr.d == Postgres && !c.Quoted {
		name = strings.ToLower(name)
	}
	if col, ok := tr.Columns[name]; ok || tr.d == Postgres {
		return col, ok
	}
	for k, col := range tr.Columns {
		if strings.EqualFold(k, name) {
			return col, true
		}
	}
	return Column{}, false
}

// assign writes v as the value of a column of type ct: a default.
func (tr *translator) assign(v val, ct columnType, members []string) (string, error) {
	switch {
	case v.now != nil:
		return v.now.sql(tr.d, ct.cls)
	case ct.cls == clsTextArray && v.lit != nil:
		return setLiteral(*v.lit, members)
	case v.lit != nil:
		return tr.literalAs(*v.lit, ct, members, true)
	case v.cls == ct.cls, v.cls.numeric() && ct.cls.numeric():
		return v.sql, nil
	case v.cls == clsUUID && ct.cls == clsText:
		return v.sql + "::text", nil
	}
	return "", fmt.Errorf("it gives %s to a column of %s", v.cls, ct.cls)
}

// condition writes v where a boolean is required: the whole CHECK, or an
// operand of AND, OR and NOT.
func (tr *translator) condition(v val) (string, error) {
	if v.cls == clsBool || v.cls == clsNull {
		return v.sql, nil
	}
	if v.lit != nil && tr.d != Postgres {
		return tr.boolLiteral(*v.lit)
	}
	return "", fmt.Errorf("%s is not a condition", v.describe())
}

func (v val) describe() string {
	if v.lit != nil {
		return showLit(*v.lit)
	}
	if v.sql != "" {
		return v.sql + " (" + v.cls.String() + ")"
	}
	return v.cls.String()
}

// operand is v's SQL where the other side of an operator is of class
// other: a literal takes other's type.
func (tr *translator) operand(v val, other val) (string, error) {
	if v.now != nil {
		return "", fmt.Errorf("it reads the current time, which a CHECK cannot")
	}
	if v.lit == nil || v.cls != clsUntyped && (other.cls == clsUntyped || other.cls == clsNull) {
		return v.sql, nil
	}
	if other.cls == clsUntyped || other.cls == clsNull {
		return tr.literalAs(*v.lit, columnType{cls: clsText}, nil, false)
	}
	return tr.literalAs(*v.lit, columnType{cls: other.cls}, other.members, false)
}

func (tr *translator) unary(n Unary) (val, error) {
	x, err := tr.node(n.X)
	if err != nil {
		return val{}, err
	}
	switch n.Op {
	case "NOT":
		s, err := tr.condition(x)
		return val{sql: "(NOT " + s + ")", cls: clsBool}, err
	case "-", "+":
		if x.lit != nil && x.lit.Kind == LitNumber {
			text := strings.TrimPrefix(n.Op, "+") + x.lit.Text
			return literalVal(Lit{Kind: LitNumber, Text: strings.TrimPrefix(text, "--")}), nil
		}
		if x.cls.numeric() && x.lit == nil {
			return val{sql: "(" + n.Op + x.sql + ")", cls: x.cls}, nil
		}
	}
	return val{}, fmt.Errorf("operator %s on %s is not translated", n.Op, x.describe())
}
