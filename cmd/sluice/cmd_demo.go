package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/spf13/cobra"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/demo"
)

const demoDefaultTarget = "postgres://postgres@127.0.0.1:5432/sluice_demo?sslmode=disable"

type demoFlags struct {
	dir    string
	rows   int
	target string
	migrateFlags
}

func newDemo(g *globals) *cobra.Command {
	f := &demoFlags{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Build a sample legacy healthcare estate and migrate it, with progress",
		Long: `Demo writes four legacy SQLite databases (clinical, clinic_west, pharmacy,
inventory) with PascalCase names, TINYINT flags, integer keys, foreign keys inside
and across the databases and a few bad values (zero dates, invalid UTF-8, a flag
of 2), writes the sluice.yaml it uses next to them, and migrates them into
PostgreSQL with keys: uuid and strategy: merge. The patients of clinical and of
the west clinic, whose table has drifted apart from clinical's, merge into one
patients table, a patient on file at both becoming one row (match_on: mrn);
each clinic's room count becomes rows of clinic_rooms (expand). The planted bad
values land in sluice.rejects and are listed in the summary; the demo still
exits 0 because it expects exactly them.

Then it runs the migration a second time on the unchanged sources, which
writes nothing: merge compares every row with the target and finds none
changed.

The target is --target, else $SLUICE_TARGET, else the local server's database
sluice_demo, created if missing.`,
		Example: `  sluice demo
  sluice demo --rows 200000 --dir /tmp/estate
  SLUICE_TARGET=postgres://me@pg/demo sluice demo`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd.Context(), g, f)
		},
	}
	cmd.Flags().StringVar(&f.dir, "dir", "sluice-demo", "where to write the sample databases and sluice.yaml")
	cmd.Flags().IntVar(&f.rows, "rows", 2000, "patients to generate; everything else scales with it")
	cmd.Flags().StringVar(&f.target, "target", "", "the target PostgreSQL URL")
	cmd.Flags().IntVarP(&f.workers, "workers", "w", 0, "tables loaded in parallel (default: the config's workers)")
	cmd.Flags().StringVar(&f.progress, "progress", "auto", "progress display: auto, bars, log or none")
	cmd.Flags().StringVar(&f.metrics, "metrics-addr", "", "serve Prometheus metrics at http://ADDR/metrics during each migration (off by default)")
	return cmd
}

func runDemo(ctx context.Context, g *globals, f *demoFlags) error {
	if f.rows < demo.MinRows {
		return usageError{fmt.Errorf("--rows %d: use at least %d", f.rows, demo.MinRows)}
	}
	tgt := demoTarget(f.target)
	if err := ensureDatabase(ctx, tgt); err != nil {
		return err
	}
	dir, err := filepath.Abs(f.dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stderr, "writing the sample estate (%d patients) to %s\n", f.rows, dir)
	estate, err := demo.Generate(ctx, demo.Options{Dir: dir, Rows: f.rows, Target: tgt})
	if err != nil {
		return fmt.Errorf("generate the sample estate: %w", err)
	}
	fmt.Fprintf(g.stderr, "migrating into %s with %s\n\n", sluice.RedactURL(tgt), estate.ConfigPath)
	if err := migrateTwice(ctx, g, f, estate); err != nil {
		return err
	}
	printDemoNext(g, estate, tgt)
	return nil
}

// migrateTwice migrates the estate, then again on the unchanged sources to
// show that a rerun writes nothing.
func migrateTwice(ctx context.Context, g *globals, f *demoFlags, estate *demo.Estate) error {
	// Each run reads the planted values again, and rejects them again.
	f.maxRejects = int64(len(estate.BadRows))
	if err := runMigrate(ctx, g, &f.migrateFlags, estate.ConfigPath); err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "\n%s\n\n", demoRerunHeading)
	return runMigrate(ctx, g, &f.migrateFlags, estate.ConfigPath)
}

// demoRerunHeading introduces the second run's summary.
const demoRerunHeading = "Running the migration again on unchanged sources: nothing is written (strategy: merge\n" +
	"compares each row with the target by its content hash, and none changed)."

func demoTarget(flag string) string {
	switch {
	case flag != "":
		return flag
	case os.Getenv("SLUICE_TARGET") != "":
		return os.Getenv("SLUICE_TARGET")
	}
	return demoDefaultTarget
}

// ensureDatabase creates the target database when it does not exist, by
// connecting to the server's maintenance database "postgres".
func ensureDatabase(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return usageError{fmt.Errorf("target %s: %w", sluice.RedactURL(raw), err)}
	}
	name := strings.TrimPrefix(u.Path, "/")
	admin := *u
	admin.Path = "/postgres"
	conn, err := pgx.Connect(ctx, admin.String())
	if err != nil {
		return &sluice.ConnectError{Where: "target " + sluice.RedactURL(raw), Err: err}
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return fmt.Errorf("look up database %s: %w", name, err)
	}
	if exists {
		return nil
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

func printDemoNext(g *globals, e *demo.Estate, tgt string) {
	m := e.Matches[0] // the first shared patient's phone numbers differ
	fmt.Fprintf(g.stdout, `
The %[1]d rejected rows above were planted on purpose (zero dates, invalid UTF-8,
a flag of 2): Sluice kept them out of the target and recorded why, in each run.

%[6]d patients are on file at both clinical and clinic_west, under the same MRN:
each of them is one row of patients. Patient %[7]s (clinical's PatientID %[8]d,
clinic_west's PatientNo %[9]d) has another phone number at the west clinic;
prefer: [clinical, clinic_west] kept clinical's.

Look around:
  %[4]s plan --config %[5]s
      the target tables, and how the two patient tables drifted apart
  psql '%[2]s' -c "SELECT p.mrn, p.full_name, p.phone, p.preferred_language, k.source, k.legacy_key FROM patients p JOIN sluice.legacy_keys k ON k.entity = p.id WHERE p.mrn = '%[7]s'"
      one patient, and the legacy key it has in each clinic
  psql '%[2]s' -c 'SELECT c.name, c.num_rooms, r.room_no FROM clinics c JOIN clinic_rooms r ON r.clinic_id = c.clinic_id ORDER BY c.name, r.room_no'
      the rooms NumRooms expanded into
  psql '%[2]s' -c 'SELECT run_id, table_id, row_key, column_name, reason FROM sluice.rejects ORDER BY reject_id'
  psql '%[3]s' -c '\dt'
  %[4]s status --config %[5]s
Run the demo again: it writes the same estate, and the migration writes nothing.
Change a row in one of the SQLite files and migrate again: only that row is written.
`, len(e.BadRows), sluice.RedactURL(tgt), sluice.RedactURL(tgt), selfCommand(), e.ConfigPath,
		len(e.Matches), m.MRN, m.PatientID, m.PatientNo)
}

// selfCommand is how the user runs this binary: "go run ./cmd/sluice" when
// it was built by go run (the README's first command), else "sluice".
func selfCommand() string {
	if exe, err := os.Executable(); err == nil && strings.Contains(exe, "go-build") {
		return "go run ./cmd/sluice"
	}
	return "sluice"
}
