package migrate_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/engines"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/verify"
)

// A practice: doctors stay in the clinical database, invoices (which
// reference a doctor) move to the billing database.
const splitScript = `CREATE TABLE Doctors (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL);
CREATE TABLE Patients (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL, DoctorId INTEGER REFERENCES Doctors (Id));
CREATE TABLE Invoices (Id INTEGER PRIMARY KEY, DoctorId INTEGER REFERENCES Doctors (Id), Amount NUMERIC(10,2) NOT NULL);
INSERT INTO Doctors VALUES (1, 'Dr One'), (2, 'Dr Two'), (3, 'Dr Three');
INSERT INTO Patients VALUES (1, 'Ann', 1), (2, 'Bo', 2), (3, 'Cy', NULL);
INSERT INTO Invoices VALUES (1, 1, 10.50), (2, 3, 20.00), (3, 3, 30.25), (4, NULL, 5.00);`

// splitYAML puts the invoices in the second of two target databases.
func splitYAML(src, clinical, billing string) string {
	return fmt.Sprintf(`version: 1
sources:
  src: {url: %q}
targets:
  clinical: {url: %q}
  billing: {url: %q}
defaults:
  naming: snake_case
  keys: uuid
tables:
  src.Invoices: {database: billing}
`, src, clinical, billing)
}

// splitEnv is a plan over two target databases, their targets and a pool
// on each for the test's own queries.
type splitEnv struct {
	plan  *plan.Plan
	srcs  engines.Sources
	tgts  migrate.Targets
	pools map[string]*pgxpool.Pool
}

func newSplitEnv(t *testing.T, yaml string) *splitEnv {
	t.Helper()
	ctx := context.Background()
	cfg, err := config.Parse(strings.NewReader(yaml), "sluice.yaml")
	if err != nil {
		t.Fatalf("parse the config: %v", err)
	}
	prep, err := engines.Prepare(ctx, cfg)
	if err != nil {
		t.Fatalf("open, introspect and plan: %v", err)
	}
	t.Cleanup(prep.Sources.Close)
	s := &splitEnv{plan: prep.Plan, srcs: prep.Sources, tgts: migrate.Targets{}, pools: map[string]*pgxpool.Pool{}}
	for _, tc := range cfg.Targets {
		s.tgts[tc.Name] = openTarget(t, tc.URL)
		if s.pools[tc.Name], err = pgxpool.New(ctx, tc.URL); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.pools[tc.Name].Close)
	}
	return s
}

func (s *splitEnv) int64(t *testing.T, db, q string) int64 {
	t.Helper()
	var n int64
	if err := s.pools[db].QueryRow(context.Background(), q).Scan(&n); err != nil {
		t.Fatalf("%s on %s: %v", q, db, err)
	}
	return n
}

// runAll runs the migration with the zero options a library caller may
// pass (plus verification); a panic fails the test rather than every test
// of the package.
func (s *splitEnv) runAll(t *testing.T) (sum *migrate.Summary, err error) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("RunAll panics: %v", p)
		}
	}()
	return migrate.RunAll(context.Background(), s.plan, s.srcs, s.tgts, migrate.Options{Verify: allLevels})
}

// TestSplitIntoTwoDatabases loads a table into a second target database:
// its reference to the first is no constraint, and the orphan check across
// the databases finds a referenced row deleted from the first.
func TestSplitIntoTwoDatabases(t *testing.T) {
	t.Parallel()
	src := newSQLite(t, "practice", splitScript)
	s := newSplitEnv(t, splitYAML(src, sluicetest.NewPostgresDB(t), sluicetest.NewPostgresDB(t)))
	sum, err := s.runAll(t)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if len(sum.Runs) != 2 {
		t.Errorf("the run is recorded in %d databases, want 2: %+v", len(sum.Runs), sum.Runs)
	}
	for db, tables := range map[string][]string{"clinical": {"doctors", "patients"}, "billing": {"invoices"}} {
		for _, table := range tables {
			want := int64(len(sourceRows(t, src, "SELECT 1 FROM "+strings.ToUpper(table[:1])+table[1:])))
			if n := s.int64(t, db, "SELECT count(*) FROM public."+table); n != want {
				t.Errorf("%s.%s holds %d rows, want %d", db, table, n, want)
			}
		}
		if n := s.int64(t, db, "SELECT count(*) FROM sluice.runs WHERE status = 'ok'"); n != 1 {
			t.Errorf("%s records %d ok runs, want 1", db, n)
		}
	}
	if n := s.int64(t, "billing", "SELECT count(*) FROM pg_constraint WHERE contype = 'f'"); n != 0 {
		t.Errorf("billing holds %d foreign key constraints, want none (the reference crosses databases)", n)
	}
	if n := s.int64(t, "clinical", "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND convalidated"); n != 1 {
		t.Errorf("clinical holds %d validated foreign keys, want 1 (patients -> doctors)", n)
	}
	checkInvoiceDoctors(t, s, src)
	checkCrossOrphans(t, s, 0)

	doctor3, _ := sluice.KeyUUID(s.plan.Namespace, "src", "Doctors", []any{int64(3)})
	if _, err := s.pools["clinical"].Exec(context.Background(), "DELETE FROM public.doctors WHERE id = $1", doctor3); err != nil {
		t.Fatal(err)
	}
	checkCrossOrphans(t, s, 2) // invoices 2 and 3
}

// checkInvoiceDoctors: each invoice's doctor_id is the key function over its
// source DoctorId, a doctor in the other database.
func checkInvoiceDoctors(t *testing.T, s *splitEnv, src string) {
	t.Helper()
	var want []string
	for _, r := range sourceRows(t, src, "SELECT Id, DoctorId FROM Invoices") {
		id, doc, _ := strings.Cut(r, "|")
		if doc != "<NULL>" {
			doc = keyUUID(t, s.plan.Namespace, "src", "Doctors", atoi(t, doc))
		}
		want = append(want, id+"|"+doc)
	}
	e := &env{db: s.pools["billing"]}
	sameSet(t, "invoice doctors", e.rows(t, "SELECT legacy_id::text, coalesce(doctor_id::text, '<NULL>') FROM public.invoices"), want)
}

// checkCrossOrphans checks the references across the databases, directly
// and as a rerun of migrate does.
func checkCrossOrphans(t *testing.T, s *splitEnv, want int) {
	t.Helper()
	r, err := verify.CrossReferences(context.Background(), s.plan, s.pools, verify.Options{Levels: []int{verify.LevelOrphans}})
	if err != nil {
		t.Fatalf("check the references across databases: %v", err)
	}
	if r.Findings != want {
		var b strings.Builder
		_ = r.WriteText(&b)
		t.Errorf("%d orphans across databases, want %d:\n%s", r.Findings, want, b.String())
	}
	_, err = s.runAll(t)
	var val *sluice.ValidationError
	switch {
	case want == 0 && err != nil:
		t.Errorf("a rerun fails: %v", err)
	case want > 0 && !errors.As(err, &val):
		t.Errorf("a rerun with %d orphans returned %v, want a ValidationError", want, err)
	}
}
