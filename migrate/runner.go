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
}

func (r *runner) run(ctx context.Context) (*Summary, error) {
	sum := &Summary{}
	if err := r.auditStart(ctx); err != nil {
		return sum, err
	}
	jobs, err := r.prepare(ctx)
	if err != nil {
		return sum, err
	}
	results, loadErr := r.loadAll(ctx, jobs)
	sum.Tables = results
	for _, t := range results {
		sum.Rejected += t.Rejected
	}
	if loadErr == nil && anyLoaded(jobs) {
		loadErr = r.foreignKeys(ctx)
		if loadErr == nil {
			loadErr = r.verifyForeignKeys(ctx)
		}
	}
	if loadErr == nil {
		loadErr = r.markDone(ctx, jobs)
	}
	sum.Rejects, _ = r.tgt.Rejects(context.WithoutCancel(ctx), r.runID, 20)
	if loadErr != nil {
		return sum, loadErr
	}
	if sum.Rejected > r.opt.MaxRejects {
		return sum, &sluice.RejectedError{Rejected: sum.Rejected, Allowed: r.opt.MaxRejects}
	}
	return sum, nil
}

// loadAll loads the tables, Workers at a time. A table whose counts do not
// reconcile does not stop the others: every such table is reported. Any
// other error stops the run.
func (r *runner) loadAll(ctx context.Context, jobs []*job) ([]TableResult, error) {
	results := make([]TableResult, len(jobs))
	var mu sync.Mutex
	var invalid []error
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(r.opt.Workers)
	for i, j := range jobs {
		g.Go(func() error {
			start := time.Now()
			res, err := r.loadAfter(gctx, j)
			if !res.Skipped {
				res.Elapsed = time.Since(start) // load, reconcile, indexes and verification
			}
			results[i] = res
			r.opt.Observer.TableFinished(j.table.ID, res, err)
			var val *sluice.ValidationError
			if errors.As(err, &val) {
				mu.Lock()
				invalid = append(invalid, err)
				mu.Unlock()
				return nil
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return results, err
	}
	return results, errors.Join(invalid...)
}

// loadAfter loads j once the jobs it waits for have ended.
func (r *runner) loadAfter(ctx context.Context, j *job) (res TableResult, err error) {
	defer func() { j.finish(err) }()
	if err := j.waitAfter(ctx); err != nil {
		return TableResult{ID: j.table.ID, Target: j.table.Name}, err
	}
	return r.loadTable(ctx, j)
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
// the load of a whole table.
func (r *runner) foreignKeys(ctx context.Context) error {
	schema := r.plan.Schema
	add := plan.AddForeignKeys(schema, r.plan)
	if len(add) == 0 {
		return nil
	}
	r.opt.Observer.Phase(fmt.Sprintf("adding %d foreign keys", len(add)))
	if err := r.tgt.Exec(ctx, add...); err != nil {
		return fmt.Errorf("add foreign keys: %w", err)
	}
	var invalid []error
	for _, stmt := range plan.ValidateForeignKeys(schema, r.plan) {
		if err := r.tgt.Exec(ctx, stmt); err != nil {
			if ctx.Err() != nil {
				return err
			}
			invalid = append(invalid, &sluice.ValidationError{Table: "foreign key", Detail: err.Error()})
		}
	}
	return errors.Join(invalid...)
}

func (r *runner) markDone(ctx context.Context, jobs []*job) error {
	for _, j := range jobs {
		if j.skip {
			continue
		}
		if err := r.tgt.SetTableState(ctx, j.table.ID, j.generation, target.StateDone, ""); err != nil {
			return fmt.Errorf("mark %s done: %w", j.table.ID, err)
		}
	}
	return nil
}
