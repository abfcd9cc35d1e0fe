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
		Long: `Demo writes three legacy SQLite databases (clinical, pharmacy, inventory) with
PascalCase names, TINYINT flags, integer keys, foreign keys inside and across the
databases and a few bad values (zero dates, invalid UTF-8, a flag of 2), writes
the sluice.yaml it uses next to them, and migrates them into PostgreSQL with
keys: uuid. The planted bad values land in sluice.rejects and are listed in the
summary; the demo still exits 0 because it expects exactly them.

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
	return cmd
}

func runDemo(ctx context.Context, g *globals, f *demoFlags) error {
	if f.rows < 10 {
		return usageError{fmt.Errorf("--rows %d: use at least 10", f.rows)}
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
	f.maxRejects = int64(len(estate.BadRows))
	fmt.Fprintf(g.stderr, "migrating into %s with %s\n\n", sluice.RedactURL(tgt), estate.ConfigPath)
	if err := runMigrate(ctx, g, &f.migrateFlags, estate.ConfigPath); err != nil {
		return err
	}
	printDemoNext(g, estate, tgt)
	return nil
}

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
	fmt.Fprintf(g.stdout, `
The %[1]d rejected rows above were planted on purpose (zero dates, invalid UTF-8,
a flag of 2): Sluice kept them out of the target and recorded why.

Look around:
  psql '%[2]s' -c 'SELECT table_id, row_key, column_name, reason FROM sluice.rejects'
  psql '%[3]s' -c '\dt'
  %[4]s status --config %[5]s
  %[4]s plan   --config %[5]s
Run the demo again: it regenerates the same data and reloads it (strategy: truncate).
`, len(e.BadRows), sluice.RedactURL(tgt), sluice.RedactURL(tgt), selfCommand(), e.ConfigPath)
}

// selfCommand is how the user runs this binary: "go run ./cmd/sluice" when
// it was built by go run (the README's first command), else "sluice".
func selfCommand() string {
	if exe, err := os.Executable(); err == nil && strings.Contains(exe, "go-build") {
		return "go run ./cmd/sluice"
	}
	return "sluice"
}
