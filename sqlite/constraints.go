package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/sluicedb/sluice"
)

// addDeclared reads what only the CREATE TABLE statement says: the CHECK
// constraints and the expressions of generated columns. SQLite keeps no
// constraint names unless declared, so an unnamed check gets PostgreSQL's:
// <table>_<column>_check on a column, <table>_check on the table. SQLite
// has no comments.
func (s *Source) addDeclared(ctx context.Context, t *sluice.Table) error {
	var sql string
	err := s.db.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`, t.Name).Scan(&sql)
	if err != nil {
		return fmt.Errorf("read the CREATE TABLE statement: %w", err)
	}
	decl, err := parseCreateTable(sql)
	if err != nil {
		return fmt.Errorf("read the CHECK constraints and generated columns out of the CREATE TABLE statement: %w", err)
	}
	for _, ck := range decl.checks {
		t.Checks = append(t.Checks, sluice.Check{Name: checkName(t.Name, ck), Expr: ck.expr})
	}
	for i := range t.Columns {
		for name, expr := range decl.generated {
			if equalFold(name, t.Columns[i].Name) {
				t.Columns[i].Generated = expr
			}
		}
	}
	return nil
}

func checkName(table string, ck tableCheck) string {
	switch {
	case ck.name != "":
		return ck.name
	case ck.column != "":
		return strings.Join([]string{table, ck.column, "check"}, "_")
	}
	return table + "_check"
}

// fkAction maps pragma foreign_key_list's on_delete and on_update.
func fkAction(rule string) sluice.FKAction {
	switch a := sluice.FKAction(strings.ToUpper(rule)); a {
	case sluice.Cascade, sluice.SetNull, sluice.SetDefault, sluice.Restrict:
		return a
	}
	return sluice.NoAction
}
