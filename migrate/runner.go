package migrate

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
)

// runner is one run of a migration.
type runner struct {
	plan  *plan.Plan
	srcs  map[string]sluice.Source
	tgt   *target.Target
	opt   Options
	runID int64
	// session is the run's lifecycle: it ends the run, signing and
	// anchoring its audit head.
	session *target.Session
	// failed gathers the indexes and views the target refused (objects.go).
	failed objectFailures
}

func (r *runner) run(ctx context.Context) (*Summary, error) {
	sum := &Summary{stopped: true}
	jobs, err := r.prepare(ctx)
	if err != nil {
		return sum, err
	}
	r.opt.stepper().Planned(planned(jobs))
	results, failed, loadErr := r.loadAll(ctx, jobs)
	sum.Tables = results
	for _, t := range results {
		sum.Rejected += t.Rejected
	}
	if loadErr == nil && anyLoaded(jobs) {
		sum.ForeignKeys, loadErr = r.foreignKeys(ctx, holdsOf(jobs))
		if loadErr == nil {
			loadErr = r.verifyForeignKeys(ctx, holdsOf(jobs))
		}
	}
	if loadErr == nil {
		loadErr = r.markDone(ctx, jobs)
	}
	if loadErr == nil {
		loadErr = r.createViews(ctx)
	}
	sum.Rejects, _ = r.tgt.Rejects(context.WithoutCancel(ctx), r.runID, 20)
	sum.Failures = r.failed.all()
	sum.stopped = loadErr != nil && !isValidation(loadErr)
	if sum.Rejected > r.opt.MaxRejects {
		failed = errors.Join(failed, &sluice.RejectedError{Rejected: sum.Rejected, Allowed: r.opt.MaxRejects})
	}
	failed = errors.Join(failed, r.incomplete())
	if loadErr != nil {
		return sum, errors.Join(loadErr, failed)
	}
	return sum, failed
}

// planned lists the tables the run loads, for a display's total.
func planned(jobs []*job) []PlannedTable {
	var out []PlannedTable
	for _, j := range jobs {
		if !j.skip {
			out = append(out, PlannedTable{ID: j.table.ID, Target: j.table.Name, Estimate: j.table.Rows})
		}
	}
	return out
}

func isValidation(err error) bool {
	var val *sluice.ValidationError
	return errors.As(err, &val)
}

// loadAll loads the tables, Workers at a time. A table that fails for a
// reason of its own (see tableLocal) is marked failed and does not stop the
// others; its error is in failed. Any other error stops every table and is
// returned as stop.
func (r *runner) loadAll(ctx context.Context, jobs []*job) (results []TableResult, failed, stop error) {
	results = make([]TableResult, len(jobs))
	var mu sync.Mutex
	var errs []error
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(r.opt.Workers)
	for i, j := range jobs {
		g.Go(func() error {
			res, err := r.loadAfter(gctx, j)
			res = r.countThisRun(gctx, j, res, err)
			if r.tableLocal(gctx, err) {
				res, err = r.isolate(gctx, j, res, err)
				r.opt.Observer.TableFinished(j.table.ID, res, errors.Join(err, notStarted(res)))
				results[i] = res
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
				return nil
			}
			results[i] = res
			r.opt.Observer.TableFinished(j.table.ID, res, err)
			return err
		})
	}
	stop = g.Wait()
	return results, errors.Join(errs...), stop
}

// notStarted is the reason a table never started, as an error for the
// observer; nil when it started.
func notStarted(res TableResult) error {
	if res.NotStarted == "" {
		return nil
	}
	return errors.New("not started: " + res.NotStarted)
}

// loadAfter loads j once the jobs it waits for have ended. The table's
// time starts after the wait: it is its own load, reconciliation, indexes
// and verification, not the time other tables took.
func (r *runner) loadAfter(ctx context.Context, j *job) (res TableResult, err error) {
	defer func() { j.finish(err) }()
	if j.unready != nil {
		return TableResult{ID: j.table.ID, Target: j.table.Name}, j.unready
	}
	if err := j.waitAfter(ctx); err != nil {
		return TableResult{ID: j.table.ID, Target: j.table.Name}, err
	}
	start := time.Now()
	res, err = r.loadTable(ctx, j)
	if !res.Skipped {
		res.Elapsed = time.Since(start)
	}
	return res, err
}

// countThisRun adds to res what this run's chunks of the table hold, from
// the ledger; and for a table that stopped before it was reconciled, the
// generation's counts so far, so that an interrupted run reports the chunks
// it committed rather than nothing. It reads after a cancellation too.
func (r *runner) countThisRun(ctx context.Context, j *job, res TableResult, err error) TableResult {
	if res.Skipped || j.generation == 0 {
		return res
	}
	res.Stopped = err != nil && (ctx.Err() != nil || errors.Is(err, context.Canceled))
	read := context.WithoutCancel(ctx)
	if tot, terr := r.tgt.RunTotals(read, j.table.ID, j.generation, r.runID); terr == nil {
		res.ThisRun = tot
	}
	if err != nil && res.Chunks == 0 && res.NotStarted == "" {
		if tot, terr := r.tgt.Totals(read, j.table.ID, j.generation); terr == nil {
			res = withTotals(res, tot)
		}
	}
	return res
}

func anyLoaded(jobs []*job) bool {
	for _, j := range jobs {
		if !j.skip {
			return true
		}
	}
	return false
}

// foreignKeys adds the plan's foreign keys NOT VALID (instant) and then
// validates each, so an orphan is reported by constraint rather than failing
// the load of a whole table. The foreign keys of a table that failed (or
// did not start), and those that reference one, are added NOT VALID where
// the target allows and never validated: they are returned as notes.
func (r *runner) foreignKeys(ctx context.Context, failed holds) ([]ForeignKeyNote, error) {
	schema := r.plan.Schema
	good, held := splitForeignKeys(r.plan, failed)
	add := plan.AddForeignKeys(schema, good)
	if len(add) > 0 {
		r.opt.Observer.Phase(fmt.Sprintf("adding %d foreign keys", len(add)))
	}
	if err := r.tgt.Exec(ctx, add...); err != nil {
		return nil, fmt.Errorf("add foreign keys: %w", err)
	}
	notes, err := r.addHeld(ctx, held)
	if err != nil {
		return notes, err
	}
	var invalid []error
	validate := plan.ValidateForeignKeys(schema, good)
	for i, stmt := range validate {
		r.opt.stepper().RunStep(StepForeignKeys, i, len(validate))
		if err := r.tgt.Exec(ctx, stmt); err != nil {
			if ctx.Err() != nil || unreachable(err) {
				return notes, err
			}
			invalid = append(invalid, &sluice.ValidationError{Table: "foreign key", Detail: err.Error()})
		}
	}
	return notes, errors.Join(invalid...)
}

// heldKey is a foreign key that touches a table which did not load.
type heldKey struct {
	note ForeignKeyNote
	add  []string // the statement that adds it NOT VALID
}

// addHeld adds each held foreign key NOT VALID where the target accepts it
// (a referenced table without its primary key does not).
func (r *runner) addHeld(ctx context.Context, held []heldKey) ([]ForeignKeyNote, error) {
	notes := make([]ForeignKeyNote, 0, len(held))
	for _, h := range held {
		n := h.note
		if err := r.tgt.Exec(ctx, h.add...); err != nil {
			if ctx.Err() != nil || lostConnection(err) || unreachable(err) {
				return notes, err
			}
			n.Refused = refusal(err)
		} else {
			n.Added = true
		}
		notes = append(notes, n)
	}
	return notes, nil
}

// splitForeignKeys returns p with only the foreign keys between tables that
// loaded with their keys, and the others, each with its note.
func splitForeignKeys(p *plan.Plan, h holds) (*plan.Plan, []heldKey) {
	good := *p
	good.Tables = nil
	var held []heldKey
	seen := map[string]bool{}
	for _, t := range p.Tables {
		g := *t
		g.ForeignKeys = nil
		for _, fk := range t.ForeignKeys {
			why := h.why(t, fk)
			if why == "" {
				g.ForeignKeys = append(g.ForeignKeys, fk)
				continue
			}
			if key := t.Name + "." + fk.Name; fk.RefDatabase == "" && !seen[key] {
				seen[key] = true
				one := *t
				one.ForeignKeys = []plan.ForeignKey{fk}
				add := plan.AddForeignKeys(p.Schema, &plan.Plan{Schema: p.Schema, Tables: []*plan.Table{&one}})
				note := ForeignKeyNote{Table: t.Name, Name: fk.Name, RefTable: fk.RefTable, Why: why}
				held = append(held, heldKey{note: note, add: add})
			}
		}
		good.Tables = append(good.Tables, &g)
	}
	return &good, held
}

// withoutTables returns p without the named target tables.
func withoutTables(p *plan.Plan, names map[string]bool) *plan.Plan {
	out := *p
	out.Tables = nil
	for _, t := range p.Tables {
		if !names[t.Name] {
			out.Tables = append(out.Tables, t)
		}
	}
	return &out
}

func (r *runner) markDone(ctx context.Context, jobs []*job) error {
	for _, j := range jobs {
		if j.skip || j.err != nil {
			continue
		}
		if err := r.tgt.SetTableState(ctx, j.table.ID, j.generation, target.StateDone, j.keyless); err != nil {
			return fmt.Errorf("mark %s done: %w", j.table.ID, err)
		}
	}
	return nil
}
