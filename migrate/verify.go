package migrate

import (
	"context"
	"fmt"
	"slices"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/target"
	"github.com/sluicedb/sluice/verify"
)

// verifyTable checks a table as soon as it is loaded, at the levels asked
// for except the foreign keys (3), which need every table loaded and are
// checked at the end of the run. Findings fail the table, so that its next
// run loads it again.
func (r *runner) verifyTable(ctx context.Context, j *job) error {
	levels := slices.DeleteFunc(slices.Clone(r.opt.Verify), func(l int) bool { return l == verify.LevelOrphans })
	if len(levels) == 0 {
		return nil
	}
	t := j.table
	tr, err := verify.Table(ctx, r.plan, t, r.srcs[t.Source], r.tgt.Pool(), verify.Options{Levels: levels})
	if err != nil {
		return fmt.Errorf("verify %s: %w", t.ID, err)
	}
	report := &verify.Report{Tables: []verify.TableReport{tr}, Findings: tr.FindingCount()}
	if err := verify.Record(ctx, r.tgt, r.runID, report); err != nil {
		return err
	}
	if report.Findings == 0 {
		r.opt.Observer.Phase(fmt.Sprintf("verified %s at levels %v: no finding", t.ID, levels))
		return nil
	}
	err = &sluice.ValidationError{Table: t.ID, Detail: findingsDetail(report)}
	_ = r.tgt.SetTableState(context.WithoutCancel(ctx), t.ID, j.generation, target.StateFailed, err.Error())
	return err
}

// verifyForeignKeys looks for orphans once every table is loaded.
func (r *runner) verifyForeignKeys(ctx context.Context) error {
	if !slices.Contains(r.opt.Verify, verify.LevelOrphans) {
		return nil
	}
	report, err := verify.All(ctx, r.plan, r.srcs, r.tgt.Pool(), verify.Options{Levels: []int{verify.LevelOrphans}})
	if err != nil {
		return fmt.Errorf("verify foreign keys: %w", err)
	}
	if err := verify.Record(ctx, r.tgt, r.runID, report); err != nil {
		return err
	}
	if report.Findings > 0 {
		return &sluice.ValidationError{Table: "foreign keys", Detail: findingsDetail(report)}
	}
	return nil
}

// findingsDetail names the first finding; `sluice verify` lists them all.
func findingsDetail(r *verify.Report) string {
	for _, t := range r.Tables {
		for _, f := range t.Findings {
			return fmt.Sprintf("verification found %d problem(s), the first at level %d: %s %s %s (source %s, target %s) %s; run `sluice verify --table %s` for all",
				r.Findings, f.Level, f.Check, f.LegacyKey, f.Column, f.SourceValue, f.TargetValue, f.Detail, t.ID)
		}
	}
	return fmt.Sprintf("verification found %d problem(s)", r.Findings)
}
