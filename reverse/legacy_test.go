package reverse_test

import (
	"fmt"
	"testing"

	"github.com/sluicedb/sluice/sluicetest"
)

// Rows the application inserts and then updates or deletes before the
// stream wrote their keys back: the updates and deletes come with no
// legacy key and still reach the right source rows, by the key the stream
// wrote back in this run, or (after a restart) by the target row's.
func TestChangesOfARowWhoseKeyIsNotWrittenBackYet(t *testing.T) {
	url := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, url, `CREATE TABLE patients (id int AUTO_INCREMENT PRIMARY KEY, name varchar(50) NOT NULL);
		INSERT INTO patients VALUES (1, 'Ada');`)
	r := newRig(t, fmt.Sprintf("  clinic: {url: %q}\n", url), "")
	for _, stmt := range []string{
		"INSERT INTO patients (name) VALUES ('Cy')",
		"UPDATE patients SET name = 'Cy Young' WHERE name = 'Cy'",
		"INSERT INTO patients (name) VALUES ('Dee')",
		"UPDATE patients SET name = 'Dee Dee' WHERE name = 'Dee'",
		"DELETE FROM patients WHERE name = 'Dee Dee'",
	} {
		exec(t, r.db, stmt)
	}
	first := applyTransactions(t, r.st, r.changes, 1)
	// A restarted stream knows no key it wrote: Cy's comes from the target.
	restarted := *r.st
	if err := restarted.Compile(r.p); err != nil {
		t.Fatal(err)
	}
	// Cy's update, Dee's insert, update and delete, and the write-back of
	// Cy's key (Dee's found no row: the stream reads no change of it).
	rest := applyTransactions(t, &restarted, r.changes, 5)
	if got := fmt.Sprint(first, rest); got != "[{false 1 1}] [{false 1 0} {false 1 1} {false 1 0} {false 1 0} {true 0 0}]" {
		t.Errorf("results %s", got)
	}
	if got := sourceRows(t, url, "patients", "id", "name", "id"); got != "1 Ada 1; 2 Cy Young 2" {
		t.Errorf("source patients: %q", got)
	}
}
