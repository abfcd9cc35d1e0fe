package migrate_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
)

// staffScript: row 2 has no last name (the concatenation fails), row 3 has
// more beds than an integer holds, row 4 no sex (the value map's fallback).
const staffScript = `CREATE TABLE Staff (Id INTEGER PRIMARY KEY, FirstName TEXT NOT NULL, LastName TEXT,
  Beds INTEGER, ExtraBeds INTEGER, Age INTEGER, Sex TEXT, HiredOn DATE);
INSERT INTO Staff VALUES
  (1, 'Ann', 'Lee', 10, 2, 30, 'F', '2019-03-04'),
  (2, 'Bob', NULL, 5, 0, 17, 'M', '2020-01-01'),
  (3, 'Cy', 'Park', 2147483647, 1, 18, 'X', '2021-12-31'),
  (4, 'Di', 'Ng', 0, 0, 65, NULL, '1999-07-07'),
  (5, 'Ed', 'Fox', 7, 3, 12, 'M', '2000-02-29');`

const computedRules = `tables:
  src.Staff:
    computed:
      full_name: {expr: 'FirstName + " " + LastName'}
      beds_total: {expr: 'Beds + ExtraBeds', type: integer}
      age_group: {expr: 'Age >= 18 ? "adult" : "minor"'}
      gender: {expr: '{"M": "male", "F": "female"}[Sex] ?? "unknown"'}
      hire_year: {expr: 'HiredOn.Year()', type: integer}
`

// TestComputedColumns computes concatenation, arithmetic, a conditional, a
// value map and a date part; the two rows whose expression fails are
// rejected with the reason, the others load with the values computed here.
func TestComputedColumns(t *testing.T) {
	t.Parallel()
	src := newSQLite(t, "staff", staffScript)
	e := newEnv(t, fmt.Sprintf("version: 1\nsources:\n  src: {url: %q}\ntarget: {url: %q}\n%s", src, sluicetest.NewPostgresDB(t), computedRules))
	sum, err := e.run(context.Background(), migrate.Options{Verify: allLevels})
	var rej *sluice.RejectedError
	if !errors.As(err, &rej) || rej.Rejected != 2 || rej.Allowed != 0 {
		t.Fatalf("run returned %v, want a RejectedError of 2 rows", err)
	}
	r := result(t, sum, "src.Staff")
	if r.SourceRows != 5 || r.Read != 5 || r.Loaded != 3 || r.Rejected != 2 {
		t.Errorf("src.Staff: %s, loaded %d of %d; want 5 read, 3 loaded, 2 rejected", counts(r), r.Loaded, r.SourceRows)
	}
	var want []string
	for _, row := range sourceRows(t, src, "SELECT Id, FirstName, LastName, Beds, ExtraBeds, Age, Sex, HiredOn FROM Staff") {
		if w, ok := computedRow(t, strings.Split(row, "|")); ok {
			want = append(want, w)
		}
	}
	sameSet(t, "staff", e.rows(t, `SELECT id, full_name, beds_total, age_group, gender, hire_year FROM public.staff`), want)
	sameSet(t, "rejects", e.rows(t, `SELECT table_id, row_key, column_name FROM sluice.rejects`),
		[]string{"src.Staff|2|full_name", "src.Staff|3|beds_total"})
	for key, words := range map[string][]string{"2": {"LastName", "NULL"}, "3": {"2147483648"}} {
		reason := e.text(t, `SELECT reason FROM sluice.rejects WHERE row_key = $1`, key)
		for _, w := range words {
			if !strings.Contains(reason, w) {
				t.Errorf("reject of row %s: reason %q does not say %q", key, reason, w)
			}
		}
	}

	e2 := newEnv(t, fmt.Sprintf("version: 1\nsources:\n  src: {url: %q}\ntarget: {url: %q}\n%s", src, sluicetest.NewPostgresDB(t), computedRules))
	if _, err := e2.run(context.Background(), migrate.Options{MaxRejects: 2, Verify: allLevels}); err != nil {
		t.Fatalf("run with 2 rejects allowed: %v", err)
	}
	verifyClean(t, e2)
}

// computedRow is the target row the rules make of a source row, computed
// here; false when an expression cannot be computed for it (a NULL last
// name, a sum beyond the integer range).
func computedRow(t *testing.T, f []string) (string, bool) {
	t.Helper()
	id, first, last, sex, hired := f[0], f[1], f[2], f[6], f[7]
	beds, extra, age := atoi(t, f[3]), atoi(t, f[4]), atoi(t, f[5])
	if last == "<NULL>" || beds+extra > 1<<31-1 {
		return "", false
	}
	group := "minor"
	if age >= 18 {
		group = "adult"
	}
	gender := map[string]string{"M": "male", "F": "female"}[sex]
	if gender == "" {
		gender = "unknown"
	}
	year, err := strconv.Atoi(hired[:4])
	if err != nil {
		t.Fatalf("hired on %q: %v", hired, err)
	}
	return fmt.Sprintf("%s|%s %s|%d|%s|%s|%d", id, first, last, beds+extra, group, gender, year), true
}
