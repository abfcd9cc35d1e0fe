package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/sluicetest"
)

const dropTargetSource = `CREATE TABLE Clinics (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL);
CREATE TABLE Patients (Id INTEGER PRIMARY KEY, ClinicId INTEGER NOT NULL REFERENCES Clinics (Id), Name TEXT);
CREATE TABLE Notes (Id INTEGER PRIMARY KEY, Body TEXT);
INSERT INTO Clinics VALUES (1, 'North'), (2, 'South');
INSERT INTO Patients VALUES (1, 1, 'Ann'), (2, 2, 'Bo');
INSERT INTO Notes VALUES (1, 'kept');`

// rollback --drop-target before cutover drops exactly the tables Sluice
// created (clinics, and patients whose foreign key points at it) and
// forgets their state; a table that was there before (keepme) and one
// Sluice loaded without a record of creating it (notes, as a Sluice older
// than that record leaves it) stay, as do the audit trail, which records
// the drop and still verifies, and the runs. migrate then loads the
// dropped tables afresh.
func TestRollbackDropTarget(t *testing.T) {
	dir := t.TempDir()
	src := newSQLite(t, filepath.Join(dir, "clinic.db"), dropTargetSource)
	tgt := sluicetest.NewPostgresDB(t)
	sluicetest.ExecPostgres(t, tgt, `CREATE TABLE public.keepme (id int); INSERT INTO public.keepme VALUES (42)`)
	writeFile(t, dir, "sluice.yaml", fmt.Sprintf("version: 1\nsources:\n  clinic: {url: %q}\ntarget: {url: %q}\n", src, tgt))
	in := invocation{dir: dir}
	wantCode(t, in.run(t, "migrate", "--progress", "none"), 0)
	conn := pgConn(t, tgt)
	if _, err := conn.Exec(t.Context(), "DELETE FROM sluice.created_tables WHERE target_table = 'notes'"); err != nil {
		t.Fatal(err)
	}

	r := in.run(t, "rollback", "--drop-target")
	wantCode(t, r, 0)
	wantOutput(t, r, "2 table(s) Sluice created: clinics, patients", "did not create (or created before it recorded that): notes", "the audit trail (sluice.audit)")
	tables := pgRows(t, conn, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
	if want := []string{"keepme", "notes"}; !slices.Equal(tables, want) {
		t.Errorf("after rollback --drop-target the target's tables are %v, want %v", tables, want)
	}
	if n := pgInt(t, conn, "SELECT count(*) FROM public.keepme WHERE id = 42"); n != 1 {
		t.Errorf("keepme lost its row")
	}
	state := pgRows(t, conn, "SELECT id FROM sluice.tables ORDER BY 1")
	if want := []string{"clinic.Notes"}; !slices.Equal(state, want) {
		t.Errorf("sluice.tables holds %v after the drop, want %v", state, want)
	}
	entry := pgRows(t, conn, "SELECT details->>'dropped', details->>'kept' FROM sluice.audit WHERE operation = 'target.drop'")
	if want := []string{`["clinics", "patients"] | ["notes"]`}; !slices.Equal(entry, want) {
		t.Errorf("the audit trail's target.drop entries: %v, want %v", entry, want)
	}
	wantCode(t, in.run(t, "audit", "verify"), 0)

	wantCode(t, in.run(t, "migrate", "--progress", "none"), 0)
	counts := pgRows(t, conn, "SELECT (SELECT count(*) FROM clinics), (SELECT count(*) FROM patients), (SELECT count(*) FROM sluice.created_tables)")
	if want := []string{"2 | 2 | 2"}; !slices.Equal(counts, want) {
		t.Errorf("after migrate again: clinics | patients | created tables = %v, want %v", counts, want)
	}
}

// After the switch --drop-target is refused with exit code 7, and nothing
// is dropped; an object of someone else's that depends on a table Sluice
// created stops the drop whole.
func TestRollbackDropTargetRefuses(t *testing.T) {
	dir := t.TempDir()
	src := newSQLite(t, filepath.Join(dir, "clinic.db"), dropTargetSource)
	tgt := sluicetest.NewPostgresDB(t)
	writeFile(t, dir, "sluice.yaml", fmt.Sprintf("version: 1\nsources:\n  clinic: {url: %q}\ntarget: {url: %q}\n", src, tgt))
	in := invocation{dir: dir}
	wantCode(t, in.run(t, "migrate", "--progress", "none"), 0)
	conn := pgConn(t, tgt)
	tables := func() string {
		return strings.Join(pgRows(t, conn, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"), ",")
	}

	sluicetest.ExecPostgres(t, tgt, "CREATE VIEW public.report AS SELECT count(*) FROM public.patients")
	r := in.run(t, "rollback", "--drop-target")
	wantCode(t, r, 1)
	wantOutput(t, r, "depends on")
	if got := tables(); got != "clinics,notes,patients" {
		t.Errorf("a failed drop dropped tables: %s left", got)
	}
	sluicetest.ExecPostgres(t, tgt, "DROP VIEW public.report")

	// As a switched cutover records it.
	sluicetest.ExecPostgres(t, tgt, "INSERT INTO sluice.cutovers (phase, authoritative) VALUES ('switched', 'target')")
	r = in.run(t, "rollback", "--drop-target")
	wantCode(t, r, 7)
	wantOutput(t, r, "the target is authoritative", "Run sluice rollback first")
	if got := tables(); got != "clinics,notes,patients" {
		t.Errorf("a refused drop dropped tables: %s left", got)
	}
}
