package plan

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/naming"
	"github.com/sluicedb/sluice/sqlexpr"
)

// planView plans a source view whose query translates into PostgreSQL over
// the target tables; any other is not carried over, with the reason.
func (b *builder) planView(s *sluice.Schema, o sluice.Object) {
	v, err := b.translateView(s, o)
	if err != nil {
		b.loseObject(s, o, "its query is not translated: "+err.Error()+"; create it by hand after the load")
		return
	}
	b.views = append(b.views, v)
	if s.Engine == "mysql" {
		b.warn("", fmt.Sprintf("source %s: view %s is created as %s; MySQL compares text by its collation (usually without case) where PostgreSQL compares it exactly: check its conditions", s.Source, o.Name, v.Target))
	}
}

// translateView rewrites a view's query onto the target: a SELECT (with
// joins, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT) over migrated tables,
// with their target names, whose expressions use only what means the same
// in PostgreSQL (see viewFunctions and viewOps). Anything else is an error
// that says what stopped it.
func (b *builder) translateView(s *sluice.Schema, o sluice.Object) (View, error) {
	toks, err := sqlexpr.TokenizeText(s.Engine, o.Definition)
	if err != nil {
		return View{}, fmt.Errorf("cannot read it (%v)", err)
	}
	if toks, err = selectTokens(s.Engine, toks); err != nil {
		return View{}, err
	}
	vt := &viewTx{b: b, s: s, outs: map[string]string{}}
	q, err := vt.query(toks)
	if err != nil {
		return View{}, err
	}
	v := View{Source: s.Source, Name: o.Name, Target: naming.Apply(b.set.naming, o.Name), Database: vt.db, Query: q}
	for _, it := range vt.from {
		v.Tables = append(v.Tables, it.st.t.ID)
	}
	for _, d := range b.set.databases {
		if d.Name == v.Database {
			v.Schema = d.Schema
		}
	}
	for _, st := range b.list {
		if st.t.Database == v.Database && st.t.Name == v.Target {
			return View{}, fmt.Errorf("its target name %s is a table's", v.Target)
		}
	}
	return v, nil
}

// selectTokens strips what precedes the query: SQLite keeps the whole
// CREATE VIEW statement. A trailing semicolon goes too.
func selectTokens(engine string, toks []sqlexpr.Token) ([]sqlexpr.Token, error) {
	if n := len(toks); n > 0 && toks[n-1].Is(";") {
		toks = toks[:n-1]
	}
	if engine == "sqlite" && len(toks) > 0 && toks[0].Is("create") {
		as := -1
		for i, t := range toks {
			if t.Is("(") {
				return nil, errors.New("a column list after the view's name is not supported")
			}
			if t.Is("as") {
				as = i
				break
			}
		}
		if as < 0 {
			return nil, errors.New("no AS in CREATE VIEW")
		}
		toks = toks[as+1:]
	}
	if len(toks) == 0 || !toks[0].Is("select") {
		return nil, errors.New("it is not a plain SELECT")
	}
	return toks, nil
}

// fromItem is one table the query reads.
type fromItem struct {
	name string // how the query names it: its alias, else its table name
	out  string // how the translation names it
	st   *tableState
}

// viewTx is the translation of one view's query.
type viewTx struct {
	b    *builder
	s    *sluice.Schema
	from []fromItem
	outs map[string]string // the source's output column names (folded) -> the target's
	db   string
}

// clauseWords start the clauses of a SELECT, at parenthesis depth 0.
var clauseWords = []string{"from", "where", "group", "having", "order", "limit"}

// refused are words that make a query more than a view can carry here.
var refused = map[string]string{
	"select": "a subquery", "union": "UNION", "intersect": "INTERSECT", "except": "EXCEPT",
	"with": "WITH", "over": "a window function", "window": "a window", "into": "INTO",
	"natural": "a NATURAL join", "using": "JOIN ... USING", "straight_join": "STRAIGHT_JOIN",
}

func (vt *viewTx) query(toks []sqlexpr.Token) (string, error) {
	clauses, err := splitClauses(toks[1:])
	if err != nil {
		return "", err
	}
	from, ok := clauses["from"]
	if !ok {
		return "", errors.New("it reads no table")
	}
	if _, err := vt.scanFrom(from, vt.register, nil); err != nil {
		return "", err
	}
	fromSQL, err := vt.scanFrom(from, vt.fromTable, vt.expr)
	if err != nil {
		return "", err
	}
	items, err := vt.selectList(clauses["select"])
	if err != nil {
		return "", err
	}
	out := "SELECT " + items + " FROM " + sqlexpr.WriteText(fromSQL)
	for _, c := range []struct{ key, head string }{{"where", "WHERE"}, {"group", "GROUP BY"}, {"having", "HAVING"}, {"order", "ORDER BY"}} {
		part, err := vt.clause(clauses, c.key)
		if err != nil {
			return "", err
		}
		if part != "" {
			out += " " + c.head + " " + part
		}
	}
	limit, err := limitClause(clauses["limit"])
	return out + limit, err
}

// splitClauses cuts the tokens after SELECT into its clauses, by their
// first word ("group" and "order" without their "by").
func splitClauses(toks []sqlexpr.Token) (map[string][]sqlexpr.Token, error) {
	out := map[string][]sqlexpr.Token{}
	key, depth, start := "select", 0, 0
	for i, t := range toks {
		if t.Kind == sqlexpr.Ident {
			if what, bad := refused[strings.ToLower(t.Text)]; bad {
				return nil, fmt.Errorf("it uses %s", what)
			}
		}
		switch {
		case t.Is("("):
			depth++
		case t.Is(")"):
			depth--
		case depth == 0 && t.Kind == sqlexpr.Ident && isClauseWord(t):
			out[key] = toks[start:i]
			key, start = strings.ToLower(t.Text), i+1
			if (key == "group" || key == "order") && start < len(toks) && toks[start].Is("by") {
				start++
			}
		}
	}
	out[key] = toks[start:]
	return out, nil
}

func isClauseWord(t sqlexpr.Token) bool {
	for _, w := range clauseWords {
		if t.Is(w) {
			return true
		}
	}
	return false
}

func (vt *viewTx) clause(clauses map[string][]sqlexpr.Token, key string) (string, error) {
	toks, ok := clauses[key]
	if !ok {
		return "", nil
	}
	if len(toks) == 0 {
		return "", fmt.Errorf("an empty %s clause", strings.ToUpper(key))
	}
	out, err := vt.expr(toks)
	return sqlexpr.WriteText(out), err
}

// limitClause keeps LIMIT n [OFFSET m]; MySQL's LIMIT m, n is refused.
func limitClause(toks []sqlexpr.Token) (string, error) {
	if toks == nil {
		return "", nil
	}
	ok := len(toks) == 1 && toks[0].Kind == sqlexpr.Number ||
		len(toks) == 3 && toks[0].Kind == sqlexpr.Number && toks[1].Is("offset") && toks[2].Kind == sqlexpr.Number
	if !ok {
		return "", errors.New("its LIMIT is not LIMIT n [OFFSET m]")
	}
	return " LIMIT " + sqlexpr.WriteText(toks), nil
}
