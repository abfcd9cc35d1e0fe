package plan

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sqlexpr"
)

// joinWords may stand between two tables of a FROM clause.
var joinWords = []string{"join", "inner", "left", "right", "outer", "cross"}

func isJoinWord(t sqlexpr.Token) bool {
	for _, w := range joinWords {
		if t.Is(w) {
			return true
		}
	}
	return false
}

// tableFunc handles the n-th table of the FROM clause: its name's parts
// and its alias ("" when none); it returns what to write for it.
type tableFunc func(n int, parts []sqlexpr.Token, alias string) ([]sqlexpr.Token, error)

// scanFrom walks a FROM clause: tables, their aliases, commas, joins, the
// parentheses MySQL puts around joins and ON conditions. table handles each
// table and cond (nil: copied) each ON condition.
func (vt *viewTx) scanFrom(toks []sqlexpr.Token, table tableFunc, cond func([]sqlexpr.Token) ([]sqlexpr.Token, error)) ([]sqlexpr.Token, error) {
	var out []sqlexpr.Token
	n, wantTable := 0, true
	for i := 0; i < len(toks); {
		t := toks[i]
		switch {
		case t.Is("(") || t.Is(")"):
			out, i = append(out, t), i+1
		case wantTable:
			parts, next := nameChain(toks, i)
			if len(parts) == 0 {
				return nil, fmt.Errorf("its FROM clause reads something other than a table (%s)", sqlexpr.WriteText(toks[i:min(i+3, len(toks))]))
			}
			alias, next := tableAlias(toks, next)
			w, err := table(n, parts, alias)
			if err != nil {
				return nil, err
			}
			out, i, n, wantTable = append(out, w...), next, n+1, false
		case t.Is(","):
			out, i, wantTable = append(out, t), i+1, true
		case isJoinWord(t):
			out, i = append(out, t), i+1
			wantTable = t.Is("join")
		case t.Is("on"):
			end := condEnd(toks, i+1)
			c := toks[i+1 : end]
			if cond != nil {
				var err error
				if c, err = cond(c); err != nil {
					return nil, err
				}
			}
			out, i = append(append(out, t), c...), end
		default:
			return nil, fmt.Errorf("its FROM clause has %s where a join or a comma was expected", sqlexpr.WriteText([]sqlexpr.Token{t}))
		}
	}
	if n == 0 || wantTable {
		return nil, errors.New("its FROM clause is incomplete")
	}
	return out, nil
}

// nameChain reads a name of one or more dotted parts starting at i.
func nameChain(toks []sqlexpr.Token, i int) ([]sqlexpr.Token, int) {
	var parts []sqlexpr.Token
	for i < len(toks) && isName(toks[i]) {
		parts = append(parts, toks[i])
		if i+2 < len(toks) && toks[i+1].Is(".") && isName(toks[i+2]) {
			i += 2
			continue
		}
		return parts, i + 1
	}
	return parts, i
}

func isName(t sqlexpr.Token) bool {
	return t.Kind == sqlexpr.Quoted || t.Kind == sqlexpr.Ident && !reservedWord(t.Text)
}

// tableAlias reads "[AS] alias" after a table's name.
func tableAlias(toks []sqlexpr.Token, i int) (string, int) {
	if i < len(toks) && toks[i].Is("as") && i+1 < len(toks) && isName(toks[i+1]) {
		return toks[i+1].Text, i + 2
	}
	if i < len(toks) && isName(toks[i]) && !isJoinWord(toks[i]) && !toks[i].Is("on") {
		return toks[i].Text, i + 1
	}
	return "", i
}

// condEnd finds where an ON condition ends: at a join, a comma or a
// parenthesis closing around it, at its own depth.
func condEnd(toks []sqlexpr.Token, i int) int {
	depth := 0
	for ; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.Is("("):
			depth++
		case t.Is(")"):
			if depth == 0 {
				return i
			}
			depth--
		case depth == 0 && (t.Is(",") || isJoinWord(t)):
			return i
		}
	}
	return i
}

// register records the n-th table in the first pass over FROM.
func (vt *viewTx) register(_ int, parts []sqlexpr.Token, alias string) ([]sqlexpr.Token, error) {
	st, err := vt.viewTable(parts)
	if err != nil {
		return nil, err
	}
	it := fromItem{name: st.src.Name, out: st.t.Name, st: st}
	if alias != "" {
		it.name, it.out = alias, alias
	}
	for _, have := range vt.from {
		if vt.sameName(have.name, it.name) {
			return nil, fmt.Errorf("two tables named %s", it.name)
		}
	}
	if vt.db != "" && st.t.Database != vt.db {
		return nil, errors.New("its tables load into different target databases")
	}
	vt.db = st.t.Database
	vt.from = append(vt.from, it)
	return nil, nil
}

// fromTable writes the n-th table with its schema and its alias.
func (vt *viewTx) fromTable(n int, _ []sqlexpr.Token, _ string) ([]sqlexpr.Token, error) {
	it := vt.from[n]
	return []sqlexpr.Token{
		{Kind: sqlexpr.Quoted, Text: it.st.t.Schema}, {Kind: sqlexpr.Op, Text: "."}, {Kind: sqlexpr.Quoted, Text: it.st.t.Name},
		{Kind: sqlexpr.Ident, Text: "AS"}, {Kind: sqlexpr.Quoted, Text: it.out},
	}, nil
}

// viewTable finds the planned table a FROM name reads: one of this source,
// migrated, and loaded from this source alone.
func (vt *viewTx) viewTable(parts []sqlexpr.Token) (*tableState, error) {
	switch {
	case len(parts) > 2:
		return nil, fmt.Errorf("it names %s", sqlexpr.WriteText(parts))
	case len(parts) == 2 && !vt.nameIs(parts[0], vt.s.Database):
		return nil, fmt.Errorf("it reads %s of another database or schema", sqlexpr.WriteText(parts))
	}
	name := parts[len(parts)-1]
	src := vt.sourceTable(name)
	if src == nil {
		for _, o := range vt.s.Objects {
			if vt.sameName(o.Name, name.Text) {
				return nil, fmt.Errorf("it reads the %s %s", o.Kind, o.Name)
			}
		}
		return nil, fmt.Errorf("it reads %s, which is no table of source %s", name.Text, vt.s.Source)
	}
	st := vt.b.states[vt.s.Source+"."+src.Name]
	switch {
	case st == nil:
		return nil, fmt.Errorf("it reads table %s, which is not migrated", src.Name)
	case st.merge != nil:
		return nil, fmt.Errorf("it reads table %s, which is merged with other sources into %s (the view would see their rows too)", src.Name, st.t.Name)
	}
	return st, nil
}

func (vt *viewTx) sourceTable(name sqlexpr.Token) *sluice.Table {
	for i := range vt.s.Tables {
		if t := &vt.s.Tables[i]; vt.nameIs(name, t.Name) {
			return t
		}
	}
	return nil
}

// nameIs reports whether a name as the query writes it names have: MySQL
// and SQLite compare names without case; PostgreSQL folds a bare name to
// lower case and keeps a quoted one as it is.
func (vt *viewTx) nameIs(name sqlexpr.Token, have string) bool {
	if vt.s.Engine != "postgres" {
		return strings.EqualFold(name.Text, have)
	}
	if name.Kind == sqlexpr.Ident {
		return strings.ToLower(name.Text) == have
	}
	return name.Text == have
}

func (vt *viewTx) sameName(a, b string) bool {
	if vt.s.Engine == "postgres" {
		return a == b
	}
	return strings.EqualFold(a, b)
}
