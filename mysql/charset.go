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
