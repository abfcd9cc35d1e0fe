package sqlite

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/sluicedb/sluice"
)

// CheckKey finds the rows of a table whose primary key cannot be a primary
// key in PostgreSQL: NULL in a key column (SQLite allows it outside INTEGER
// PRIMARY KEY and WITHOUT ROWID tables), and keys that SQLite holds apart
// only by their storage class (1, '1' and x'31' in a column without strict
// typing), which become one value in PostgreSQL. SQLite's own unique index
// on the key rules out any other duplicate, so the costlier grouping query
// runs only where some key column holds more than one storage class.
func (s *Source) CheckKey(ctx context.Context, req sluice.KeyCheck) (sluice.KeyReport, error) {
	var rep sluice.KeyReport
	mixed, err := s.keyClasses(ctx, req, &rep)
	if err != nil || !mixed {
		return rep, err
	}
	if err := s.db.QueryRowContext(ctx, DupCountSQL(req)).Scan(&rep.Duplicates); err != nil {
		return rep, classify(fmt.Errorf("count duplicate keys of %s.%s: %w", s.name, req.Table, err))
	}
	if rep.Duplicates == 0 {
		return rep, nil
	}
	if rep.DupRows, err = s.scanKeys(ctx, DupRowsSQL(req), len(req.Page)); err == nil {
		err = s.decodeKeys(ctx, req.Table, req.Page, rep.DupRows)
	}
	if err != nil {
		return rep, fmt.Errorf("list duplicate keys of %s.%s: %w", s.name, req.Table, err)
	}
	keys, err := s.scanKeys(ctx, DupKeysSQL(req, 5), len(req.Key))
	if err == nil {
		err = s.decodeKeys(ctx, req.Table, req.Key, keys)
	}
	for _, k := range keys {
		rep.DupKeys = append(rep.DupKeys, sluice.KeyText(k))
	}
	return rep, err
}

// keyClasses counts the rows with a NULL key and reports whether a key
// column holds values of several storage classes.
func (s *Source) keyClasses(ctx context.Context, req sluice.KeyCheck, rep *sluice.KeyReport) (bool, error) {
	dest := make([]any, 1+len(req.Key))
	classes := make([]int64, len(req.Key))
	dest[0] = &rep.Nulls
	for i := range classes {
		dest[1+i] = &classes[i]
	}
	if err := s.db.QueryRowContext(ctx, KeyClassesSQL(req)).Scan(dest...); err != nil {
		return false, classify(fmt.Errorf("check the key of %s.%s: %w", s.name, req.Table, err))
	}
	for _, n := range classes {
		if n > 1 {
			return true, nil
		}
	}
	return false, nil
}

func (s *Source) scanKeys(ctx context.Context, q string, n int) ([][]any, error) {
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out [][]any
	for rows.Next() {
		vals := make([]any, n)
		ptrs := make([]any, n)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		emptyBlobs(vals)
		out = append(out, vals)
	}
	return out, classify(rows.Err())
}

// KeyClassesSQL counts the rows with a NULL key column, then, per key
// column, the storage classes of its values.
func KeyClassesSQL(req sluice.KeyCheck) string {
	parts := []string{"coalesce(sum(" + anyNull(req.Key) + "), 0)"}
	for _, k := range req.Key {
		parts = append(parts, "count(DISTINCT typeof("+QuoteIdent(k)+"))")
	}
	return "SELECT " + strings.Join(parts, ", ") + " FROM " + QuoteIdent(req.Table) + whereClause(req.Where, "")
}

func anyNull(key []string) string {
	conds := make([]string, len(key))
	for i, k := range key {
		conds[i] = QuoteIdent(k) + " IS NULL"
	}
	return "(" + strings.Join(conds, " OR ") + ")"
}

// dupGroups selects the key texts that more than one row holds with
// values of different storage classes (two values of one class are never
// equal here: SQLite's unique index holds them apart, and two REAL values
// may share a text).
func dupGroups(req sluice.KeyCheck) string {
	texts, mixed := make([]string, len(req.Key)), make([]string, len(req.Key))
	for i, k := range req.Key {
		texts[i] = "CAST(" + QuoteIdent(k) + " AS TEXT)"
		mixed[i] = "count(DISTINCT typeof(" + QuoteIdent(k) + ")) > 1"
	}
	list := strings.Join(texts, ", ")
	return "SELECT " + list + " FROM " + QuoteIdent(req.Table) + whereClause(req.Where, "NOT "+anyNull(req.Key)) +
		" GROUP BY " + list + " HAVING count(*) > 1 AND (" + strings.Join(mixed, " OR ") + ")"
}

// inDupGroups is the condition on a row that its key is in dupGroups.
func inDupGroups(req sluice.KeyCheck) string {
	texts := make([]string, len(req.Key))
	for i, k := range req.Key {
		texts[i] = "CAST(" + QuoteIdent(k) + " AS TEXT)"
	}
	return "(" + strings.Join(texts, ", ") + ") IN (" + dupGroups(req) + ")"
}

// DupCountSQL counts the rows whose key is held more than once.
func DupCountSQL(req sluice.KeyCheck) string {
	return "SELECT count(*) FROM " + QuoteIdent(req.Table) + whereClause(req.Where, inDupGroups(req))
}

// DupRowsSQL lists the pagination keys of those rows, in page order.
func DupRowsSQL(req sluice.KeyCheck) string {
	return "SELECT " + selectList(nil, req.Page) + " FROM " + QuoteIdent(req.Table) + whereClause(req.Where, inDupGroups(req)) +
		" ORDER BY " + identList(req.Page) + " LIMIT " + strconv.Itoa(max(req.Limit, 1))
}

// DupKeysSQL lists the first n keys held more than once.
func DupKeysSQL(req sluice.KeyCheck, n int) string {
	return dupGroups(req) + " ORDER BY 1 LIMIT " + strconv.Itoa(n)
}

func whereClause(where, cond string) string {
	var conds []string
	if where != "" {
		conds = append(conds, "("+where+")")
	}
	if cond != "" {
		conds = append(conds, cond)
	}
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}
