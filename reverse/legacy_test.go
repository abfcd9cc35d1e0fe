package reverse_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sluicedb/sluice/engines"
	"github.com/sluicedb/sluice/sluicetest"
)

// Rows the application inserts and then updates or deletes before the
// stream wrote their keys back: the updates and deletes come with no
// legacy key and still reach the right source rows, by the key the stream
// wrote back in this run, or (after a restart) by the target row's.
func TestChangesOfARowWhoseKeyIsNotWrittenBackYet(t *testing.T) {
	ctx := context.Background()
	url := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, url, `CREATE TABLE patients (id int AUTO_INCREMENT PRIMARY KEY, name varchar(50) NOT NULL);
		INSERT INTO patients VALUES (1, 'Ada');`)
	tgtURL := sluicetest.NewPostgresDB(t)
	p, srcs, tgt := migrateAll(t, fmt.Sprintf("version: 1\nsources:\n  clinic: {url: %q}\ntarget: {url: %q}\ndefaults: {keys: uuid}\n", url, tgtURL))
	db, err := pgxpool.New(ctx, tgtURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exec(t, db, "ALTER TABLE patients REPLICA IDENTITY FULL")
	changes, st := reverseStream(t, p, srcs, tgt, tgtURL)
	for _, stmt := range []string{
		"INSERT INTO patients (name) VALUES ('Cy')",
		"UPDATE patients SET name = 'Cy Young' WHERE name = 'Cy'",
		"INSERT INTO patients (name) VALUES ('Dee')",
		"UPDATE patients SET name = 'Dee Dee' WHERE name = 'Dee'",
		"DELETE FROM patients WHERE name = 'Dee Dee'",
	} {
		exec(t, db, stmt)
	}
	first := applyTransactions(t, st, changes, 1)
	// A restarted stream knows no key it wrote: Cy's comes from the target.
	restarted := *st
	if err := restarted.Compile(p); err != nil {
		t.Fatal(err)
	}
	// Cy's update, Dee's insert, update and delete, and the write-back of
	// Cy's key (Dee's found no row: the stream reads no change of it).
	rest := applyTransactions(t, &restarted, changes, 5)
	if got := fmt.Sprint(first, rest); got != "[{false 1 1}] [{false 1 0} {false 1 1} {false 1 0} {false 1 0} {true 0 0}]" {
		t.Errorf("results %s", got)
	}
	src, err := engines.OpenAll(ctx, mustConfig(t, url))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if got := readRows(t, src["s"], "patients", []string{"id", "name", "id"}); got != "1 Ada 1; 2 Cy Young 2" {
		t.Errorf("source patients: %q", got)
	}
}
