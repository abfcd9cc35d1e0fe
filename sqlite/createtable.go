package sqlite

import (
	"fmt"
	"strings"

	"github.com/sluicedb/sluice/sqlexpr"
)

// tableSQL is what a CREATE TABLE statement declares that SQLite's pragmas
// do not report: the CHECK constraints and the expressions of generated
// columns, each as the source text between its parentheses.
type tableSQL struct {
	checks    []tableCheck
	generated map[string]string // by column name as declared
}

type tableCheck struct {
	name   string // CONSTRAINT name; "" when unnamed
	column string // the column it is declared on; "" for a table constraint
	expr   string
}

// parseCreateTable reads sqlite_master.sql of a table: the items between
// the outer parentheses, split at commas outside any parentheses, each a
// column definition or a table constraint.
func parseCreateTable(sql string) (*tableSQL, error) {
	toks, err := sqlexpr.Tokenize(sqlexpr.SQLite, sql)
	if err != nil {
		return nil, err
	}
	open := indexOf(toks, 0, "(")
	if open < 0 || !toks[0].Is("CREATE") {
		return nil, fmt.Errorf("not a CREATE TABLE with columns")
	}
	out := &tableSQL{generated: map[string]string{}}
	items, err := splitItems(toks, open+1)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		if err := out.item(sql, it); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func indexOf(toks []sqlexpr.Token, from int, s string) int {
	for i := from; i < len(toks); i++ {
		if toks[i].Is(s) {
			return i
		}
	}
	return -1
}

// splitItems returns the token ranges of the items from toks[from] to the
// parenthesis that closes the list.
func splitItems(toks []sqlexpr.Token, from int) ([][]sqlexpr.Token, error) {
	var items [][]sqlexpr.Token
	depth, start := 0, from
	for i := from; i < len(toks); i++ {
		switch {
		case toks[i].Is("("):
			depth++
		case toks[i].Is(")") && depth > 0:
			depth--
		case toks[i].Is(")"), toks[i].Is(",") && depth == 0:
			items = append(items, toks[start:i])
			if toks[i].Is(")") {
				return items, nil
			}
			start = i + 1
		}
	}
	return nil, fmt.Errorf("unbalanced parentheses")
}

// tableConstraintWords start a table constraint rather than a column.
var tableConstraintWords = []string{"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"}

func (t *tableSQL) item(sql string, it []sqlexpr.Token) error {
	if len(it) == 0 {
		return fmt.Errorf("empty item")
	}
	column := ""
	body := it
	if !isTableConstraint(it[0]) {
		column, body = it[0].Text, it[1:]
	}
	name := ""
	for i := 0; i < len(body); i++ {
		tk := body[i]
		switch {
		case tk.Is("CONSTRAINT") && i+1 < len(body):
			name = body[i+1].Text
			i++
		case tk.Is("CHECK") && i+1 < len(body) && body[i+1].Is("("):
			expr, end, err := parenthesised(sql, body, i+1)
			if err != nil {
				return err
			}
			t.checks = append(t.checks, tableCheck{name: name, column: column, expr: expr})
			name, i = "", end
		case tk.Is("AS") && column != "" && i+1 < len(body) && body[i+1].Is("("):
			expr, end, err := parenthesised(sql, body, i+1)
			if err != nil {
				return err
			}
			t.generated[column], i = expr, end
		case tk.Is("("):
			_, end, err := parenthesised(sql, body, i)
			if err != nil {
				return err
			}
			i = end
		}
	}
	return nil
}

func isTableConstraint(tk sqlexpr.Token) bool {
	if tk.Kind != sqlexpr.Ident {
		return false
	}
	for _, w := range tableConstraintWords {
		if tk.Is(w) {
			return true
		}
	}
	return false
}

// parenthesised returns the source text inside the parentheses opened at
// toks[open], and the index of the closing one.
func parenthesised(sql string, toks []sqlexpr.Token, open int) (string, int, error) {
	depth := 0
	for i := open; i < len(toks); i++ {
		switch {
		case toks[i].Is("("):
			depth++
		case toks[i].Is(")"):
			depth--
			if depth == 0 {
				return strings.TrimSpace(sql[toks[open].End:toks[i].Pos]), i, nil
			}
		}
	}
	return "", 0, fmt.Errorf("unbalanced parentheses")
}
