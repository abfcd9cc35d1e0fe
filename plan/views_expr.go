package plan

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/sluicedb/sluice/naming"
	"github.com/sluicedb/sluice/sqlexpr"
)

// reservedWords are keywords in every engine: never a bare column name.
var reservedWords = []string{"and", "or", "not", "is", "null", "in", "like", "between", "case", "when", "then",
	"else", "end", "true", "false", "as", "distinct", "from", "on", "join", "select", "where", "by"}

func reservedWord(w string) bool { return slices.Contains(reservedWords, strings.ToLower(w)) }

// softWords are keywords a column may also be named; a name is tried as a
// column first.
var softWords = []string{"asc", "desc", "nulls", "first", "last", "escape", "ilike", "any", "all", "some",
	"current_date", "current_timestamp", "localtimestamp", "for", "unknown"}

// viewFunctions are the functions of MySQL and SQLite that mean the same in
// PostgreSQL, by the name PostgreSQL gives them. MySQL's LENGTH counts
// bytes; SQLite's counts characters. CONCAT, IF, IFNULL's cousins with other
// NULL rules, date functions and CAST are not here: their results differ.
var viewFunctions = map[string]map[string]string{
	"mysql": {"count": "count", "sum": "sum", "min": "min", "max": "max", "avg": "avg", "coalesce": "coalesce",
		"ifnull": "coalesce", "nullif": "nullif", "lower": "lower", "upper": "upper", "lcase": "lower", "ucase": "upper",
		"abs": "abs", "char_length": "char_length", "character_length": "char_length", "length": "octet_length",
		"trim": "trim", "ltrim": "ltrim", "rtrim": "rtrim", "replace": "replace", "concat_ws": "concat_ws",
		"floor": "floor", "ceil": "ceil", "ceiling": "ceil", "left": "left", "right": "right"},
	"sqlite": {"count": "count", "sum": "sum", "min": "min", "max": "max", "avg": "avg", "coalesce": "coalesce",
		"ifnull": "coalesce", "nullif": "nullif", "lower": "lower", "upper": "upper", "abs": "abs",
		"length": "char_length", "trim": "trim", "ltrim": "ltrim", "rtrim": "rtrim", "replace": "replace"},
}

// viewOps are the operators of MySQL and SQLite that mean the same in
// PostgreSQL. MySQL's / divides integers into decimals and its || is OR.
var viewOps = map[string][]string{
	"mysql":  {"=", "<>", "!=", "<", ">", "<=", ">=", "+", "-", "*", "%", "(", ")", ","},
	"sqlite": {"=", "<>", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", "||", "(", ")", ","},
}

// expr translates an expression: column names to the target's, qualified
// by their table's alias; functions and operators checked; literals
// rewritten PostgreSQL's way. A PostgreSQL source's functions and operators
// are kept as they are.
func (vt *viewTx) expr(toks []sqlexpr.Token) ([]sqlexpr.Token, error) {
	var out []sqlexpr.Token
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.Kind == sqlexpr.String || t.Kind == sqlexpr.Number:
			out = append(out, t)
		case t.Kind == sqlexpr.Op:
			if err := vt.checkOp(t); err != nil {
				return nil, err
			}
			out = append(out, t)
			if t.Is("::") {
				i = copyType(toks, i+1, &out) - 1
			}
		default:
			next, err := vt.name(toks, i, &out)
			if err != nil {
				return nil, err
			}
			i = next - 1
		}
	}
	return out, nil
}

func (vt *viewTx) checkOp(t sqlexpr.Token) error {
	if vt.s.Engine == "postgres" || slices.Contains(viewOps[vt.s.Engine], t.Text) || t.Is(".") {
		return nil
	}
	return fmt.Errorf("it uses the operator %s", t.Text)
}

// copyType copies a PostgreSQL type name after "::" or CAST's AS, with
// the words of a multi-word type and its modifiers, and returns the index
// after it.
func copyType(toks []sqlexpr.Token, i int, out *[]sqlexpr.Token) int {
	if i < len(toks) && (toks[i].Kind == sqlexpr.Ident || toks[i].Kind == sqlexpr.Quoted) {
		*out, i = append(*out, toks[i]), i+1
	}
	for i < len(toks) && slices.ContainsFunc(typeWords, toks[i].Is) {
		*out, i = append(*out, toks[i]), i+1
	}
	if i < len(toks) && toks[i].Is("(") {
		for ; i < len(toks); i++ {
			*out = append(*out, toks[i])
			if toks[i].Is(")") {
				return i + 1
			}
		}
	}
	return i
}

var typeWords = []string{"varying", "precision", "with", "without", "time", "zone"}

// name translates the name (or keyword, or function call) at toks[i] and
// returns the index after it.
func (vt *viewTx) name(toks []sqlexpr.Token, i int, out *[]sqlexpr.Token) (int, error) {
	t := toks[i]
	if t.Kind == sqlexpr.Ident && reservedWord(t.Text) {
		*out = append(*out, t)
		if t.Is("as") && vt.s.Engine == "postgres" { // CAST(x AS type)
			return copyType(toks, i+1, out), nil
		}
		return i + 1, nil
	}
	parts, next := nameChain(toks, i)
	if len(parts) == 0 {
		return 0, fmt.Errorf("it uses %s", t.Text)
	}
	if next < len(toks) && toks[next].Is("(") {
		return next, vt.function(parts, out)
	}
	if len(parts) == 1 && t.Kind == sqlexpr.Ident && next < len(toks) && toks[next].Kind == sqlexpr.String {
		*out = append(*out, t) // a typed literal: DATE '2024-01-01'
		return next, nil
	}
	ref, err := vt.column(parts)
	if err == nil {
		*out = append(*out, ref...)
		return next, nil
	}
	if len(parts) == 1 && t.Kind == sqlexpr.Ident && slices.Contains(softWords, strings.ToLower(t.Text)) {
		*out = append(*out, t)
		return next, nil
	}
	if len(parts) == 1 {
		if alias, ok := vt.outs[strings.ToLower(t.Text)]; ok {
			*out = append(*out, sqlexpr.Token{Kind: sqlexpr.Quoted, Text: alias})
			return next, nil
		}
	}
	return 0, err
}

// function writes a function's name: any for a PostgreSQL source, else
// one of viewFunctions.
func (vt *viewTx) function(parts []sqlexpr.Token, out *[]sqlexpr.Token) error {
	if vt.s.Engine == "postgres" {
		*out = append(*out, joinChain(parts)...)
		return nil
	}
	name := strings.ToLower(parts[len(parts)-1].Text)
	pg, ok := viewFunctions[vt.s.Engine][name]
	if len(parts) > 1 || !ok {
		return fmt.Errorf("it calls %s(), which has no equivalent known to mean the same in PostgreSQL", sqlexpr.WriteText(parts))
	}
	*out = append(*out, sqlexpr.Token{Kind: sqlexpr.Ident, Text: pg})
	return nil
}

func joinChain(parts []sqlexpr.Token) []sqlexpr.Token {
	var out []sqlexpr.Token
	for i, p := range parts {
		if i > 0 {
			out = append(out, sqlexpr.Token{Kind: sqlexpr.Op, Text: "."})
		}
		out = append(out, p)
	}
	return out
}

// column resolves a column reference, [[database.]table.]column, to the
// target column of a table of the query, qualified by the table's alias.
func (vt *viewTx) column(parts []sqlexpr.Token) ([]sqlexpr.Token, error) {
	if len(parts) == 3 {
		if !vt.nameIs(parts[0], vt.s.Database) {
			return nil, fmt.Errorf("it names %s of another database", sqlexpr.WriteText(parts))
		}
		parts = parts[1:]
	}
	if len(parts) > 2 {
		return nil, fmt.Errorf("it names %s", sqlexpr.WriteText(parts))
	}
	col := parts[len(parts)-1]
	var found []fromItem
	for _, it := range vt.from {
		if len(parts) == 2 && !vt.nameIs(parts[0], it.name) {
			continue
		}
		if vt.sourceColumn(it, col) != "" {
			found = append(found, it)
		}
	}
	switch {
	case len(found) == 0:
		return nil, fmt.Errorf("it names %s, which is no column of its tables", sqlexpr.WriteText(parts))
	case len(found) > 1:
		return nil, fmt.Errorf("the column %s is ambiguous", col.Text)
	}
	return vt.targetRef(found[0], vt.sourceColumn(found[0], col))
}

func (vt *viewTx) sourceColumn(it fromItem, col sqlexpr.Token) string {
	for _, c := range it.st.src.Columns {
		if vt.nameIs(col, c.Name) {
			return c.Name
		}
	}
	return ""
}

// targetRef writes "alias"."column" for a source column that is a plain
// value on the target; one dropped or replaced by a key has other values.
func (vt *viewTx) targetRef(it fromItem, src string) ([]sqlexpr.Token, error) {
	k := it.st.t.columnIndex(src)
	if k < 0 {
		return nil, fmt.Errorf("its column %s.%s is not a plain value on the target (dropped, or replaced by a key)", it.st.src.Name, src)
	}
	return []sqlexpr.Token{{Kind: sqlexpr.Quoted, Text: it.out}, {Kind: sqlexpr.Op, Text: "."},
		{Kind: sqlexpr.Quoted, Text: it.st.t.Columns[k].Name}}, nil
}

// selectList translates the output columns, each named explicitly: a
// column keeps its target name unless the source renamed it, an alias
// follows the naming rule, "*" lists the source table's columns.
func (vt *viewTx) selectList(toks []sqlexpr.Token) (string, error) {
	var items []string
	if len(toks) > 0 && toks[0].Is("distinct") {
		items, toks = append(items, "DISTINCT"), toks[1:]
	} else if len(toks) > 0 && toks[0].Is("all") {
		toks = toks[1:]
	}
	var list []string
	for _, item := range splitTop(toks) {
		cols, err := vt.selectItem(item)
		if err != nil {
			return "", err
		}
		list = append(list, cols...)
	}
	if len(list) == 0 {
		return "", errors.New("it selects nothing")
	}
	return strings.TrimPrefix(strings.Join(items, " ")+" ", " ") + strings.Join(list, ", "), nil
}

// splitTop cuts tokens at the commas outside parentheses.
func splitTop(toks []sqlexpr.Token) [][]sqlexpr.Token {
	var out [][]sqlexpr.Token
	depth, start := 0, 0
	for i, t := range toks {
		switch {
		case t.Is("("):
			depth++
		case t.Is(")"):
			depth--
		case t.Is(",") && depth == 0:
			out, start = append(out, toks[start:i]), i+1
		}
	}
	if start < len(toks) {
		out = append(out, toks[start:])
	}
	return out
}

func (vt *viewTx) selectItem(item []sqlexpr.Token) ([]string, error) {
	if star, ok := vt.star(item); ok {
		return vt.expandStar(star)
	}
	expr, alias := itemAlias(item)
	out, err := vt.expr(expr)
	if err != nil {
		return nil, err
	}
	name, err := vt.outputName(expr, out, alias)
	if err != nil {
		return nil, err
	}
	for _, have := range vt.outs {
		if have == name {
			return nil, fmt.Errorf("two output columns are named %s", name)
		}
	}
	if alias != "" {
		vt.outs[strings.ToLower(alias)] = name
	}
	return []string{sqlexpr.WriteText(out) + " AS " + QuoteIdent(name)}, nil
}

// itemAlias splits "expr [AS] alias".
func itemAlias(item []sqlexpr.Token) ([]sqlexpr.Token, string) {
	n := len(item)
	if n >= 3 && item[n-2].Is("as") && isName(item[n-1]) {
		return item[:n-2], item[n-1].Text
	}
	if n >= 2 && isName(item[n-1]) && !item[n-2].Is(".") && !item[n-2].Is("::") &&
		(item[n-2].Kind != sqlexpr.Op || item[n-2].Is(")")) && !(item[n-2].Kind == sqlexpr.Ident && reservedWord(item[n-2].Text)) {
		return item[:n-1], item[n-1].Text
	}
	return item, ""
}

// outputName names an output column: a bare column keeps its target name
// when the alias is only its own name again (MySQL writes one for every
// column); an alias follows the naming rule; an expression needs one.
func (vt *viewTx) outputName(expr, out []sqlexpr.Token, alias string) (string, error) {
	bare := len(out) == 3 && out[1].Is(".") && out[2].Kind == sqlexpr.Quoted
	if bare {
		src := expr[len(expr)-1].Text
		if alias == "" || strings.EqualFold(alias, src) {
			return out[2].Text, nil
		}
	}
	if alias == "" {
		return "", fmt.Errorf("its output column %s has no name", sqlexpr.WriteText(expr))
	}
	return naming.Apply(vt.b.set.naming, alias), nil
}

// star recognises "*" and "table.*".
func (vt *viewTx) star(item []sqlexpr.Token) ([]fromItem, bool) {
	if len(item) == 1 && item[0].Is("*") {
		return vt.from, true
	}
	if len(item) == 3 && item[1].Is(".") && item[2].Is("*") {
		for _, it := range vt.from {
			if vt.nameIs(item[0], it.name) {
				return []fromItem{it}, true
			}
		}
	}
	return nil, false
}

// expandStar lists every column of the tables in source order, as "*"
// would have in the source.
func (vt *viewTx) expandStar(items []fromItem) ([]string, error) {
	var out []string
	for _, it := range items {
		for _, c := range it.st.src.Columns {
			ref, err := vt.targetRef(it, c.Name)
			if err != nil {
				return nil, err
			}
			name := ref[2].Text
			out = append(out, sqlexpr.WriteText(ref)+" AS "+QuoteIdent(name))
		}
	}
	return out, nil
}
