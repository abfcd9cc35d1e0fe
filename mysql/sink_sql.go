package mysql

import (
	"fmt"
	"strings"

	"github.com/sluicedb/sluice"
)

// The statements of the reverse stream's writes: pure producers of SQL and
// arguments, golden-tested beside the sink.

const sinkTableSQL = "CREATE TABLE IF NOT EXISTS `" + sluice.SinkTable + "` (" +
	"name varchar(191) NOT NULL PRIMARY KEY, position varchar(191) NOT NULL, generated_keys mediumtext, applied_at datetime(6) NOT NULL" +
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"

// changeSQL is the statement applying c, with its arguments.
func changeSQL(c sluice.RowChange) (string, []any, error) {
	if c.KeyValues != nil && len(c.KeyValues) != len(c.Key) {
		return "", nil, fmt.Errorf("%d key values for key (%s)", len(c.KeyValues), strings.Join(c.Key, ", "))
	}
	if len(c.Values) != len(c.Columns) {
		return "", nil, fmt.Errorf("%d values for %d columns", len(c.Values), len(c.Columns))
	}
	switch c.Kind {
	case sluice.ChangeInsert:
		return insertSQL(c)
	case sluice.ChangeUpdate:
		return updateSQL(c)
	case sluice.ChangeDelete:
		return deleteSQL(c)
	}
	return "", nil, fmt.Errorf("a %s cannot be applied to a source", c.Kind)
}

func insertSQL(c sluice.RowChange) (string, []any, error) {
	cols := append([]string(nil), c.Columns...)
	args := append([]any(nil), c.Values...)
	if c.KeyValues != nil {
		cols = append(append([]string(nil), c.Key...), cols...)
		args = append(append([]any(nil), c.KeyValues...), args...)
	} else if len(c.Key) != 1 {
		return "", nil, fmt.Errorf("an insert without its key needs a one-column generated key, the key is (%s)", strings.Join(c.Key, ", "))
	}
	if len(cols) == 0 {
		return "INSERT INTO " + quoteIdent(c.Table) + " () VALUES ()", nil, nil
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")
	return "INSERT INTO " + quoteIdent(c.Table) + " (" + quoteList(cols) + ") VALUES (" + marks + ")", args, nil
}

func updateSQL(c sluice.RowChange) (string, []any, error) {
	if c.KeyValues == nil {
		return "", nil, fmt.Errorf("an update needs the row's key")
	}
	sets := make([]string, len(c.Columns))
	for i, col := range c.Columns {
		sets[i] = quoteIdent(col) + " = ?"
	}
	if len(sets) == 0 { // nothing but the key: the row must still be there
		sets = []string{quoteIdent(c.Key[0]) + " = " + quoteIdent(c.Key[0])}
	}
	args := append(append([]any(nil), c.Values...), c.KeyValues...)
	return "UPDATE " + quoteIdent(c.Table) + " SET " + strings.Join(sets, ", ") + " WHERE " + keyWhere(c.Key), args, nil
}

func deleteSQL(c sluice.RowChange) (string, []any, error) {
	if c.KeyValues == nil {
		return "", nil, fmt.Errorf("a delete needs the row's key")
	}
	return "DELETE FROM " + quoteIdent(c.Table) + " WHERE " + keyWhere(c.Key), c.KeyValues, nil
}

func keyWhere(key []string) string {
	conds := make([]string, len(key))
	for i, k := range key {
		conds[i] = quoteIdent(k) + " = ?"
	}
	return strings.Join(conds, " AND ")
}
