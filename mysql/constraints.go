package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/go-sql-driver/mysql"
	"github.com/sluicedb/sluice"
)

// addFidelity reads what makes the target behave like the source for the
// application beyond the columns and keys: each column's default,
// generation expression, ON UPDATE and comment, each table's comment and
// CHECK constraints, and each foreign key's ON DELETE and ON UPDATE.
func (s *Source) addFidelity(ctx context.Context, schema *sluice.Schema) error {
	mariadb, err := s.isMariaDB(ctx)
	if err != nil {
		return fmt.Errorf("read the server version: %w", err)
	}
	steps := []struct {
		what string
		run  func(context.Context, *sluice.Schema, bool) error
	}{
		{"column defaults and comments", s.addColumnDetails},
		{"table comments", s.addTableComments},
		{"CHECK constraints", s.addChecks},
		{"foreign key actions", s.addFKActions},
	}
	for _, st := range steps {
		if err := st.run(ctx, schema, mariadb); err != nil {
			return fmt.Errorf("list %s: %w", st.what, err)
		}
	}
	return nil
}

func (s *Source) isMariaDB(ctx context.Context) (bool, error) {
	var version string
	err := s.db.QueryRowContext(ctx, "SELECT VERSION()").Scan(&version)
	return strings.Contains(version, "MariaDB"), err
}

func (s *Source) addColumnDetails(ctx context.Context, schema *sluice.Schema, mariadb bool) error {
	const q = `SELECT TABLE_NAME, COLUMN_NAME, COLUMN_DEFAULT, EXTRA, GENERATION_EXPRESSION, COLUMN_COMMENT
		FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?`
	rows, err := s.db.QueryContext(ctx, q, s.database)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var table, name, extra, comment string
		var def, gen sql.NullString
		if err := rows.Scan(&table, &name, &def, &extra, &gen, &comment); err != nil {
			return err
		}
		c := column(schema, table, name)
		if c == nil {
			continue // a view's column
		}
		c.Default = columnDefault(mariadb, def, extra, c.Type.Kind)
		c.OnUpdate = onUpdate(extra)
		c.Comment = comment
		if strings.Contains(strings.ToUpper(extra), " GENERATED") && gen.String != "" {
			c.Generated, c.Default = gen.String, nil
		}
	}
	return rows.Err()
}

func column(schema *sluice.Schema, table, name string) *sluice.Column {
	if t := schema.Table(table); t != nil {
		return t.Column(name)
	}
	return nil
}

var currentTimestamp = regexp.MustCompile(`(?i)^current_timestamp(\(\d*\))?$`)

// columnDefault returns the default as an expression of MySQL's dialect.
// MariaDB reports one so already: a string literal quoted, NULL as the
// text NULL, whether the column has no default or DEFAULT NULL. MySQL
// reports a literal without quotes and SQL NULL for none, and marks an
// expression default DEFAULT_GENERATED (8.0.13 on) except CURRENT_TIMESTAMP
// and bit literals, which it writes as expressions.
func columnDefault(mariadb bool, raw sql.NullString, extra string, kind sluice.Kind) *string {
	switch {
	case !raw.Valid, mariadb && raw.String == "NULL":
		return nil
	case mariadb, strings.Contains(strings.ToUpper(extra), "DEFAULT_GENERATED"),
		currentTimestamp.MatchString(raw.String),
		kind == sluice.KindBit && strings.HasPrefix(raw.String, "b'"):
		return &raw.String
	}
	quoted := "'" + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(raw.String) + "'"
	return &quoted
}

var onUpdateExtra = regexp.MustCompile(`(?i)\bon update (.+)$`)

// onUpdate reads "on update current_timestamp()" out of EXTRA.
func onUpdate(extra string) string {
	if m := onUpdateExtra.FindStringSubmatch(strings.TrimSpace(extra)); m != nil {
		return strings.TrimSpace(m[1])
	}
	return ""
}

func (s *Source) addTableComments(ctx context.Context, schema *sluice.Schema, _ bool) error {
	const q = `SELECT TABLE_NAME, COALESCE(TABLE_COMMENT, '') FROM information_schema.TABLES
		WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'`
	rows, err := s.db.QueryContext(ctx, q, s.database)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var table, comment string
		if err := rows.Scan(&table, &comment); err != nil {
			return err
		}
		if t := schema.Table(table); t != nil {
			t.Comment = comment
		}
	}
	return rows.Err()
}

// checksSQL reads the CHECK constraints: MariaDB names them per table (and
// lists the table), MySQL 8 per schema, and keeps NOT ENFORCED ones, which
// constrain nothing and are left out.
const (
	mariaChecksSQL = `SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS
		WHERE CONSTRAINT_SCHEMA = ? ORDER BY TABLE_NAME, CONSTRAINT_NAME`
	mysqlChecksSQL = `SELECT tc.TABLE_NAME, cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS cc
		JOIN information_schema.TABLE_CONSTRAINTS tc ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA
		  AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME AND tc.CONSTRAINT_TYPE = 'CHECK'
		WHERE cc.CONSTRAINT_SCHEMA = ? AND tc.ENFORCED = 'YES' ORDER BY tc.TABLE_NAME, cc.CONSTRAINT_NAME`
)

// addChecks adds each table's CHECK constraints, except MariaDB's
// json_valid(col) on a JSON column, which is how MariaDB makes a JSON type
// and which jsonb enforces by itself. MySQL before 8.0.16 has no CHECK
// constraints (and no table listing them).
func (s *Source) addChecks(ctx context.Context, schema *sluice.Schema, mariadb bool) error {
	q := mysqlChecksSQL
	if mariadb {
		q = mariaChecksSQL
	}
	rows, err := s.db.QueryContext(ctx, q, s.database)
	if err != nil {
		var me *mysql.MySQLError
		if errors.As(err, &me) && me.Number == 1109 { // unknown table
			return nil
		}
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var table, name, clause string
		if err := rows.Scan(&table, &name, &clause); err != nil {
			return err
		}
		t := schema.Table(table)
		if t == nil || jsonCheck(t, clause) {
			continue
		}
		t.Checks = append(t.Checks, sluice.Check{Name: name, Expr: strings.TrimSpace(clause)})
	}
	return rows.Err()
}

func jsonCheck(t *sluice.Table, clause string) bool {
	clause = strings.TrimSpace(clause)
	if strings.HasPrefix(clause, "(") && strings.HasSuffix(clause, ")") {
		clause = clause[1 : len(clause)-1] // MySQL writes the clause in parentheses
	}
	m := jsonValidCheck.FindStringSubmatch(clause)
	if m == nil {
		return false
	}
	c := t.Column(strings.ReplaceAll(m[1], "``", "`"))
	return c != nil && c.Type.Kind == sluice.KindJSON
}

// addFKActions reads each foreign key's DELETE_RULE and UPDATE_RULE.
func (s *Source) addFKActions(ctx context.Context, schema *sluice.Schema, _ bool) error {
	const q = `SELECT TABLE_NAME, CONSTRAINT_NAME, DELETE_RULE, UPDATE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS
		WHERE CONSTRAINT_SCHEMA = ?`
	rows, err := s.db.QueryContext(ctx, q, s.database)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var table, name, onDelete, onUpdate string
		if err := rows.Scan(&table, &name, &onDelete, &onUpdate); err != nil {
			return err
		}
		t := schema.Table(table)
		if t == nil {
			continue
		}
		for i := range t.ForeignKeys {
			if fk := &t.ForeignKeys[i]; fk.Name == name {
				fk.OnDelete, fk.OnUpdate = fkAction(onDelete), fkAction(onUpdate)
			}
		}
	}
	return rows.Err()
}

// fkAction maps a rule as information_schema spells it ("CASCADE", "SET
// NULL", "NO ACTION", ...) to a sluice.FKAction.
func fkAction(rule string) sluice.FKAction {
	switch a := sluice.FKAction(strings.ToUpper(strings.TrimSpace(rule))); a {
	case sluice.Cascade, sluice.SetNull, sluice.SetDefault, sluice.Restrict:
		return a
	}
	return sluice.NoAction
}
