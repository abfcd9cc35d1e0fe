package sqlexpr

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice/sluicetest"
)

// What the translator writes is accepted by a real PostgreSQL: every
// translated CHECK is a valid constraint on a table of the columns it
// names (some contradict each other: no row is inserted), and every
// translated default is a valid default of its type whose
// value an INSERT of no values takes.
func TestTranslationsRunOnPostgres(t *testing.T) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, sluicetest.NewPostgresDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var defs []string
	for _, c := range cols {
		if c.Unusable == "" && c.Type != "geometry" {
			defs = append(defs, quoteIdent(c.Target)+" "+c.Type)
		}
	}
	exec(t, conn, `CREATE SCHEMA s; CREATE TYPE s.t_status AS ENUM ('active', 'inactive');
		CREATE TABLE checked (`+strings.Join(defs, ", ")+`)`)
	for i, c := range checkCases {
		exec(t, conn, fmt.Sprintf("ALTER TABLE checked ADD CONSTRAINT c%d CHECK (%s)", i, c.out))
	}
	for i, c := range defaultCases {
		if c.out == "" {
			continue // NULL: no default
		}
		exec(t, conn, fmt.Sprintf("CREATE TABLE d%d (v %s DEFAULT %s, n int); INSERT INTO d%[1]d (n) VALUES (1)", i, c.typ, c.out))
	}
}

func exec(t *testing.T, conn *pgx.Conn, sql string) {
	t.Helper()
	if _, err := conn.Exec(context.Background(), sql); err != nil {
		t.Errorf("%s: %v", sql, err)
	}
}
