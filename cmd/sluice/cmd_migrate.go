package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/sluicedb/sluice/engines"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/progress"
)

// migrateFlags are the knobs of a run that the config does not hold.
type migrateFlags struct {
	workers    int
	maxRejects int64
	progress   string
	cpuProfile string
	verify     string
	seal       sealFlags
	metrics    string
}

func newMigrate(g *globals) *cobra.Command {
	f := &migrateFlags{}
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Copy every table into the target, reconcile and verify it; resumable",
		Long: `Migrate copies every planned table into the target in keyset chunks. Each
chunk's rows and its ledger entry commit in one transaction, so the command can
be killed at any moment and run again: it resumes after the last committed
chunk, loading nothing twice and losing nothing. Values that cannot be converted
go to sluice.rejects with the reason; the rest of their chunk still loads.
After each table the source's row count must equal loaded + rejected +
filtered. Keys, indexes and foreign keys are built after the data. Tables with
strategy merge or append, and tables merged from several sources, are loaded
again on every run and written only where rows are new or changed; the summary
counts inserted, updated, unchanged and deleted rows. Then each
table is verified against its source (see "sluice verify"; --verify chooses the
levels), and every operation is recorded in the audit trail (sluice.audit),
whose head the run signs (--signing-key) and appends to an anchor file
(--audit-anchor); a trail that no longer holds the anchor's last head is not
extended (exit code 5).

Progress goes to standard error (live bars on a terminal, a log line every few
seconds otherwise); the summary goes to standard output.`,
		Example: `  sluice migrate
  sluice migrate --config prod.yaml --workers 8
  sluice migrate --max-rejects 100     # accept up to 100 rejected rows
  sluice migrate --signing-key audit.key --audit-anchor /audit/heads.log`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runMigrate(cmd.Context(), g, f, g.config)
		},
	}
	cmd.Flags().IntVarP(&f.workers, "workers", "w", 0, "tables loaded in parallel (default: the config's workers)")
	cmd.Flags().Int64Var(&f.maxRejects, "max-rejects", 0, "rejected rows allowed before the run fails with exit code 4")
	cmd.Flags().StringVar(&f.progress, "progress", "auto", "progress display: auto, bars, log or none")
	cmd.Flags().StringVar(&f.verify, "verify", "all", "verification after each table: all (levels 1-6), quick (1-5, no value comparison), none, or a list such as 1,2,6")
	f.seal.register(cmd)
	cmd.Flags().StringVar(&f.metrics, "metrics-addr", "", "serve Prometheus metrics at http://ADDR/metrics during the run (a port alone binds to 127.0.0.1; off by default)")
	cmd.Flags().StringVar(&f.cpuProfile, "cpuprofile", "", "write a CPU profile to this file (for performance work)")
	_ = cmd.Flags().MarkHidden("cpuprofile")
	return cmd
}

func runMigrate(ctx context.Context, g *globals, f *migrateFlags, path string) error {
	if f.cpuProfile != "" {
		stop, err := startProfile(f.cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	levels, err := verifyLevels(f.verify)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(ctx, path)
	if err != nil {
		return err
	}
	key, anchor, err := f.seal.resolve(cfg)
	if err != nil {
		return err
	}
	p, err := engines.Prepare(ctx, cfg)
	if err != nil {
		return err
	}
	defer p.Sources.Close()
	tgts, closeTargets, err := openTargets(ctx, p.Config)
	defer closeTargets()
	if err != nil {
		return err
	}
	stopMetrics, err := serveMetrics(g.stderr, f.metrics, p.Config, tgts)
	if err != nil {
		return err
	}
	defer stopMetrics()
	workers := p.Config.Defaults.Workers
	if f.workers > 0 {
		workers = f.workers
	}
	display, err := newDisplay(g.stderr, f.progress)
	if err != nil {
		return err
	}
	display.Start()
	sum, err := migrate.RunAll(ctx, p.Plan, p.Sources, tgts, migrate.Options{
		Workers: workers, MaxRejects: f.maxRejects, Observer: display,
		Command: "migrate", Version: sluiceVersion(), ConfigHash: p.Config.Hash, SigningKey: key, Anchor: anchor, Verify: levels,
	})
	display.Stop()
	if sum != nil {
		printSummary(g.stdout, sum)
	}
	return err
}

// verifyLevels reads --verify.
func verifyLevels(v string) ([]int, error) {
	switch v {
	case "all", "":
		return []int{1, 2, 3, 4, 5, 6}, nil
	case "quick":
		return []int{1, 2, 3, 4, 5}, nil
	case "none":
		return nil, nil
	}
	levels, err := parseLevels(strings.Split(v, ","))
	if err != nil {
		return nil, usageError{fmt.Errorf("--verify %q: use all, quick, none or levels such as 1,2,6", v)}
	}
	return levels, nil
}

// startProfile writes a CPU profile of the run, for `go tool pprof`.
func startProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create the CPU profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("start the CPU profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// newDisplay picks the progress display: bars on a terminal, log lines in a
// pipe or CI.
func newDisplay(w io.Writer, mode string) (*progress.Display, error) {
	live := false
	switch mode {
	case "auto":
		fd, ok := w.(interface{ Fd() uintptr })
		live = ok && term.IsTerminal(int(fd.Fd())) && os.Getenv("CI") != "true"
	case "bars":
		live = true
	case "log":
	case "none":
		w = io.Discard
	default:
		return nil, usageError{fmt.Errorf("--progress %q: use auto, bars, log or none", mode)}
	}
	return progress.New(w, live, 5*time.Second), nil
}
