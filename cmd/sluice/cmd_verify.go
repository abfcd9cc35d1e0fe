package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/audit"
	"github.com/sluicedb/sluice/engines"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
	"github.com/sluicedb/sluice/verify"
)

type verifyFlags struct {
	levels []string
	tables []string
	json   bool
	junit  string
	seal   sealFlags
}

func newVerify(g *globals) *cobra.Command {
	f := &verifyFlags{}
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Prove the target matches the sources, at six levels",
		Long: `Verify checks every migrated table against its source, read-only on both sides:
  1 counts: source rows = loaded + rejected + filtered
  2 primary keys: no NULL and no duplicate in the target
  3 foreign keys: no orphan, whether or not the constraint exists
  4 types: every target column has its planned type and nullability
  5 legacy keys: every source key is in the target exactly once, with the UUID
    the key function gives
  6 content: every value of every row, the source row transformed by the
    mapping against the target row, compared chunk by chunk
Each finding names the table, the key (legacy and new), the column and both
values. Results are stored in sluice.verify_results and the audit trail.
Exit code 5 when anything is found. migrate runs the same checks after each table.`,
		Example: `  sluice verify
  sluice verify --level 1,2,3 --table clinical.Patients
  sluice verify --json > verify.json
  sluice verify --junit verify.xml    # for CI
  sluice verify --signing-key audit.key --audit-anchor /audit/heads.log`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runVerify(cmd.Context(), g, f)
		},
	}
	cmd.Flags().StringSliceVar(&f.levels, "level", nil, "levels to check, e.g. 1,2,5 (default: all six)")
	cmd.Flags().StringSliceVar(&f.tables, "table", nil, "source tables to check, as source.Table (default: all)")
	cmd.Flags().BoolVar(&f.json, "json", false, "write the report as JSON")
	cmd.Flags().StringVar(&f.junit, "junit", "", "also write the report as JUnit XML to this file")
	f.seal.register(cmd)
	return cmd
}

func runVerify(ctx context.Context, g *globals, f *verifyFlags) error {
	levels, err := parseLevels(f.levels)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(ctx, g.config)
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
	pl, err := onlyTables(p.Plan, f.tables)
	if err != nil {
		return err
	}
	tgts, closeTargets, err := openTargets(ctx, p.Config)
	defer closeTargets()
	if err != nil {
		return err
	}
	if err := refuseDuringSync(ctx, tgts); err != nil {
		return err
	}
	run := verifySession{configHash: p.Config.Hash, levels: levels, key: key, anchor: anchor}
	report, err := verifyDatabases(ctx, tgts, pl, p.Sources, run)
	if err != nil {
		return err
	}
	if err := writeReport(g, f, report); err != nil {
		return err
	}
	if !report.OK() {
		return &sluice.ValidationError{Table: "the target", Detail: fmt.Sprintf("verification found %d problem(s), listed above", report.Findings)}
	}
	return nil
}

// verifyDatabases verifies each target database's tables as a run of its
// own there, then (level 3) the references between the databases.
func verifyDatabases(ctx context.Context, tgts migrate.Targets, p *plan.Plan, srcs engines.Sources, run verifySession) (*verify.Report, error) {
	levels := run.levels
	if len(p.Databases) <= 1 {
		for _, tgt := range tgts { // the only one
			return verifyRun(ctx, tgt, p, srcs, run)
		}
		return nil, errors.New("no target database")
	}
	all := &verify.Report{Started: time.Now()}
	for _, db := range p.Databases {
		sub := p.ForDatabase(db.Name)
		if len(sub.Tables) == 0 {
			continue
		}
		r, err := verifyRun(ctx, tgts[db.Name], sub, srcs, run)
		if err != nil {
			return nil, fmt.Errorf("target database %s: %w", db.Name, err)
		}
		all.Merge(r)
	}
	if len(levels) == 0 || slices.Contains(levels, verify.LevelOrphans) { // no --level: every level
		pools := map[string]*pgxpool.Pool{}
		for name, t := range tgts {
			pools[name] = t.Pool()
		}
		r, err := verify.CrossReferences(ctx, p, pools, verify.Options{Levels: []int{verify.LevelOrphans}})
		if err != nil {
			return nil, fmt.Errorf("check the references between target databases: %w", err)
		}
		all.Merge(r)
	}
	all.Finished = time.Now()
	return all, nil
}

// verifySession is what each database's verification run records.
type verifySession struct {
	configHash string
	levels     []int
	key        ed25519.PrivateKey // signs the run's audit head; nil: unsigned
	anchor     audit.Witness      // nil: no anchor
}

// verifyRun verifies as a run of its own: recorded in sluice.runs, its
// results in sluice.verify_results and the audit trail, whose head it signs
// and anchors as migrate does.
func verifyRun(ctx context.Context, tgt *target.Target, p *plan.Plan, srcs engines.Sources, s verifySession) (*verify.Report, error) {
	session, err := tgt.BeginSession(ctx, target.RunSpec{
		Command: "verify", ConfigHash: s.configHash, Version: sluiceVersion(),
		Details:    map[string]any{"command": "verify", "config_hash": s.configHash, "levels": s.levels},
		SigningKey: s.key, Anchor: s.anchor,
	})
	if err != nil {
		return nil, err
	}
	opts, err := verifyOptions(ctx, tgt, s.levels)
	var report *verify.Report
	if err == nil {
		report, err = verify.All(ctx, p, srcs, tgt, opts)
	}
	if err == nil {
		err = verify.Record(context.WithoutCancel(ctx), tgt, session.ID(), report)
	}
	status, msg := target.RunOK, ""
	switch {
	case err != nil:
		status, msg = target.RunFailed, err.Error()
	case !report.OK():
		status, msg = target.RunInvalid, fmt.Sprintf("%d findings", report.Findings)
	}
	if _, eerr := session.End(ctx, status, msg, nil); eerr != nil && err == nil {
		err = eerr
	}
	return report, err
}

// verifyOptions verifies at levels; once a cutover switched, the target
// may hold rows the application inserted with UUIDs of their own, which
// are paired with their source rows by the legacy keys written back.
func verifyOptions(ctx context.Context, tgt *target.Target, levels []int) (verify.Options, error) {
	own, err := tgt.EverSwitched(ctx)
	return verify.Options{Levels: levels, OwnUUIDs: own}, err
}

func writeReport(g *globals, f *verifyFlags, r *verify.Report) error {
	if f.junit != "" {
		out, err := os.Create(f.junit)
		if err != nil {
			return usageError{fmt.Errorf("--junit: %w", err)}
		}
		if err := r.WriteJUnit(out); err != nil {
			out.Close()
			return err
		}
		if err := out.Close(); err != nil {
			return err
		}
	}
	if f.json {
		return r.WriteJSON(g.stdout)
	}
	return r.WriteText(g.stdout)
}

func parseLevels(in []string) ([]int, error) {
	var levels []int
	for _, s := range in {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 6 {
			return nil, usageError{fmt.Errorf("--level %q: use levels 1 to 6", s)}
		}
		levels = append(levels, n)
	}
	return levels, nil
}

// onlyTables narrows the plan to the named source tables.
func onlyTables(p *plan.Plan, ids []string) (*plan.Plan, error) {
	if len(ids) == 0 {
		return p, nil
	}
	narrowed := *p
	narrowed.Tables = nil
	for _, t := range p.Tables {
		if slices.Contains(ids, t.ID) {
			narrowed.Tables = append(narrowed.Tables, t)
		}
	}
	if len(narrowed.Tables) != len(ids) {
		return nil, usageError{fmt.Errorf("--table %s: not every name is a planned table (write source.Table)", strings.Join(ids, ","))}
	}
	return &narrowed, nil
}

// refuseDuringSync refuses to compare while a sync applies changes: the
// source and the target are then at different points of the stream, and
// every change in flight would be reported as a difference. Stopped (or
// after sync --catch-up), the target is at a consistent point.
func refuseDuringSync(ctx context.Context, tgts migrate.Targets) error {
	for name, t := range tgts {
		running, err := t.SyncRunning(ctx)
		if err != nil {
			return fmt.Errorf("target database %s: %w", name, err)
		}
		if running {
			return fmt.Errorf("a sync is applying changes to target database %s: verify compares the source and the target at one point, and changes in flight would read as differences; stop the sync (or let sync --catch-up finish) and verify then (with the source's writers paused for an exact comparison)", name)
		}
	}
	return nil
}
