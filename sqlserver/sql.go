package sqlserver

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/sluicedb/sluice"
)

// tableRef is [schema].[table].
func (t *tableInfo) ref() string { return quoteIdent(t.schema) + "." + quoteIdent(t.name) }

func (t *tableInfo) column(name string) (columnInfo, error) {
	for _, c := range t.columns {
		if c.name == name {
			return c, nil
		}
	}
	return columnInfo{}, fmt.Errorf("table %s.%s has no column %q", t.schema, t.name, name)
}

func (t *tableInfo) columnList(names []string) ([]columnInfo, error) {
	out := make([]columnInfo, len(names))
	for i, n := range names {
		var err error
		if out[i], err = t.column(n); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// countSQL counts the rows of a table that match where ("" for all).
func countSQL(t *tableInfo, where string) string {
	q := "SELECT COUNT_BIG(*) FROM " + t.ref()
	if where != "" {
		q += " WHERE (" + where + ")"
	}
	return q
}

// selectSQL reads one chunk: the requested columns, then the key columns,
// filtered by the user's where and the keyset bound, in the key's order,
// at most Limit rows.
func selectSQL(t *tableInfo, req sluice.ReadRequest) (string, []any, error) {
	cols, err := t.columnList(append(append([]string{}, req.Columns...), req.Key...))
	if err != nil {
		return "", nil, err
	}
	if len(cols) == 0 {
		return "", nil, errors.New("no columns to read")
	}
	exprs := make([]string, len(cols))
	for i, c := range cols {
		exprs[i] = c.selectExpr()
	}
	where, args, err := chunkWhere(t, req, nil)
	if err != nil {
		return "", nil, err
	}
	q := "SELECT "
	if req.Limit > 0 {
		q += "TOP (" + strconv.Itoa(req.Limit) + ") "
	}
	q += strings.Join(exprs, ", ") + " FROM " + t.ref() + where
	if len(req.Key) > 0 {
		q += " ORDER BY " + quoteList(req.Key)
	}
	return q, args, nil
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quoteIdent(n)
	}
	return strings.Join(q, ", ")
}

// chunkWhere is the WHERE clause of a chunk: the user's filter in
// parentheses (so an OR in it cannot escape the bounds), the keyset bound
// after req.After and, when upto is not nil, the inclusive bound upto.
func chunkWhere(t *tableInfo, req sluice.ReadRequest, upto []any) (string, []any, error) {
	var conds []string
	if req.Where != "" {
		conds = append(conds, "("+req.Where+")")
	}
	var args []any
	for _, b := range []struct {
		values      []any
		strict, end string
		name        string
	}{{req.After, ">", ">", "lower"}, {upto, "<", "<=", "upper"}} {
		if b.values == nil {
			continue
		}
		pred, err := boundPredicate(t, req.Key, b.values, b.strict, b.end, b.name, len(args))
		if err != nil {
			return "", nil, err
		}
		conds = append(conds, "("+pred+")")
		for _, v := range b.values {
			args = append(args, paramValue(v))
		}
	}
	if len(conds) == 0 {
		return "", nil, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

// boundPredicate compares the key with a bound in the expanded form
// a > @p1 OR (a = @p1 AND b > @p2). Every bound value is cast to its
// column's declared type, so that the server compares in the column's own
// type and collation, as its ORDER BY sorts: a value sent as nvarchar and
// compared with a varchar column would otherwise be compared as nvarchar,
// whose order under a SQL collation is not varchar's.
func boundPredicate(t *tableInfo, key []string, bound []any, strict, last, name string, first int) (string, error) {
	if len(bound) != len(key) {
		return "", fmt.Errorf("%d values in the %s bound of a key of %d columns", len(bound), name, len(key))
	}
	cols, err := t.columnList(key)
	if err != nil {
		return "", err
	}
	param := func(i int) string {
		return fmt.Sprintf("CAST(@p%d AS %s)", first+i+1, cols[i].declared)
	}
	var terms []string
	for i := range key {
		if bound[i] == nil {
			return "", fmt.Errorf("key column %s is NULL in the %s bound", key[i], name)
		}
		var parts []string
		for j := 0; j < i; j++ {
			parts = append(parts, quoteIdent(key[j])+" = "+param(j))
		}
		op := strict
		if i == len(key)-1 {
			op = last
		}
		parts = append(parts, quoteIdent(key[i])+" "+op+" "+param(i))
		term := strings.Join(parts, " AND ")
		if i > 0 {
			term = "(" + term + ")"
		}
		terms = append(terms, term)
	}
	return strings.Join(terms, " OR "), nil
}
