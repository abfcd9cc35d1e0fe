package mysql

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/sluicedb/sluice"
)

// quoteIdent quotes a table or column name with backticks, doubling any
// backtick inside it.
func quoteIdent(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

func quoteList(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = quoteIdent(n)
	}
	return strings.Join(quoted, ", ")
}

// countSQL counts the rows of table that match where ("" for all).
func countSQL(table, where string) string {
	q := "SELECT COUNT(*) FROM " + quoteIdent(table)
	if where != "" {
		q += " WHERE (" + where + ")"
	}
	return q
}

// selectSQL reads one chunk: the requested columns, then the key columns,
// filtered by the user's where and the keyset bound, in key order. The
// user's filter is parenthesised so that an OR in it cannot escape the bound.
func selectSQL(req sluice.ReadRequest) (string, []any, error) {
	if len(req.Columns)+len(req.Key) == 0 {
		return "", nil, errors.New("no columns to read")
	}
	if req.After != nil && len(req.After) != len(req.Key) {
		return "", nil, fmt.Errorf("%d values after a key of %d columns", len(req.After), len(req.Key))
	}
	cols := append(append([]string{}, req.Columns...), req.Key...)
	q := "SELECT " + quoteList(cols) + " FROM " + quoteIdent(req.Table)
	var conds []string
	if req.Where != "" {
		conds = append(conds, "("+req.Where+")")
	}
	var args []any
	if req.After != nil {
		pred, predArgs, err := keysetPredicate(req.Key, req.After)
		if err != nil {
			return "", nil, err
		}
		conds = append(conds, "("+pred+")")
		args = predArgs
	}
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	if len(req.Key) > 0 {
		q += " ORDER BY " + quoteList(req.Key)
	}
	if req.Limit > 0 {
		q += " LIMIT " + strconv.Itoa(req.Limit)
	}
	return q, args, nil
}

// keysetPredicate is "key > after" for a possibly composite key, in the
// expanded form a > ? OR (a = ? AND b > ?): MariaDB turns it into a range
// scan of the index, which it does not do for the row constructor (a, b) > (?, ?).
func keysetPredicate(key []string, after []any) (string, []any, error) {
	var terms []string
	var args []any
	for i := range key {
		if after[i] == nil {
			return "", nil, fmt.Errorf("key column %s is NULL in the lower bound", key[i])
		}
		var parts []string
		for j := 0; j < i; j++ {
			parts = append(parts, quoteIdent(key[j])+" = ?")
			args = append(args, after[j])
		}
		parts = append(parts, quoteIdent(key[i])+" > ?")
		args = append(args, after[i])
		term := strings.Join(parts, " AND ")
		if i > 0 {
			term = "(" + term + ")"
		}
		terms = append(terms, term)
	}
	return strings.Join(terms, " OR "), args, nil
}
