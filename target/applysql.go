package target

import (
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice"
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
	shape := strings.Join([]string{c.Op.String(), c.Schema, c.Table, strings.Join(c.Columns, "\x00"), strings.Join(c.Key, "\x00"), strings.Join(c.Keep, "\x00"),
		strings.Join(c.Resolve, "\x00")}, "\x01")
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
		return "INSERT INTO " + table + " (" + identList(c.Columns) + ") VALUES (" + values(c, 1) + ")"
	case OpUpsert:
		return "INSERT INTO " + table + " (" + identList(c.Columns) + ") VALUES (" + values(c, 1) + ")" + onConflict(c)
	case OpUpdate:
		return "UPDATE " + table + " SET " + assignments(c) + " WHERE " + equal(c.Key, len(c.Columns)+1, " = ")
	case OpDelete:
		if len(c.Key) == 0 {
			// Without a key, rows that are alike are interchangeable: remove one.
			return "DELETE FROM " + table + " WHERE ctid = (SELECT ctid FROM " + table + " WHERE " +
				equal(c.Columns, 1, " IS NOT DISTINCT FROM ") + " LIMIT 1)"
		}
		return "DELETE FROM " + table + " WHERE " + keyEqual(c, 1)
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
	for _, k := range append(slices.Clone(c.Key), c.Keep...) {
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

func assignments(c *RowChange) string {
	a := make([]string, len(c.Columns))
	for i, col := range c.Columns {
		a[i] = quoteIdent(col) + " = " + param(c, col, i+1)
	}
	return strings.Join(a, ", ")
}

// values is the VALUES list of c's columns, from parameter first on.
func values(c *RowChange, first int) string {
	p := make([]string, len(c.Columns))
	for i, col := range c.Columns {
		p[i] = param(c, col, first+i)
	}
	return strings.Join(p, ", ")
}

// keyEqual finds the row by c's key, from parameter first on (an expanded
// row's parent column may be a Resolve column).
func keyEqual(c *RowChange, first int) string {
	a := make([]string, len(c.Key))
	for i, k := range c.Key {
		a[i] = quoteIdent(k) + " = " + param(c, k, first+i)
	}
	return strings.Join(a, " AND ")
}

// param is parameter n, the value of c's column col: for a Resolve column,
// the entity a legacy identity was matched to (the identity itself when it
// was matched to none, as the copy keeps it).
func param(c *RowChange, col string, n int) string {
	p := "$" + strconv.Itoa(n)
	if !slices.Contains(c.Resolve, col) {
		return p
	}
	return "coalesce((SELECT entity FROM sluice.legacy_keys WHERE legacy_uuid = " + p + "::uuid), " + p + "::uuid)"
}

func equal(cols []string, first int, op string) string {
	a := make([]string, len(cols))
	for i, c := range cols {
		a[i] = quoteIdent(c) + op + "$" + strconv.Itoa(first+i)
	}
	return strings.Join(a, " AND ")
}

// groupRows is how many rows one multi-row INSERT writes: a statement per
// row costs the server a round of parse, bind and execute each, and a few
// fixed sizes keep the prepared statements few.
const groupRows = 64

// group is changes[first:first+n], applied by one statement.
type group struct{ first, n int }

// groupChanges cuts changes into groups: groupRows consecutive inserts or
// upserts of one table, with the same columns and distinct keys (an upsert
// cannot change a row twice in one statement), go together; every other
// change is a group of its own. The order of the changes is kept.
func groupChanges(changes []RowChange) []group {
	var out []group
	for i := 0; i < len(changes); {
		n := groupable(changes[i:])
		out = append(out, group{first: i, n: n})
		i += n
	}
	return out
}

// groupable is how many changes from the first one go in its group.
func groupable(cs []RowChange) int {
	first := &cs[0]
	if (first.Op != OpInsert && first.Op != OpUpsert) || len(first.Key) == 0 || len(cs) < groupRows {
		return 1
	}
	keys := make(map[string]bool, groupRows)
	for i := range groupRows {
		c := &cs[i]
		if c.Op != first.Op || c.Table != first.Table || c.Schema != first.Schema || !slices.Equal(c.Columns, first.Columns) {
			return 1
		}
		k := rowKey(c)
		if keys[k] {
			return 1
		}
		keys[k] = true
	}
	return groupRows
}

// rowKey is the text of a row's key values, to tell keys apart (values that
// read alike count as one key: a smaller group, never a wrong one).
func rowKey(c *RowChange) string {
	key := make([]any, 0, len(c.Key))
	for _, k := range c.Key {
		if i := slices.Index(c.Columns, k); i >= 0 {
			key = append(key, c.Values[i])
		}
	}
	return sluice.KeyText(key)
}

// queueGroup queues one change, or a group of inserts or upserts as one
// multi-row INSERT.
func queueGroup(b *pgx.Batch, cs []RowChange) {
	if len(cs) == 1 {
		queueChange(b, &cs[0])
		return
	}
	first := &cs[0]
	args := make([]any, 0, len(cs)*len(first.Columns))
	for i := range cs {
		args = append(args, cs[i].Values...)
	}
	b.Queue(groupSQL(first, len(cs)), args...)
}

func groupSQL(c *RowChange, rows int) string {
	shape := strings.Join([]string{"group", strconv.Itoa(rows), c.Op.String(), c.Schema, c.Table, strings.Join(c.Columns, "\x00"), strings.Join(c.Key, "\x00"), strings.Join(c.Keep, "\x00"),
		strings.Join(c.Resolve, "\x00")}, "\x01")
	if sql, ok := statements.Load(shape); ok {
		return sql.(string)
	}
	rowsSQL := make([]string, rows)
	for r := range rowsSQL {
		rowsSQL[r] = "(" + values(c, 1+r*len(c.Columns)) + ")"
	}
	sql := "INSERT INTO " + pgx.Identifier{c.Schema, c.Table}.Sanitize() + " (" + identList(c.Columns) + ") VALUES " + strings.Join(rowsSQL, ", ")
	if c.Op == OpUpsert {
		sql += onConflict(c)
	}
	statements.Store(shape, sql)
	return sql
}
