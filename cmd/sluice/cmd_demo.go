package main

import (
	"context"
	"errors"
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
	dir        string
	rows       int
	target     string
	liveSource string
	noLive     bool
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

Last comes a short live phase (Live sync). The clinical system's patients and
visits are also created in MariaDB (--live-source, by default the database
sluice_demo_live of the local server), and sluice sync, run in this process,
copies them into the PostgreSQL database named after the target with "_live"
(sluice_demo_live), then follows MariaDB's binlog while the demo commits an
insert, an update of a renamed and of a cast column, a delete and a
transaction of three rows; each is shown arriving on the target through the
mapping, with the time it took. Then the stream's status and what cutover
--check says (the demo stops short of a cutover), and sync stops as Ctrl-C
stops it. Both live databases are dropped and created again on each
run, and only when the demo created them (their comment says so). When
MariaDB cannot be reached or has no row-based binlog, the phase says so and
what to run (./scripts/services.sh), and the demo still exits 0.

The target is --target, else $SLUICE_TARGET, else the local server's database
sluice_demo, created if missing.`,
		Example: `  sluice demo
  sluice demo --rows 200000 --dir /tmp/estate --no-live
  SLUICE_TARGET=postgres://me@pg/demo sluice demo`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd.Context(), g, f)
		},
	}
	cmd.Flags().StringVar(&f.dir, "dir", "sluice-demo", "where to write the sample databases and sluice.yaml")
	cmd.Flags().IntVar(&f.rows, "rows", 2000, "patients to generate; everything else scales with it")
	cmd.Flags().StringVar(&f.target, "target", "", "the target PostgreSQL URL")
	cmd.Flags().StringVar(&f.liveSource, "live-source", demoLiveSource, "the MariaDB database the live phase creates (dropped and created again on each run) and changes while sync follows it")
	cmd.Flags().BoolVar(&f.noLive, "no-live", false, "skip the live phase")
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
	if f.noLive {
		return nil
	}
	return runLive(ctx, g, f, dir)
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
	conn, name, err := adminConn(ctx, raw)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	exists, _, err := databaseComment(ctx, conn, name)
	if err != nil || exists {
		return err
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// recreateDemoDatabase drops the database of raw if the demo created it
// (its comment is demo.LiveMark) and creates it anew with that mark; a
// database without the mark is not the demo's to drop.
func recreateDemoDatabase(ctx context.Context, raw string) error {
	conn, name, err := adminConn(ctx, raw)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	exists, mark, err := databaseComment(ctx, conn, name)
	if err != nil {
		return err
	}
	db := pgx.Identifier{name}.Sanitize()
	if exists && mark != demo.LiveMark {
		return usageError{fmt.Errorf("database %s exists on the target's server and the demo did not create it; choose another --target", name)}
	}
	if exists {
		if _, err := conn.Exec(ctx, "DROP DATABASE "+db+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("drop the demo's database %s: %w", name, err)
		}
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+db); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	if _, err := conn.Exec(ctx, "COMMENT ON DATABASE "+db+" IS '"+demo.LiveMark+"'"); err != nil {
		return fmt.Errorf("mark database %s as the demo's: %w", name, err)
	}
	return nil
}

// adminConn connects to the maintenance database "postgres" of raw's
// server, and names raw's database.
func adminConn(ctx context.Context, raw string) (*pgx.Conn, string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, "", usageError{fmt.Errorf("target %s: %w", sluice.RedactURL(raw), err)}
	}
	name := strings.TrimPrefix(u.Path, "/")
	admin := *u
	admin.Path = "/postgres"
	conn, err := pgx.Connect(ctx, admin.String())
	if err != nil {
		return nil, "", &sluice.ConnectError{Where: "target " + sluice.RedactURL(raw), Err: err}
	}
	return conn, name, nil
}

// databaseComment says whether database name exists, and its comment.
func databaseComment(ctx context.Context, conn *pgx.Conn, name string) (bool, string, error) {
	var comment *string
	err := conn.QueryRow(ctx, "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1", name).Scan(&comment)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return false, "", nil
	case err != nil:
		return false, "", fmt.Errorf("look up database %s: %w", name, err)
	case comment == nil:
		return true, "", nil
	}
	return true, *comment, nil
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
