package migrate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
)

// objectFailures gathers the indexes and views of this run that could not
// be created.
type objectFailures struct {
	mu   sync.Mutex
	list []target.ObjectFailure
}

func (o *objectFailures) add(f target.ObjectFailure) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.list = append(o.list, f)
}

func (o *objectFailures) all() []target.ObjectFailure {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]target.ObjectFailure(nil), o.list...)
}

// incomplete is the error of a run whose objects did not all get created.
func (r *runner) incomplete() error {
	fs := r.failed.all()
	if len(fs) == 0 {
		return nil
	}
	e := &sluice.IncompleteError{}
	for _, f := range fs {
		what := f.Kind + " " + f.Name
		if f.TableID != "" {
			what += " of " + f.TableID
		}
		e.Failures = append(e.Failures, what+": "+f.Reason)
	}
	return e
}

// prepareObjects makes the target ready for the plan's objects before any
// table is touched: PostGIS when spatial columns load into it, and no view
// of the plan left over from an earlier run (a table a view reads cannot
// be dropped and recreated under it; the views are created again after
// the load).
func (r *runner) prepareObjects(ctx context.Context) error {
	if usesPostGIS(r.plan) {
		if err := r.tgt.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS postgis;"); err != nil {
			return fmt.Errorf("the plan loads spatial columns as PostGIS geometry, but the target cannot have the postgis extension: "+
				"install PostGIS on the target server, or set defaults.spatial: wkt: %w", err)
		}
	}
	for _, v := range r.plan.Views {
		if err := r.tgt.Exec(ctx, plan.DropView(v)); err != nil {
			return fmt.Errorf("drop view %s before the load: %w", v.Target, err)
		}
	}
	return r.tgt.ForgetObjectFailures(ctx, r.plan.Schema, plannedObjects(r.plan))
}

// plannedObjects names every index and view of the plan as "kind name".
func plannedObjects(p *plan.Plan) []string {
	var out []string
	for _, t := range p.Tables {
		for _, b := range plan.IndexBuilds(p.Schema, t) {
			out = append(out, "index "+b.Name)
		}
	}
	for _, v := range p.Views {
		out = append(out, "view "+v.Target)
	}
	return out
}

func usesPostGIS(p *plan.Plan) bool {
	for _, t := range p.Tables {
		for _, c := range t.Columns {
			typ := strings.ToLower(c.Type)
			if strings.HasPrefix(typ, "geometry") || strings.HasPrefix(typ, "geography") {
				return true
			}
		}
	}
	return false
}

// buildIndexes builds the table's indexes at the same time, each on its
// own connection. A plain index the target refuses (a value too long for a
// B-tree entry, an expression it rejects) fails alone: it is recorded with
// the reason and the run goes on. A primary key or unique index that
// cannot be built means the rows break the source's rule: the table fails
// validation. Any other error (a lost connection) stops the run.
func (r *runner) buildIndexes(ctx context.Context, j *job, builds []plan.IndexBuild) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(r.opt.Workers)
	for _, b := range builds {
		g.Go(func() error { return r.buildIndex(gctx, j, b) })
	}
	return g.Wait()
}

func (r *runner) buildIndex(ctx context.Context, j *job, b plan.IndexBuild) error {
	schema := r.plan.Schema
	err := r.tgt.Exec(ctx, b.SQL)
	switch {
	case err == nil:
		return r.tgt.ClearObjectFailure(ctx, schema, "index", b.Name)
	case !target.ObjectError(err) || ctx.Err() != nil:
		return err
	case !b.Plain:
		return &sluice.ValidationError{Table: j.table.ID, Detail: fmt.Sprintf("index %s cannot be built: %v", b.Name, cause(err))}
	}
	f := target.ObjectFailure{Schema: schema, Kind: "index", Name: b.Name, TableID: j.table.ID, Statement: b.SQL, Reason: cause(err).Error(), RunID: r.runID}
	r.failed.add(f)
	r.opt.Observer.Phase(fmt.Sprintf("index %s of %s could not be built: %s", b.Name, j.table.ID, f.Reason))
	return r.tgt.RecordObjectFailure(context.WithoutCancel(ctx), f)
}

// cause is the server's own message, without the statement Exec quotes.
func cause(err error) error {
	for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(u) {
		err = u
	}
	return err
}

// plainBuilds are the index builds that enforce nothing.
func plainBuilds(builds []plan.IndexBuild) []plan.IndexBuild {
	var out []plan.IndexBuild
	for _, b := range builds {
		if b.Plain {
			out = append(out, b)
		}
	}
	return out
}

// retryIndexes builds, on a table an earlier run finished, the plain
// indexes it lacks: those that failed then, and those the config added
// since (IF NOT EXISTS skips the others at once).
func (r *runner) retryIndexes(ctx context.Context, j *job) error {
	return r.buildIndexes(ctx, j, plainBuilds(plan.IndexBuilds(r.plan.Schema, j.table)))
}

// createViews creates the plan's views once every table is loaded, each
// alone: a view the target refuses is recorded with the reason, and the
// others are still created.
func (r *runner) createViews(ctx context.Context) error {
	for _, v := range r.plan.Views {
		stmt := plan.CreateView(v)
		err := r.tgt.Exec(ctx, stmt)
		switch {
		case err == nil:
			if err := r.tgt.ClearObjectFailure(ctx, v.Schema, "view", v.Target); err != nil {
				return err
			}
			continue
		case !target.ObjectError(err) || ctx.Err() != nil:
			return fmt.Errorf("create view %s: %w", v.Target, err)
		}
		f := target.ObjectFailure{Schema: v.Schema, Kind: "view", Name: v.Target, Statement: stmt, Reason: cause(err).Error(), RunID: r.runID}
		r.failed.add(f)
		if err := r.tgt.RecordObjectFailure(context.WithoutCancel(ctx), f); err != nil {
			return err
		}
	}
	return nil
}
