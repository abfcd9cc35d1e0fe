package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/sluicetest"
)

// estateYAML is a config over the clinic and west SQLite files; broken
// lists the tables whose where: names a column that does not exist, which
// fails them when they are read.
func estateYAML(clinic, west, target string, broken ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "version: 1\nsources:\n  clinic: {url: %q}\n  west: {url: %q}\ntarget: {url: %q}\ntables:\n", clinic, west, target)
	for _, id := range broken {
		fmt.Fprintf(&b, "  %s: {where: \"no_such_column = 1\"}\n", id)
	}
	b.WriteString("  people:\n    from: [clinic.people, west.people]\n")
	return b.String()
}

// One table that fails does not stop the estate: the other tables load to
// the end, the tables that wait for it do not start, the summary and status
// tell loaded, failed and not-started tables apart (and never print a table
// that was not read as "0 rows"), the exit code is not 0, and a rerun loads
// only the failed tables, in a new generation.
func TestOneBadTableDoesNotStopTheEstate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var script strings.Builder
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&script, "CREATE TABLE t%02d (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t%02d VALUES (1, 'a'), (2, 'b'), (3, 'c');\n", i, i)
	}
	script.WriteString(`CREATE TABLE patients (id INTEGER PRIMARY KEY, name TEXT);
		INSERT INTO patients VALUES (1, 'Ann'), (2, 'Bob');
		CREATE TABLE visits (id INTEGER PRIMARY KEY, patient_id INT REFERENCES patients(id));
		INSERT INTO visits VALUES (1, 1), (2, 2), (3, 1);
		CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT);
		INSERT INTO people VALUES (1, 'Cy');`)
	clinic := newSQLite(t, filepath.Join(dir, "clinic.db"), script.String())
	west := newSQLite(t, filepath.Join(dir, "west.db"), `CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT);
		INSERT INTO people VALUES (1, 'Di'), (2, 'Ed');`)
	target := sluicetest.NewPostgresDB(t)
	in := invocation{dir: dir}
	writeFile(t, dir, "sluice.yaml", estateYAML(clinic, west, target, "clinic.visits", "clinic.people"))

	r := in.run(t, "migrate", "--progress", "none")
	wantCode(t, r, 1)
	lines := tableLines(r.stdout, "")
	for _, id := range []string{"clinic.t01", "clinic.t12", "clinic.patients"} {
		if f := lines[id]; len(f) < 9 || f[4] == "0" || f[8] == "FAILED" {
			t.Errorf("%s did not load: %q\n%s", id, f, r)
		}
	}
	if f := lines["clinic.visits"]; len(f) != 9 || f[2] != "-" || f[8] != "FAILED" {
		t.Errorf("clinic.visits: %q, want source rows - and FAILED\n%s", f, r)
	}
	if f := lines["west.people"]; strings.Join(f[2:], " ") != "- - - - - - - not started" {
		t.Errorf("west.people: %q, want dashes and not started\n%s", f, r)
	}
	for _, want := range []string{
		"tables: 13 loaded, 2 failed, 1 not started",
		"total                     38    38      38",
		"clinic.visits: read clinic.visits chunk 1",
		"no such column: no_such_column",
		"west.people: waits for clinic.people, which failed",
		"visits.visits_patient_id_fkey -> patients: added NOT VALID, not validated (table visits did not load)",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the summary lacks %q:\n%s", want, r)
		}
	}
	if !strings.Contains(r.stderr, "table clinic.visits failed") || !strings.Contains(r.stderr, "table clinic.people failed") {
		t.Errorf("the error does not name both failed tables:\n%s", r.stderr)
	}

	s := in.run(t, "status")
	wantCode(t, s, 0)
	st := tableLines(s.stdout, "")
	if st["clinic.visits"][2] != "failed" || st["west.people"][2] != "not" || st["clinic.t05"][2] != "done" {
		t.Errorf("status:\n%s", s.stdout)
	}
	for _, want := range []string{"tables: 13 done, 2 failed, 1 not started", "not started:\n  west.people: not started: waits for clinic.people, which failed"} {
		if !strings.Contains(s.stdout, want) {
			t.Errorf("status lacks %q:\n%s", want, s.stdout)
		}
	}

	writeFile(t, dir, "sluice.yaml", estateYAML(clinic, west, target))
	again := in.run(t, "migrate", "--progress", "none")
	wantCode(t, again, 0)
	lines = tableLines(again.stdout, "")
	for id, rows := range map[string]string{"clinic.visits": "3", "clinic.people": "1", "west.people": "2"} {
		if f := lines[id]; len(f) != 9 || f[2] != rows || f[3] != rows || f[4] != rows || f[8] == "earlier" {
			t.Errorf("the rerun: %s %q, want %s rows loaded now", id, f, rows)
		}
	}
	if f := lines["clinic.t01"]; strings.Join(f[8:], " ") != "earlier run" || f[4] != "0" {
		t.Errorf("the rerun reloaded clinic.t01: %q", f)
	}
	conn := pgConn(t, target)
	if g := pgInt(t, conn, "SELECT generation FROM sluice.tables WHERE id = 'clinic.visits'"); g != 2 {
		t.Errorf("clinic.visits was reloaded in generation %d, want 2", g)
	}
	if n := pgInt(t, conn, "SELECT count(*) FROM pg_constraint WHERE conname = 'visits_patient_id_fkey' AND convalidated"); n != 1 {
		t.Errorf("the foreign key of visits is not validated after the rerun")
	}
}

const badKeysScript = `CREATE TABLE a (id INT PRIMARY KEY, v TEXT);
	INSERT INTO a VALUES (1, 'x'), (NULL, 'y'), (NULL, 'z'), (2, 'w');
	CREATE TABLE g (id PRIMARY KEY, v TEXT);
	INSERT INTO g VALUES ('1', 'a'), (1, 'b'), (2, 'c');
	CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INT REFERENCES a(id));
	INSERT INTO b VALUES (1, 1), (2, 2);`

// A SQLite primary key that holds NULLs, or values PostgreSQL sees as one
// (1 and '1'), is caught before the load. By default (bad_keys: reject) those
// rows are rejected with the reason and the table keeps its key; verify then
// states how each table's source rows are accounted for, rejects included.
func TestBadKeysRejected(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := newSQLite(t, filepath.Join(dir, "s.db"), badKeysScript)
	target := sluicetest.NewPostgresDB(t)
	in := invocation{dir: dir}
	r := in.run(t, "init", "--source", "s="+src, "--target", target)
	wantCode(t, r, 0)
	writeFile(t, dir, "sluice.yaml", r.stdout)

	m := in.run(t, "migrate", "--progress", "none")
	wantCode(t, m, 4)
	for _, want := range []string{"primary key column id is NULL (bad_keys: reject)", "another source row has the same primary key"} {
		if !strings.Contains(m.stdout, want) {
			t.Errorf("the summary lacks %q:\n%s", want, m)
		}
	}
	conn := pgConn(t, target)
	if got := pgRows(t, conn, "SELECT table_id, count(*) FROM sluice.rejects GROUP BY 1 ORDER BY 1"); strings.Join(got, ", ") != "s.a | 2, s.g | 2" {
		t.Errorf("rejects: %v", got)
	}
	if n := pgInt(t, conn, "SELECT count(*) FROM pg_constraint WHERE contype = 'p' AND conrelid IN ('public.a'::regclass, 'public.g'::regclass)"); n != 2 {
		t.Errorf("%d primary keys on a and g, want both", n)
	}
	v := in.run(t, "verify")
	wantCode(t, v, 0)
	for _, want := range []string{"Rows not loaded: 4 rows rejected", "s.a  source 4 = loaded 2 + rejected 2 + filtered 0", "s.g  source 3 = loaded 1 + rejected 2 + filtered 0"} {
		if !strings.Contains(v.stdout, want) {
			t.Errorf("verify lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v.stdout, "s.b  source") {
		t.Errorf("verify lists a table without rejects:\n%s", v.stdout)
	}
	j := in.run(t, "verify", "--json")
	if !strings.Contains(j.stdout, "\"counts\": {\n        \"source\": 4,\n        \"loaded\": 2,\n        \"rejected\": 2,\n        \"filtered\": 0\n      }") {
		t.Errorf("verify --json lacks the counts of s.a:\n%s", j.stdout)
	}
}

// With bad_keys: load every row loads and the table has no primary key: the
// summary says so and why, the foreign key to it cannot be added and is
// reported, and verify names the offending keys.
func TestBadKeysLoaded(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := newSQLite(t, filepath.Join(dir, "s.db"), badKeysScript)
	target := sluicetest.NewPostgresDB(t)
	in := invocation{dir: dir}
	r := in.run(t, "init", "--source", "s="+src, "--target", target)
	wantCode(t, r, 0)
	cfg := strings.Replace(r.stdout, "  zero_dates: reject", "  bad_keys: load\n  zero_dates: null", 1)
	writeFile(t, dir, "sluice.yaml", cfg)

	m := in.run(t, "migrate", "--progress", "none")
	wantCode(t, m, 0)
	for _, want := range []string{
		"tables: 3 loaded, 0 failed, 0 not started; 2 loaded without its primary key",
		"s.a: 2 rows have a NULL in the primary key (id); loaded without its primary key (bad_keys: load)",
		"s.g: 2 rows share a primary key value with another row, as PostgreSQL compares them (e.g. 1)",
		"b.b_a_id_fkey -> a: not added: there is no unique constraint matching given keys for referenced table \"a\"",
	} {
		if !strings.Contains(m.stdout, want) {
			t.Errorf("the summary lacks %q:\n%s", want, m)
		}
	}
	conn := pgConn(t, target)
	if n := pgInt(t, conn, "SELECT count(*) FROM public.a"); n != 4 {
		t.Errorf("a holds %d rows, want all 4", n)
	}
	if n := pgInt(t, conn, "SELECT count(*) FROM pg_constraint WHERE contype = 'p' AND conrelid = 'public.a'::regclass"); n != 0 {
		t.Errorf("a has a primary key")
	}
	v := in.run(t, "verify", "--table", "s.g")
	wantCode(t, v, 5)
	if !strings.Contains(v.stdout, "level 2 duplicate key") || !strings.Contains(v.stdout, "key 1") {
		t.Errorf("verify does not name the duplicate key:\n%s", v)
	}
}
