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
// filtered by the user's where and the keyset bound, in key order. A column
// in sets is read as two, a column in floats as a double (readExprs).
func selectSQL(req sluice.ReadRequest, sets charsets, floats floatColumns) (string, []any, error) {
	if len(req.Columns)+len(req.Key) == 0 {
		return "", nil, errors.New("no columns to read")
	}
	cols := append(append([]string{}, req.Columns...), req.Key...)
	tail, args, err := chunkTail(req, nil, sets)
	if err != nil {
		return "", nil, err
	}
	exprs := make([]string, 0, len(cols))
	for _, c := range cols {
		exprs = append(exprs, readExprs(c, sets, floats)...)
	}
	return "SELECT " + strings.Join(exprs, ", ") + " FROM " + quoteIdent(req.Table) + tail, args, nil
}

// readExprs selects a column. A column in a character set other than
// UTF-8 is selected twice: converted to utf8mb4 by the server, then its
// stored bytes, but only when the server's conversion is not exact, that is
// when the converted text does not convert back to the same bytes (the
// server writes ? for a byte sequence it has no character for). A value
// then comes across as the character the server shows for it, and two
// different stored values never as one. A set the server converts exactly
// in every value (textCharset.Exact) is selected once, converted.
//
// A FLOAT is selected as a DOUBLE (floatColumns).
func readExprs(col string, sets charsets, floats floatColumns) []string {
	if floats[col] {
		return []string{floatExpr(col)}
	}
	cs, ok := sets[col]
	if !ok {
		return []string{quoteIdent(col)}
	}
	text := "CONVERT(" + quoteIdent(col) + " USING utf8mb4)"
	if cs.Exact {
		return []string{text}
	}
	stored := "CAST(" + quoteIdent(col) + " AS BINARY)"
	back := "CAST(CONVERT(" + text + " USING " + cs.Name + ") AS BINARY)"
	return []string{text, "IF(" + back + " = " + stored + ", NULL, " + stored + ")"}
}

// chunkTail is the WHERE, ORDER BY and LIMIT that select a chunk: the
// user's where, the keyset bound after req.After and, when upto is not nil,
// the inclusive bound upto. The user's filter is parenthesised so that an OR
// in it cannot escape the bounds.
func chunkTail(req sluice.ReadRequest, upto []any, sets charsets) (string, []any, error) {
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
		pred   func([]string, []any, charsets) (string, []any, error)
	}{{req.After, keysetPredicate}, {upto, uptoPredicate}} {
		if b.values == nil {
			continue
		}
		pred, predArgs, err := b.pred(req.Key, b.values, sets)
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
func keysetPredicate(key []string, after []any, sets charsets) (string, []any, error) {
	return boundPredicate(key, after, sets, ">", ">", "lower")
}

// uptoPredicate is "key <= upto" in the same expanded form:
// a < ? OR (a = ? AND b <= ?).
func uptoPredicate(key []string, upto []any, sets charsets) (string, []any, error) {
	return boundPredicate(key, upto, sets, "<", "<=", "upper")
}

// boundPredicate compares the key with bound: every column but the last
// with strict, the last with last.
func boundPredicate(key []string, bound []any, sets charsets, strict, last, name string) (string, []any, error) {
	var terms []string
	var args []any
	for i := range key {
		if bound[i] == nil {
			return "", nil, fmt.Errorf("key column %s is NULL in the %s bound", key[i], name)
		}
		var parts []string
		for j := 0; j < i; j++ {
			parts = append(parts, quoteIdent(key[j])+" = "+boundParam(key[j], sets))
			args = append(args, boundArg(bound[j]))
		}
		op := strict
		if i == len(key)-1 {
			op = last
		}
		parts = append(parts, quoteIdent(key[i])+" "+op+" "+boundParam(key[i], sets))
		args = append(args, boundArg(bound[i]))
		term := strings.Join(parts, " AND ")
		if i > 0 {
			term = "(" + term + ")"
		}
		terms = append(terms, term)
	}
	return strings.Join(terms, " OR "), args, nil
}

// boundParam is the placeholder of a key column's bound. A column in a
// character set other than UTF-8 gets its bound converted into that set and
// collation explicitly: a decoded key (a string, sent as utf8mb4) converts
// back to exactly its stored bytes, a key that did not decode is those bytes
// (boundArg), and either then compares as the column sorts, whatever the
// server's coercibility rules would make of a utf8mb4 or binary literal
// beside the column.
func boundParam(col string, sets charsets) string {
	cs, ok := sets[col]
	if !ok {
		return "?"
	}
	return "CONVERT(? USING " + cs.Name + ") COLLATE " + cs.Collation
}

// boundArg is the parameter of a bound value: the stored bytes of a key
// that did not convert from its character set (sent as a binary string),
// else the value.
func boundArg(v any) any {
	if u, ok := v.(sluice.Undecodable); ok {
		return u.Bytes
	}
	return v
}

// floatColumns are a table's single-precision (FLOAT) columns. The text
// protocol prints a FLOAT with at most 6 significant digits (FLT_DIG), so
// 1234567 would arrive as 1234570 and 0.1 and 0.100000001 as one value;
// widened to a DOUBLE on the server, which is exact, it prints in full.
type floatColumns map[string]bool

// newFloatColumns picks the FLOAT columns of names, whose types are types.
func newFloatColumns(names []string, types []sluice.Type) floatColumns {
	floats := floatColumns{}
	for i, t := range types {
		if t.Kind == sluice.KindFloat && t.Bits == 32 {
			floats[names[i]] = true
		}
	}
	return floats
}

// floatExpr reads a FLOAT column as the DOUBLE of the same value: adding a
// double zero widens it on every MySQL and MariaDB version (CAST AS DOUBLE
// needs MySQL 8.0.17), and NULL stays NULL.
func floatExpr(col string) string {
	return "(" + quoteIdent(col) + " + 0E0)"
}
