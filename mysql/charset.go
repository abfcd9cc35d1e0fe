package mysql

import (
	"context"
	"fmt"
	"regexp"
)

// textCharset is the character set and collation of a text column that
// the server would convert to the session's utf8mb4. Such a column is read
// both converted and as stored, with the server's own check that the
// conversion is exact (see readExprs); its keyset bounds are converted back
// into the column's set and collation, so that they compare as the column
// sorts.
type textCharset struct {
	Name      string // CHARACTER_SET_NAME, e.g. "gbk"
	Collation string // COLLATION_NAME, e.g. "gbk_chinese_ci"
	Exact     bool   // the server converts every value of the set exactly (exactSet): read as one
}

// charsets maps a table's columns to their textCharset; a column that is
// not listed is UTF-8 or not text.
type charsets map[string]textCharset

// charsetsSQL lists the text columns (CHAR, VARCHAR, TEXT, ENUM, SET) whose
// character set is neither UTF-8, which converts to utf8mb4 without loss,
// nor binary, whose columns are bytes.
const charsetsSQL = `SELECT TABLE_NAME, COLUMN_NAME, CHARACTER_SET_NAME, COLLATION_NAME
	FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?
	AND CHARACTER_SET_NAME IS NOT NULL AND CHARACTER_SET_NAME NOT IN ('utf8', 'utf8mb3', 'utf8mb4', 'binary')`

// sqlName is what a character set or collation name may look like: it is
// written into statements, since neither can be a parameter.
var sqlName = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

// queryCharsets lists the non-UTF-8 text columns of every table, or of one
// when table is not "".
func (s *Source) queryCharsets(ctx context.Context, table string) (map[string]charsets, error) {
	q, args := charsetsSQL, []any{s.database}
	if table != "" {
		q, args = q+" AND TABLE_NAME = ?", append(args, table)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := map[string]charsets{}
	for rows.Next() {
		var tableName, column string
		var cs textCharset
		if err := rows.Scan(&tableName, &column, &cs.Name, &cs.Collation); err != nil {
			return nil, err
		}
		if !sqlName.MatchString(cs.Name) || !sqlName.MatchString(cs.Collation) {
			return nil, fmt.Errorf("column %s.%s: unexpected character set %q, collation %q", tableName, column, cs.Name, cs.Collation)
		}
		if found[tableName] == nil {
			found[tableName] = charsets{}
		}
		found[tableName][column] = cs
	}
	return found, rows.Err()
}

// exactSQL counts the bytes of a character set that do not convert to
// utf8mb4 and back to themselves, the set's name written in twice.
const exactSQL = `WITH RECURSIVE b(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM b WHERE n < 255)
	SELECT COUNT(*) FROM b WHERE CAST(CONVERT(CONVERT(CONVERT(UNHEX(LPAD(HEX(n), 2, '0')) USING %[1]s) USING utf8mb4) USING %[1]s) AS BINARY)
	<> UNHEX(LPAD(HEX(n), 2, '0'))`

// exactSet reports whether the server converts every value of a character
// set exactly: a single-byte set converts byte by byte, so when each of its
// 256 bytes converts to a character that converts back to that byte, every
// value does, and no two values become one. Such a set (latin1, cp866,
// koi8r, ... on MariaDB) needs no check of each value. The answer is the
// server's, asked once per set.
func (s *Source) exactSet(ctx context.Context, charset string) (bool, error) {
	s.mu.Lock()
	exact, ok := s.exact[charset]
	s.mu.Unlock()
	if ok {
		return exact, nil
	}
	var maxLen, bad int
	const q = `SELECT MAXLEN FROM information_schema.CHARACTER_SETS WHERE CHARACTER_SET_NAME = ?`
	if err := s.db.QueryRowContext(ctx, q, charset).Scan(&maxLen); err != nil {
		return false, fmt.Errorf("look up character set %s: %w", charset, err)
	}
	if maxLen == 1 {
		if err := s.db.QueryRowContext(ctx, fmt.Sprintf(exactSQL, charset)).Scan(&bad); err != nil {
			return false, fmt.Errorf("check character set %s: %w", charset, err)
		}
	}
	exact = maxLen == 1 && bad == 0
	s.mu.Lock()
	s.exact[charset] = exact
	s.mu.Unlock()
	return exact, nil
}
