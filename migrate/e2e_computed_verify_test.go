package migrate_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/verify"
)

// The computed column's inputs are the last columns read, after the key and
// text columns, and of other types, so that inputs bound by position
// instead of by name would read the wrong values (or fail to compute).
const ordersScript = `CREATE TABLE Orders (Note TEXT, Id INTEGER PRIMARY KEY, Customer TEXT NOT NULL, Price REAL NOT NULL, Qty INTEGER NOT NULL);
INSERT INTO Orders VALUES ('a', 1, 'Ann', 2.5, 4), (NULL, 2, 'Bob', 10, 3), ('c', 3, 'Cy', 0.25, 8);`

// Verify recomputes a computed column whose inputs are not the first
// columns, at every level and at level 6 or level 5 alone (which reads a
// projection of the columns), agrees with the load, and finds a computed
// value changed on the target.
func TestVerifyComputedInputsByName(t *testing.T) {
	t.Parallel()
	src := newSQLite(t, "orders", ordersScript)
	yaml := fmt.Sprintf("version: 1\nsources:\n  src: {url: %q}\ntarget: {url: %q}\ndefaults: {keys: uuid}\n"+
		"tables:\n  src.Orders:\n    computed:\n      total: {expr: 'Price * Qty', type: double precision}\n      label: {expr: 'Customer + \"#\" + string(Qty)'}\n",
		src, sluicetest.NewPostgresDB(t))
	e := newEnv(t, yaml)
	e.mustRun(t, migrate.Options{Verify: verify.Levels})
	sameSet(t, "orders", e.rows(t, "SELECT legacy_id, total, label FROM public.orders"), []string{"1|10|Ann#4", "2|30|Bob#3", "3|2|Cy#8"})
	for _, levels := range [][]int{allLevels, {6}, {5}, {1}} {
		report, err := verify.All(context.Background(), e.plan, e.srcs, e.tgt, verify.Options{Levels: levels})
		if err != nil || !report.OK() {
			t.Errorf("verify levels %v: %d findings, %v", levels, findings(report), err)
		}
	}
	if _, err := e.db.Exec(context.Background(), "UPDATE public.orders SET total = 31 WHERE legacy_id = 2"); err != nil {
		t.Fatal(err)
	}
	report, err := verify.All(context.Background(), e.plan, e.srcs, e.tgt, verify.Options{Levels: []int{6}})
	if err != nil || report.Findings != 1 || report.Tables[0].Findings[0].Column != "total" {
		t.Errorf("verify level 6 after total changed: %d findings (%+v), %v; want one on total", findings(report), report, err)
	}
}

func findings(r *verify.Report) int {
	if r == nil {
		return -1
	}
	return r.Findings
}
