package postgres

import (
	"strconv"
	"strings"

	"github.com/sluicedb/sluice"
)

// RowID is PostgreSQL's row identifier, a ReadRequest key may name it.
const RowID = "ctid"

// QuoteIdent quotes an identifier: in double quotes, each double quote doubled.
func QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// QualifiedName is "schema"."table".
func QualifiedName(schema, table string) string {
	return QuoteIdent(schema) + "." + QuoteIdent(table)
}

// FromClause names the table to read: ONLY the table itself for an ordinary
// table, whose inheritance children (pre-10 partitioning) are tables of their
// own, read separately; a partitioned table has no rows of its own, so its
// partitions are read through it.
func FromClause(schema, table string, partitioned bool) string {
	if partitioned {
		return QualifiedName(schema, table)
	}
	return "ONLY " + QualifiedName(schema, table)
}

// CountSQL counts the rows of schema.table that match where ("" for all).
func CountSQL(schema, table, where string, partitioned bool) string {
	q := "SELECT count(*) FROM " + FromClause(schema, table, partitioned)
	if where != "" {
		q += " WHERE (" + where + ")"
	}
	return q
}

// ReadSQL selects the requested columns, then the key columns, of the rows
// after req.After in key order. types holds the table's column types: a
// column that readsAsText is selected as "col"::text, and an After value for
// it is passed as text and cast back to the column's type, so it compares as
// the column does. ctid is selected as text and compared as a tid.
func ReadSQL(schema string, req sluice.ReadRequest, types map[string]sluice.Type, partitioned bool) (string, []any) {
	tail, args := chunkTail(schema, req, nil, types, partitioned)
	return "SELECT " + selectList(append(append([]string{}, req.Columns...), req.Key...), types) + tail, args
}

// chunkTail is the FROM, WHERE, ORDER BY and LIMIT that select a chunk: the
// user's where (parenthesised so that an OR in it cannot escape the bounds),
// the keyset bound after req.After and, when upto is not nil, the inclusive
// bound upto.
func chunkTail(schema string, req sluice.ReadRequest, upto []any, types map[string]sluice.Type, partitioned bool) (string, []any) {
	var b strings.Builder
	b.WriteString(" FROM " + FromClause(schema, req.Table, partitioned))
	var conds []string
	if req.Where != "" {
		conds = append(conds, "("+req.Where+")")
	}
	var args []any
	if len(req.Key) > 0 && req.After != nil {
		conds = append(conds, KeysetCondition(schema, req.Table, req.Key, types))
		args = append(args, req.After...)
	}
	if len(req.Key) > 0 && upto != nil {
		conds = append(conds, keyBound(schema, req.Table, req.Key, types, "<=", len(args)+1))
		args = append(args, upto...)
	}
	if len(conds) > 0 {
		b.WriteString(" WHERE " + strings.Join(conds, " AND "))
	}
	if len(req.Key) > 0 {
		b.WriteString(" ORDER BY " + keyList(schema, req.Table, req.Key))
	}
	if req.Limit > 0 {
		b.WriteString(" LIMIT " + strconv.Itoa(req.Limit))
	}
	return b.String(), args
}

func selectList(cols []string, types map[string]sluice.Type) string {
	if len(cols) == 0 {
		return "1"
	}
	exprs := make([]string, len(cols))
	for i, c := range cols {
		exprs[i] = selectExpr(c, types)
	}
	return strings.Join(exprs, ", ")
}

func selectExpr(col string, types map[string]sluice.Type) string {
	if t, ok := types[col]; ok && readsAsText(t) {
		return QuoteIdent(col) + "::text"
	}
	if _, ok := types[col]; !ok && col == RowID {
		return RowID + "::text"
	}
	return QuoteIdent(col)
}

// KeysetCondition is "k > $1" for one key column and the row value
// "(a, b) > ($1, $2)" for several.
func KeysetCondition(schema, table string, key []string, types map[string]sluice.Type) string {
	return keyBound(schema, table, key, types, ">", 1)
}

// keyBound compares the key with op to parameters numbered from first on.
func keyBound(schema, table string, key []string, types map[string]sluice.Type, op string, first int) string {
	params := make([]string, len(key))
	for i, k := range key {
		params[i] = paramExpr(first+i, k, types)
	}
	cols := keyList(schema, table, key)
	if len(key) == 1 {
		return cols + " " + op + " " + params[0]
	}
	return "(" + cols + ") " + op + " (" + strings.Join(params, ", ") + ")"
}

func paramExpr(n int, col string, types map[string]sluice.Type) string {
	p := "$" + strconv.Itoa(n)
	t, ok := types[col]
	switch {
	case ok && readsAsText(t):
		return p + "::text::" + t.Raw
	case !ok && col == RowID:
		return p + "::text::tid"
	}
	return p
}

// keyList names the key columns qualified by their table: in ORDER BY a bare
// name means the output column of that name first, which for a column read
// as text ("k"::text keeps the name k) would sort numbers and enums as text.
func keyList(schema, table string, key []string) string {
	qualified := make([]string, len(key))
	for i, k := range key {
		if k == RowID {
			qualified[i] = QualifiedName(schema, table) + "." + RowID
			continue
		}
		qualified[i] = QualifiedName(schema, table) + "." + QuoteIdent(k)
	}
	return strings.Join(qualified, ", ")
}
