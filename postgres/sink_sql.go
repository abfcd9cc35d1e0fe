package postgres

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sluicedb/sluice"
)

// The statements of the reverse stream's writes: pure producers of SQL and
// arguments.

func sinkTableSQL(schema string) string {
	return "CREATE TABLE IF NOT EXISTS " + QualifiedName(schema, sluice.SinkTable) +
		" (name text PRIMARY KEY, position text NOT NULL, generated_keys text, applied_at timestamptz NOT NULL DEFAULT now())"
}

// changeSQL is the statement applying c to schema's table, with its
// arguments; an insert without its key returns the generated key.
func changeSQL(schema string, c sluice.RowChange) (string, []any, error) {
	if c.KeyValues != nil && len(c.KeyValues) != len(c.Key) {
		return "", nil, fmt.Errorf("%d key values for key (%s)", len(c.KeyValues), strings.Join(c.Key, ", "))
	}
	if len(c.Values) != len(c.Columns) {
		return "", nil, fmt.Errorf("%d values for %d columns", len(c.Values), len(c.Columns))
	}
	table := QualifiedName(schema, c.Table)
	switch c.Kind {
	case sluice.ChangeInsert:
		return insertSQL(table, c)
	case sluice.ChangeUpdate:
		return updateSQL(table, c)
	case sluice.ChangeDelete:
		if c.KeyValues == nil {
			return "", nil, fmt.Errorf("a delete needs the row's key")
		}
		return "DELETE FROM " + table + " WHERE " + keyWhere(c.Key, 1), c.KeyValues, nil
	}
	return "", nil, fmt.Errorf("a %s cannot be applied to a source", c.Kind)
}

func insertSQL(table string, c sluice.RowChange) (string, []any, error) {
	cols, args := c.Columns, c.Values
	returning := ""
	if c.KeyValues != nil {
		cols = append(append([]string(nil), c.Key...), cols...)
		args = append(append([]any(nil), c.KeyValues...), args...)
	} else {
		if len(c.Key) == 0 {
			return "", nil, fmt.Errorf("an insert without its key needs a generated key, the table has none")
		}
		returning = " RETURNING " + quoteList(c.Key)
	}
	if len(cols) == 0 {
		return "INSERT INTO " + table + " DEFAULT VALUES" + returning, nil, nil
	}
	return "INSERT INTO " + table + " (" + quoteList(cols) + ") VALUES (" + params(1, len(cols)) + ")" + returning, args, nil
}

func updateSQL(table string, c sluice.RowChange) (string, []any, error) {
	if c.KeyValues == nil {
		return "", nil, fmt.Errorf("an update needs the row's key")
	}
	sets := make([]string, len(c.Columns))
	for i, col := range c.Columns {
		sets[i] = QuoteIdent(col) + " = $" + strconv.Itoa(i+1)
	}
	if len(sets) == 0 { // nothing but the key: the row must still be there
		sets = []string{QuoteIdent(c.Key[0]) + " = " + QuoteIdent(c.Key[0])}
	}
	args := append(append([]any(nil), c.Values...), c.KeyValues...)
	return "UPDATE " + table + " SET " + strings.Join(sets, ", ") + " WHERE " + keyWhere(c.Key, len(c.Columns)+1), args, nil
}

func keyWhere(key []string, first int) string {
	conds := make([]string, len(key))
	for i, k := range key {
		conds[i] = QuoteIdent(k) + " = $" + strconv.Itoa(first+i)
	}
	return strings.Join(conds, " AND ")
}

func quoteList(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = QuoteIdent(n)
	}
	return strings.Join(quoted, ", ")
}

func params(first, n int) string {
	ps := make([]string, n)
	for i := range ps {
		ps[i] = "$" + strconv.Itoa(first+i)
	}
	return strings.Join(ps, ", ")
}
