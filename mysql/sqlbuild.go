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
// filtered by the user's where and the keyset bound, in key order.
func selectSQL(req sluice.ReadRequest) (string, []any, error) {
	if len(req.Columns)+len(req.Key) == 0 {
		return "", nil, errors.New("no columns to read")
	}
	cols := append(append([]string{}, req.Columns...), req.Key...)
	tail, args, err := chunkTail(req, nil)
	if err != nil {
		return "", nil, err
	}
	return "SELECT " + quoteList(cols) + " FROM " + quoteIdent(req.Table) + tail, args, nil
}

// chunkTail is the WHERE, ORDER BY and LIMIT that select a chunk: the
// user's where, the keyset bound after req.After and, when upto is not nil,
// the inclusive bound upto. The user's filter is parenthesised so that an OR
// in it cannot escape the bounds.
func chunkTail(req sluice.ReadRequest, upto []any) (string, []any, error) {
	if req.After != nil && len(req.After) != len(req.Key) {
		return "", nil, fmt.Errorf("%d values after a key of %d columns", len(req.After), len(req.Key))
	}
	if upto != nil && len(upto) != len(req.Key) {
		return "", nil, fmt.Errorf("%d values up to a key of %d columns", len(upto), len(req.Key))
	}
	var conds []string
	if req.Where != "" {
		conds = append(conds, "("+req.Where+")")
	}
	var args []any
	for _, b := range []struct {
		values []any
		pred   func([]string, []any) (string, []any, error)
	}{{req.After, keysetPredicate}, {upto, uptoPredicate}} {
		if b.values == nil {
			continue
		}
		pred, predArgs, err := b.pred(req.Key, b.values)
		if err != nil {
			return "", nil, err
		}
		conds, args = append(conds, "("+pred+")"), append(args, predArgs...)
	}
	return tailText(conds, req.Key, req.Limit), args, nil
}

func tailText(conds, key []string, limit int) string {
	var q string
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	if len(key) > 0 {
		q += " ORDER BY " + quoteList(key)
	}
	if limit > 0 {
		q += " LIMIT " + strconv.Itoa(limit)
	}
	return q
}

// keysetPredicate is "key > after" for a possibly composite key, in the
// expanded form a > ? OR (a = ? AND b > ?): MariaDB turns it into a range
// scan of the index, which it does not do for the row constructor (a, b) > (?, ?).
func keysetPredicate(key []string, after []any) (string, []any, error) {
	return boundPredicate(key, after, ">", ">", "lower")
}

// uptoPredicate is "key <= upto" in the same expanded form:
// a < ? OR (a = ? AND b <= ?).
func uptoPredicate(key []string, upto []any) (string, []any, error) {
	return boundPredicate(key, upto, "<", "<=", "upper")
}

// boundPredicate compares the key with bound: every column but the last
// with strict, the last with last.
func boundPredicate(key []string, bound []any, strict, last, name string) (string, []any, error) {
	var terms []string
	var args []any
	for i := range key {
		if bound[i] == nil {
			return "", nil, fmt.Errorf("key column %s is NULL in the %s bound", key[i], name)
		}
		var parts []string
		for j := 0; j < i; j++ {
			parts = append(parts, quoteIdent(key[j])+" = ?")
			args = append(args, bound[j])
		}
		op := strict
		if i == len(key)-1 {
			op = last
		}
		parts = append(parts, quoteIdent(key[i])+" "+op+" ?")
		args = append(args, bound[i])
		term := strings.Join(parts, " AND ")
		if i > 0 {
			term = "(" + term + ")"
		}
		terms = append(terms, term)
	}
	return strings.Join(terms, " OR "), args, nil
}
