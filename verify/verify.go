package verify

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/retry"
	"github.com/sluicedb/sluice/target"
)

// All verifies every table of p, Options.Workers tables at a time, reading
// each from srcs by its source name. It returns the report also when it
// fails, with the tables verified so far. Findings are not errors: an error
// means a check could not run (a database unreachable, a query failing).
func All(ctx context.Context, p *plan.Plan, srcs map[string]sluice.Source, tgt *target.Target, o Options) (*Report, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	r := &Report{Started: time.Now(), Tables: make([]TableReport, len(p.Tables))}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(o.Workers)
	for i, t := range p.Tables {
		src, ok := srcs[t.Source]
		if !ok {
			return r, fmt.Errorf("verify %s: source %q is not open", t.ID, t.Source)
		}
		g.Go(func() (err error) {
			r.Tables[i], err = Table(gctx, p, t, src, tgt, o)
			return err
		})
	}
	err = g.Wait()
	r.Finished = time.Now()
	for _, tr := range r.Tables {
		r.Findings += tr.FindingCount()
	}
	return r, err
}

// Table verifies one planned table of p: its source src, its target table in
// the database tgt, whose tables verify reads itself and whose state schema
// it reads through tgt's read models. The levels run in order; 5 and 6 share
// one pass over the rows.
//
// Verification only reads, so a transient error (a connection to the source
// or the target lost) verifies the table again from the start, under
// Options.Retry; OnChunk hears the chunks of the try that completed only.
func Table(ctx context.Context, p *plan.Plan, t *plan.Table, src sluice.Source, tgt *target.Target, o Options) (TableReport, error) {
	o, err := o.withDefaults()
	if err != nil {
		return TableReport{ID: t.ID, Target: t.Name, Levels: map[int]LevelResult{}}, err
	}
	var rep TableReport
	var heard digestBuffer
	try := o
	if o.OnChunk != nil {
		try.OnChunk = heard.add
	}
	var notify retry.Notify
	if o.OnRetry != nil {
		notify = func(attempt int, wait time.Duration, err error) { o.OnRetry(t.ID, attempt, wait, err) }
	}
	err = retry.Do(ctx, o.Retry, "", notify, func() error {
		heard.reset()
		rep, err = tableOnce(ctx, p, t, src, tgt, try)
		return err
	})
	if o.OnChunk != nil && err == nil {
		heard.replay(o.OnChunk)
	}
	return rep, nameUnreachable(err, t, src, tgt)
}

func tableOnce(ctx context.Context, p *plan.Plan, t *plan.Table, src sluice.Source, tgt *target.Target, o Options) (TableReport, error) {
	start := time.Now()
	rep := TableReport{ID: t.ID, Target: t.Name, Levels: map[int]LevelResult{}}
	v, err := newTableCheck(ctx, p, t, src, tgt, o)
	if err != nil {
		return rep, err
	}
	err = v.run(ctx, rep.Levels)
	rep.Findings, rep.Elapsed, rep.Counts, rep.Kept = v.found.findings(), time.Since(start), v.tally, v.kept
	return rep, err
}

// tableCheck is the verification of one table, shared by its levels.
type tableCheck struct {
	p     *plan.Plan
	t     *plan.Table
	src   sluice.Source
	db    *pgxpool.Pool  // the target's tables
	state *target.Target // the target's state schema; nil for the references between databases
	o     Options
	cat   *catalog
	load  loadState
	found *collector
	tally *Counts // what level 1 counted, when it ran
	kept  int64   // what level 1 found kept whose source row is gone
	// refsByKeys counts the foreign keys level 3 checked for the rows of
	// Options.Keys only.
	refsByKeys int
}

func newTableCheck(ctx context.Context, p *plan.Plan, t *plan.Table, src sluice.Source, tgt *target.Target, o Options) (*tableCheck, error) {
	v := &tableCheck{p: p, t: t, src: src, db: tgt.Pool(), state: tgt, o: o, found: newCollector(t.ID, o)}
	var err error
	if v.cat, err = readCatalog(ctx, v.db, schemaOf(p, t), t.Name); err != nil {
		return nil, fmt.Errorf("verify %s: %w", t.ID, err)
	}
	if v.load, err = readLoadState(ctx, tgt, t.ID); err != nil {
		return nil, fmt.Errorf("verify %s: %w", t.ID, err)
	}
	return v, nil
}

// levelFunc runs one level. A result without a status is ok or failed by
// the findings the level added.
type levelFunc func(ctx context.Context) (LevelResult, error)

func (v *tableCheck) run(ctx context.Context, out map[int]LevelResult) error {
	funcs := map[int]levelFunc{LevelCounts: v.counts, LevelKeys: v.primaryKey, LevelOrphans: v.orphans, LevelTypes: v.types}
	for _, l := range []int{LevelCounts, LevelKeys, LevelOrphans, LevelTypes} {
		if !v.o.wants(l) {
			continue
		}
		if err := v.runLevel(ctx, l, funcs[l], out); err != nil {
			return err
		}
	}
	if !v.o.wants(LevelLegacy) && !v.o.wants(LevelContent) {
		return nil
	}
	return v.rows(ctx, out)
}

func (v *tableCheck) runLevel(ctx context.Context, level int, f levelFunc, out map[int]LevelResult) error {
	start := time.Now()
	var res LevelResult
	var err error
	if level != LevelTypes && !v.cat.exists {
		res = LevelResult{Status: StatusSkipped, Detail: fmt.Sprintf("target table %s does not exist", v.cat.name)}
	} else if res, err = f(ctx); err != nil {
		return fmt.Errorf("verify %s level %d (%s): %w", v.t.ID, level, LevelName(level), err)
	}
	res.Elapsed = time.Since(start)
	out[level] = v.settle(level, res)
	return nil
}

// settle fills a result's finding count and, when the level did not set
// one, its status.
func (v *tableCheck) settle(level int, res LevelResult) LevelResult {
	res.Findings = v.found.count(level)
	switch {
	case res.Findings > 0:
		res.Status = StatusFailed
	case res.Status == "":
		res.Status = StatusOK
	}
	return res
}

// add records a finding of this table.
func (v *tableCheck) add(f Finding) { v.found.add(f) }
