package readiness_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/engines"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/readiness"
	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/target"
)

type setup struct {
	srcURL, tgtURL string
	tgt            *target.Target
	db             *pgxpool.Pool
}

func newSetup(t *testing.T) *setup {
	t.Helper()
	s := &setup{srcURL: sluicetest.NewMySQLDB(t), tgtURL: sluicetest.NewPostgresDB(t)}
	sluicetest.ExecMySQL(t, s.srcURL, `CREATE TABLE patients (id int AUTO_INCREMENT PRIMARY KEY, name varchar(50) NOT NULL);
		INSERT INTO patients (name) VALUES ('Ada'), ('Bob');
		CREATE TABLE audit (at datetime NOT NULL, what text);
		INSERT INTO audit VALUES ('2024-01-01 00:00:00', 'x');`)
	var err error
	if s.tgt, err = target.Open(context.Background(), s.tgtURL); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.tgt.Close)
	if s.db, err = pgxpool.New(context.Background(), s.tgtURL); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.db.Close)
	return s
}

// inputs plans the config with tables (YAML under tables:) and opens its sources.
func (s *setup) inputs(t *testing.T, tables string) readiness.Inputs {
	t.Helper()
	yaml := fmt.Sprintf("version: 1\nsources:\n  clinic: {url: %q}\ntarget: {url: %q}\ndefaults: {keys: uuid}\n", s.srcURL, s.tgtURL)
	if tables != "" {
		yaml += "tables:\n" + tables
	}
	cfg, err := config.Parse(strings.NewReader(yaml), "sluice.yaml")
	if err != nil {
		t.Fatal(err)
	}
	prep, err := engines.Prepare(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(prep.Sources.Close)
	return readiness.Inputs{Plan: prep.Plan, Sources: prep.Sources, State: s.tgt, Freeze: &sluice.FreezeOptions{}}
}

func failing(items []readiness.Item) string {
	var out []string
	for _, it := range items {
		if !it.OK {
			out = append(out, it.Check+": "+strings.Join(it.Problems, " | "))
		}
	}
	return strings.Join(out, "\n")
}

func TestChecklist(t *testing.T) {
	ctx := context.Background()
	s := newSetup(t)
	in := s.inputs(t, "")
	if _, err := migrate.Run(ctx, in.Plan, in.Sources, s.tgt, migrate.Options{Verify: []int{1, 2}}); err != nil {
		t.Fatalf("migrate: %v", err)
	}

	items, err := readiness.Check(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 6 {
		t.Fatalf("%d checks, want 6: %+v", len(items), items)
	}
	if got := failing(items); !strings.HasPrefix(got, "every table can be written back") || !strings.Contains(got, "clinic.audit -> audit cannot be written back (the source table has no primary key") || strings.Count(got, "\n") != 0 {
		t.Fatalf("failing checks:\n%s\nwant only the irreversible clinic.audit", got)
	}

	in = s.inputs(t, "  clinic.audit: {rollback: false}\n")
	items, err = readiness.Check(ctx, in)
	if err != nil || !readiness.Ready(items) {
		t.Fatalf("with clinic.audit excluded: %v\n%s", err, failing(items))
	}

	// Each refusal, from the state as a failed load, a conflict and a
	// failed verification leave it.
	for _, stmt := range []string{
		"UPDATE sluice.tables SET state = 'failed', message = 'lost the source' WHERE id = 'clinic.patients'",
		`INSERT INTO sluice.conflicts (target_schema, target_table, entity_column, entity, column_name, owner_source, owner_key, other_source, other_key, status)
			VALUES ('public', 'patients', 'id', gen_random_uuid(), 'name', 'clinic', '1', 'other', '9', 'open')`,
		`INSERT INTO sluice.verify_results (table_id, level, status, findings, details) VALUES ('clinic.patients', 1, 'failed', 1, '{}')`,
	} {
		if _, err := s.db.Exec(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	items, err = readiness.Check(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"no table failed: clinic.patients failed: lost the source; run sluice migrate again",
		"no open manual conflict: 1 conflicts wait for a person (first: patients column name); settle them with sluice conflicts resolve",
		"the last verification of every table is clean: clinic.patients level 1: failed (1 findings) at its last verification; run sluice verify after fixing it",
	}
	if got := failing(items); got != strings.Join(want, "\n") {
		t.Fatalf("failing checks:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

func TestWriteRightsAreChecked(t *testing.T) {
	ctx := context.Background()
	s := newSetup(t)
	in := s.inputs(t, "  clinic.audit: {rollback: false}\n")
	if _, err := migrate.Run(ctx, in.Plan, in.Sources, s.tgt, migrate.Options{Verify: []int{1}}); err != nil {
		t.Fatal(err)
	}
	sluicetest.ExecMySQL(t, s.srcURL, "DROP TABLE patients")
	items, err := readiness.Check(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if got := failing(items); got != "the sources' users may write the target's changes back: source clinic: table patients: missing; fix: the reverse stream writes to it: restore it" {
		t.Fatalf("failing checks:\n%s", got)
	}
}
