package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/sluicetest"
)

// Two clinics know patient M1; they agree on the name and disagree on the
// phone. M2 is only in the east, M3 in both alike.
const (
	conflictEast = `CREATE TABLE Patients (PatientId INTEGER PRIMARY KEY, MRN TEXT NOT NULL, Name TEXT, Phone TEXT);
INSERT INTO Patients VALUES (1, 'M1', 'Ann Lee', '555-0001'), (2, 'M2', 'Bo Chan', '555-0002'), (3, 'M3', 'Cy Diaz', NULL);`
	conflictWest = `CREATE TABLE Patient (Id INTEGER PRIMARY KEY, MRN TEXT NOT NULL, Name TEXT, Phone TEXT);
INSERT INTO Patient VALUES (10, 'M1', 'Ann Lee', '555-9999'), (30, 'M3', 'Cy Diaz', NULL);`
)

// conflictRow is a conflict as `sluice conflicts list --json` writes it.
type conflictRow struct {
	ID                                int64
	Table, Column, Status, Resolution string
	OwnerSource, OwnerKey, OwnerValue string
	OtherSource, OtherKey, OtherValue string
	OwnerNull, OtherNull              bool
}

// TestConflictsQueuedAndResolved follows one manual conflict: queued by
// migrate with both values, listed, resolved by taking the other source's
// value, kept through a rerun, and reopened when that source changes.
func TestConflictsQueuedAndResolved(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	east := newSQLite(t, filepath.Join(dir, "east.db"), conflictEast)
	west := newSQLite(t, filepath.Join(dir, "west.db"), conflictWest)
	tgt := sluicetest.NewPostgresDB(t)
	writeManualConfig(t, dir, east, west, tgt)
	in := invocation{dir: dir}
	db := pgConn(t, tgt)
	phone := func() string {
		return strings.Join(pgRows(t, db, `SELECT coalesce(phone, 'NULL') FROM public.patients WHERE mrn = 'M1'`), ",")
	}

	wantCode(t, in.run(t, "migrate", "--progress", "none"), 0)
	cs := listConflictsJSON(t, in, "all")
	if len(cs) != 1 {
		t.Fatalf("%d conflicts queued, want 1: %+v", len(cs), cs)
	}
	c := cs[0]
	want := conflictRow{ID: c.ID, Table: "patients", Column: "phone", Status: "open",
		OwnerSource: "east", OwnerKey: "1", OwnerValue: "555-0001", OtherSource: "west", OtherKey: "10", OtherValue: "555-9999"}
	if c != want {
		t.Errorf("conflict %+v, want %+v", c, want)
	}
	if p := phone(); p != "555-0001" {
		t.Errorf("M1's phone is %s before the resolution, want the first source's 555-0001", p)
	}
	r := in.run(t, "conflicts", "list")
	wantCode(t, r, 0)
	for _, s := range []string{fmt.Sprint(c.ID), "patients", "phone", `"555-0001"`, `"555-9999"`, "east 1", "west 10", "open"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("conflicts list does not show %q:\n%s", s, r.stdout)
		}
	}

	wantCode(t, in.run(t, "conflicts", "resolve", fmt.Sprint(c.ID), "--take", "other", "--by", "tester"), 0)
	if p := phone(); p != "555-9999" {
		t.Errorf("M1's phone is %s after taking the other value, want 555-9999", p)
	}
	wantCode(t, in.run(t, "migrate", "--progress", "none"), 0)
	if p := phone(); p != "555-9999" {
		t.Errorf("M1's phone is %s after a rerun, want the resolution's 555-9999", p)
	}
	if cs := listConflictsJSON(t, in, "all"); len(cs) != 1 || cs[0].Status != "resolved" || cs[0].Resolution != "other" {
		t.Errorf("after a rerun the conflicts are %+v, want the one resolved with other", cs)
	}
	wantCode(t, in.run(t, "verify"), 0)

	// Both rows change in another column alike: the owner's is rewritten,
	// and the resolution, whose two values did not change, applies again.
	execSQLite(t, east, `UPDATE Patients SET Name = 'Ann Lee-Smith' WHERE MRN = 'M1'`)
	execSQLite(t, west, `UPDATE Patient SET Name = 'Ann Lee-Smith' WHERE MRN = 'M1'`)
	wantCode(t, in.run(t, "migrate", "--progress", "none"), 0)
	if got := pgRows(t, db, `SELECT name, phone FROM public.patients WHERE mrn = 'M1'`); len(got) != 1 || got[0] != "Ann Lee-Smith | 555-9999" {
		t.Errorf("after the owner's name changed M1 is %q, want the new name and the resolved phone 555-9999", got)
	}
	if cs := listConflictsJSON(t, in, "all"); len(cs) != 1 || cs[0].Status != "resolved" {
		t.Errorf("after the owner's name changed the conflicts are %+v, want the one still resolved", cs)
	}

	execSQLite(t, west, `UPDATE Patient SET Phone = '555-7777' WHERE MRN = 'M1'`)
	wantCode(t, in.run(t, "migrate", "--progress", "none"), 0)
	cs = listConflictsJSON(t, in, "open")
	if len(cs) != 1 || cs[0].ID != c.ID || cs[0].OtherValue != "555-7777" || cs[0].OwnerValue != "555-0001" {
		t.Errorf("after the other source changed, the open conflicts are %+v, want conflict %d reopened with 555-0001 against 555-7777", cs, c.ID)
	}
	if p := phone(); p != "555-0001" {
		t.Errorf("M1's phone is %s once its conflict reopened, want the first source's 555-0001", p)
	}
}

// listConflictsJSON runs `sluice conflicts list --json --status status`.
func listConflictsJSON(t *testing.T, in invocation, status string) []conflictRow {
	t.Helper()
	r := in.run(t, "conflicts", "list", "--json", "--status", status)
	wantCode(t, r, 0)
	var out []conflictRow
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	for dec.More() {
		var c conflictRow
		if err := dec.Decode(&c); err != nil {
			t.Fatalf("decode conflicts list --json: %v\n%s", err, r.stdout)
		}
		out = append(out, c)
	}
	return out
}

// execSQLite changes a SQLite source between runs.
func execSQLite(t *testing.T, u, script string) {
	t.Helper()
	newSQLite(t, strings.TrimPrefix(u, "sqlite:"), script)
}

// TestConflictNullAndOwnValue: a conflict where the loaded row has NULL is
// listed as NULL and settled with a value of one's own, which a rerun keeps;
// an unknown conflict or a bad flag is refused.
func TestConflictNullAndOwnValue(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	east := newSQLite(t, filepath.Join(dir, "east.db"), `CREATE TABLE Patients (PatientId INTEGER PRIMARY KEY, MRN TEXT NOT NULL, Phone TEXT);
INSERT INTO Patients VALUES (1, 'M1', NULL);`)
	west := newSQLite(t, filepath.Join(dir, "west.db"), `CREATE TABLE Patient (Id INTEGER PRIMARY KEY, MRN TEXT NOT NULL, Phone TEXT);
INSERT INTO Patient VALUES (2, 'M1', '555-4444');`)
	tgt := sluicetest.NewPostgresDB(t)
	writeManualConfig(t, dir, east, west, tgt)
	in := invocation{dir: dir}
	wantCode(t, in.run(t, "migrate", "--progress", "none"), 0)
	cs := listConflictsJSON(t, in, "open")
	if len(cs) != 1 || !cs[0].OwnerNull || cs[0].OtherNull || cs[0].OtherValue != "555-4444" || cs[0].Column != "phone" {
		t.Fatalf("conflicts %+v, want one on phone: NULL against 555-4444", cs)
	}
	if r := in.run(t, "conflicts", "list"); !strings.Contains(r.stdout, "NULL") || !strings.Contains(r.stdout, `"555-4444"`) {
		t.Errorf("conflicts list does not show NULL against \"555-4444\":\n%s", r)
	}
	wantCode(t, in.run(t, "conflicts", "resolve", fmt.Sprint(cs[0].ID), "--take", "other", "--value", "x"), 2)
	wantCode(t, in.run(t, "conflicts", "resolve", "abc", "--take", "other"), 2)
	if r := in.run(t, "conflicts", "resolve", fmt.Sprint(cs[0].ID+100), "--take", "other"); r.code == 0 || !strings.Contains(r.stderr, fmt.Sprint(cs[0].ID+100)) {
		t.Errorf("resolving an unknown conflict: %s; want a failure naming it", r)
	}
	r := in.run(t, "conflicts", "resolve", fmt.Sprint(cs[0].ID), "--value", "ask the patient")
	wantCode(t, r, 0)
	db := pgConn(t, tgt)
	phone := func() []string { return pgRows(t, db, `SELECT phone FROM public.patients`) }
	if got := phone(); !slices.Equal(got, []string{"ask the patient"}) {
		t.Errorf("after resolving with a value the phone is %q", got)
	}
	wantCode(t, in.run(t, "migrate", "--progress", "none"), 0)
	if got := phone(); !slices.Equal(got, []string{"ask the patient"}) {
		t.Errorf("after a rerun the phone is %q, want the resolution's value", got)
	}
	if cs := listConflictsJSON(t, in, "resolved"); len(cs) != 1 || cs[0].Resolution != "value" {
		t.Errorf("resolved conflicts after a rerun: %+v", cs)
	}
	wantCode(t, in.run(t, "verify"), 0)
}

// writeManualConfig writes a config merging east.Patients and west.Patient
// on the MRN into patients, with disagreements queued (manual: true).
func writeManualConfig(t *testing.T, dir, east, west, tgt string) {
	t.Helper()
	writeFile(t, dir, "sluice.yaml", fmt.Sprintf(`version: 1
sources:
  east: {url: %q}
  west: {url: %q}
target: {url: %q}
tables:
  patients:
    from: [east.Patients, west.Patient]
    match_on: [mrn]
    manual: true
`, east, west, tgt))
}
