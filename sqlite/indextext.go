package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/sluicedb/sluice"
)

// indexText completes an index on an expression (expr) or a partial index
// (partial) with its key parts and condition as its CREATE INDEX statement
// writes them.
func (s *Source) indexText(ctx context.Context, ix sluice.Index, expr, partial bool) (sluice.Index, error) {
	var stmt string
	const q = `SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?`
	if err := s.db.QueryRowContext(ctx, q, ix.Name).Scan(&stmt); err != nil {
		return ix, fmt.Errorf("read index %s: %w", ix.Name, err)
	}
	parts, where, err := splitCreateIndex(stmt)
	if err != nil {
		return ix, fmt.Errorf("read index %s: %w", ix.Name, err)
	}
	if expr {
		ix.Expression = parts
	}
	if partial {
		ix.Where = where
	}
	return ix, nil
}

// splitCreateIndex returns the key parts (the text inside the parentheses
// after the table name) and the WHERE condition of a CREATE INDEX
// statement. Quoted names and strings may hold parentheses.
func splitCreateIndex(stmt string) (parts, where string, err error) {
	open := -1
	depth := 0
	for i := 0; i < len(stmt); i++ {
		switch c := stmt[i]; c {
		case '\'', '"', '`', '[':
			end := closingQuote(stmt, i)
			if end < 0 {
				return "", "", fmt.Errorf("unterminated quote at offset %d", i)
			}
			i = end
		case '(':
			if depth == 0 && open < 0 {
				open = i
			}
			depth++
		case ')':
			depth--
			if depth == 0 && open >= 0 {
				return strings.TrimSpace(stmt[open+1 : i]), indexCondition(stmt[i+1:]), nil
			}
		}
	}
	return "", "", fmt.Errorf("no key parts in %q", stmt)
}

// closingQuote finds the end of the quoted text starting at s[i]; a quote
// doubled inside is part of the text.
func closingQuote(s string, i int) int {
	q := s[i]
	if q == '[' {
		q = ']'
	}
	for j := i + 1; j < len(s); j++ {
		if s[j] != q {
			continue
		}
		if q != ']' && j+1 < len(s) && s[j+1] == q {
			j++
			continue
		}
		return j
	}
	return -1
}

// indexCondition is what follows the WHERE keyword in the rest of a statement.
func indexCondition(rest string) string {
	t := strings.TrimSpace(rest)
	if len(t) >= 5 && strings.EqualFold(t[:5], "where") {
		return strings.TrimSpace(t[5:])
	}
	return ""
}
