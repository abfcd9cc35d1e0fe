package target

import (
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
)

// queueChange queues the statement of one row change.
func queueChange(b *pgx.Batch, c *RowChange) {
	sql := changeSQL(c)
	switch c.Op {
	case OpInsert, OpUpsert:
		b.Queue(sql, c.Values...)
	case OpUpdate:
		b.Queue(sql, append(append(make([]any, 0, len(c.Values)+len(c.KeyValues)), c.Values...), c.KeyValues...)...)
	case OpDelete, OpTruncate:
		b.Queue(sql, c.KeyValues...)
	}
}

// statements caches the SQL of each shape of change: a stream repeats a few
// shapes millions of times.
var statements sync.Map

func changeSQL(c *RowChange) string {
	shape := strings.Join([]string{c.Op.String(), c.Schema, c.Table, strings.Join(c.Columns, "\x00"), strings.Join(c.Key, "\x00")}, "\x01")
	if sql, ok := statements.Load(shape); ok {
		return sql.(string)
	}
	sql := buildChangeSQL(c)
	statements.Store(shape, sql)
	return sql
}

// buildChangeSQL writes the statement of a change; pure, golden-tested.
func buildChangeSQL(c *RowChange) string {
	table := pgx.Identifier{c.Schema, c.Table}.Sanitize()
	switch c.Op {
	case OpInsert:
		return "INSERT INTO " + table + " (" + identList(c.Columns) + ") VALUES (" + params(1, len(c.Columns)) + ")"
	case OpUpsert:
		return "INSERT INTO " + table + " (" + identList(c.Columns) + ") VALUES (" + params(1, len(c.Columns)) + ")" + onConflict(c)
	case OpUpdate:
		return "UPDATE " + table + " SET " + assignments(c.Columns) + " WHERE " + equal(c.Key, len(c.Columns)+1, " = ")
	case OpDelete:
		if len(c.Key) == 0 {
			// Without a key, rows that are alike are interchangeable: remove one.
			return "DELETE FROM " + table + " WHERE ctid = (SELECT ctid FROM " + table + " WHERE " +
				equal(c.Columns, 1, " IS NOT DISTINCT FROM ") + " LIMIT 1)"
		}
		return "DELETE FROM " + table + " WHERE " + equal(c.Key, 1, " = ")
	case OpTruncate:
		if len(c.Columns) == 0 {
			return "DELETE FROM " + table
		}
		return "DELETE FROM " + table + " WHERE " + equal(c.Columns, 1, " = ")
	}
	return ""
}

func onConflict(c *RowChange) string {
	if len(c.Key) == 0 {
		return ""
	}
	key := map[string]bool{}
	for _, k := range c.Key {
		key[k] = true
	}
	var set []string
	for _, col := range c.Columns {
		if !key[col] {
			set = append(set, quoteIdent(col)+" = EXCLUDED."+quoteIdent(col))
		}
	}
	if len(set) == 0 {
		return " ON CONFLICT (" + identList(c.Key) + ") DO NOTHING"
	}
	return " ON CONFLICT (" + identList(c.Key) + ") DO UPDATE SET " + strings.Join(set, ", ")
}

func identList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quoteIdent(n)
	}
	return strings.Join(q, ", ")
}

func params(first, n int) string {
	p := make([]string, n)
	for i := range p {
		p[i] = "$" + strconv.Itoa(first+i)
	}
	return strings.Join(p, ", ")
}

func assignments(cols []string) string {
	a := make([]string, len(cols))
	for i, c := range cols {
		a[i] = quoteIdent(c) + " = $" + strconv.Itoa(i+1)
	}
	return strings.Join(a, ", ")
}

func equal(cols []string, first int, op string) string {
	a := make([]string, len(cols))
	for i, c := range cols {
		a[i] = quoteIdent(c) + op + "$" + strconv.Itoa(first+i)
	}
	return strings.Join(a, " AND ")
}
