package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/sluicetest"
)

// With tables routed to two target databases, cutover, cutover --check and
// rollback refuse up front (exit 7) naming the databases, and change
// nothing: no cutover is recorded in either target database.
func TestCutoverRefusesSeveralTargetDatabases(t *testing.T) {
	src := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, src, `CREATE TABLE doctors (id int AUTO_INCREMENT PRIMARY KEY, name varchar(40) NOT NULL);
		CREATE TABLE invoices (id int AUTO_INCREMENT PRIMARY KEY, amount int NOT NULL);
		INSERT INTO doctors VALUES (1, 'Dr One'); INSERT INTO invoices VALUES (1, 10);`)
	clinical, billing := sluicetest.NewPostgresDB(t), sluicetest.NewPostgresDB(t)
	in := invocation{dir: t.TempDir()}
	writeFile(t, in.dir, "sluice.yaml", fmt.Sprintf("version: 1\nsources:\n  src: {url: %q}\ntargets:\n  clinical: {url: %q}\n  billing: {url: %q}\n"+
		"defaults: {keys: uuid}\ntables:\n  src.invoices: {database: billing}\n", src, clinical, billing))
	wantCode(t, in.run(t, "migrate", "--progress", "none"), 0)
	for _, args := range [][]string{{"cutover", "--check"}, {"cutover", "--freeze", "none", "--yes"}, {"rollback"}} {
		r := in.run(t, args...)
		wantCode(t, r, 7)
		if !strings.Contains(r.stderr, "the config has 2 target databases (clinical, billing)") || !strings.Contains(r.stderr, "nothing was changed") {
			t.Errorf("sluice %s:\n%s", strings.Join(args, " "), r)
		}
	}
	for _, url := range []string{clinical, billing} {
		if n := pgInt(t, pgConn(t, url), "SELECT count(*) FROM sluice.cutovers"); n != 0 {
			t.Errorf("%d cutovers recorded after the refusals", n)
		}
	}
}
