package sqlite

import (
	"strconv"
	"strings"

	"github.com/sluicedb/sluice"
)

// QuoteIdent quotes an identifier for SQLite: in double quotes, with each
// double quote doubled.
func QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// CountSQL counts the rows of table that match where ("" for all).
func CountSQL(table, where string) string {
	q := "SELECT count(*) FROM " + QuoteIdent(table)
	if where != "" {
		q += " WHERE (" + where + ")"
	}
	return q
}

// ReadSQL selects the requested columns, then the key columns, of the rows
// after req.After in key order. Each selected column is written "+col":
// unary plus returns the stored value unchanged, but as an expression it has
// no declared type, so the driver hands DATE and DATETIME text over as the
// stored string instead of parsing it into a time.Time (which would lose the
// raw text of values it cannot parse, and change the key values passed back
// as After). It returns the SQL and its arguments.
func ReadSQL(req sluice.ReadRequest) (string, []any) {
	var b strings.Builder
	b.WriteString("SELECT ")
	b.WriteString(selectList(req.Columns, req.Key))
	b.WriteString(" FROM ")
	b.WriteString(QuoteIdent(req.Table))
	conds := conditions(req)
	if len(conds) > 0 {
		b.WriteString(" WHERE " + strings.Join(conds, " AND "))
	}
	if len(req.Key) > 0 {
		b.WriteString(" ORDER BY " + identList(req.Key))
	}
	if req.Limit > 0 {
		b.WriteString(" LIMIT " + strconv.Itoa(req.Limit))
	}
	var args []any
	if len(req.Key) > 0 && req.After != nil {
		args = append(args, req.After...)
	}
	return b.String(), args
}

func selectList(cols, key []string) string {
	parts := make([]string, 0, len(cols)+len(key))
	for _, c := range append(append([]string{}, cols...), key...) {
		parts = append(parts, "+"+QuoteIdent(c))
	}
	if len(parts) == 0 {
		return "1"
	}
	return strings.Join(parts, ", ")
}

func conditions(req sluice.ReadRequest) []string {
	var conds []string
	if req.Where != "" {
		conds = append(conds, "("+req.Where+")")
	}
	if len(req.Key) > 0 && req.After != nil {
		conds = append(conds, KeysetCondition(req.Key))
	}
	return conds
}

// KeysetCondition is "k > ?" for one key column and the row value
// "(a, b) > (?, ?)" for several, which SQLite compares left to right.
func KeysetCondition(key []string) string {
	if len(key) == 1 {
		return QuoteIdent(key[0]) + " > ?"
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(key)), ", ")
	return "(" + identList(key) + ") > (" + marks + ")"
}

func identList(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = QuoteIdent(n)
	}
	return strings.Join(quoted, ", ")
}
