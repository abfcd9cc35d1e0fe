package migrate

import (
	"context"
	"fmt"
	"strings"

	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
)

// job is one table's work in this run.
type job struct {
	table      *plan.Table
	hash       string // the table's mapping (plan.Table.Hash)
	generation int
	state      string // the state the table starts this run in
	skip       bool   // finished by an earlier run with the same mapping
	owned      bool   // Sluice loaded the target table before: it may empty or rebuild it
	creates    bool   // this generation creates the target table (recorded: rollback --drop-target drops it)
	// merge is how the merge way writes the rows (see mode.go); nil copies
	// them directly.
	merge *target.MergeSpec
	// after lists the jobs that must finish before this one loads: the
	// earlier parts of a merged table, and the parts of a matched table
	// whose identities this table's references look up.
	after []*job
	// since is the finished generation, loaded under the same mapping, whose
	// chunks this generation may skip where the source's digest of their
	// rows did not change (see skip.go); 0 for none.
	since int
	// keys is set when bad_keys: reject rejects rows whose key cannot be
	// the primary key; keyless says why bad_keys: load builds none.
	keys    *keyCheck
	keyless string
	unready error         // why the target table could not be made ready; the job fails with it
	done    chan struct{} // closed when the job ends
	err     error         // why it failed; read after done is closed
	// identities are the next values of the table's identity columns, by
	// column, once their sequences moved past the loaded rows.
	identities map[string]int64
}

// prepare decides for each table whether it resumes, starts afresh or is
// already done, and makes the target tables ready. Foreign keys are dropped
// first when anything will load: they are added back after the data, so no
// load order is needed and a truncate never trips over them.
func (r *runner) prepare(ctx context.Context) ([]*job, error) {
	schema := r.plan.Schema
	if err := r.tgt.Exec(ctx, plan.CreateSchema(schema)); err != nil {
		return nil, fmt.Errorf("create schema %s: %w", schema, err)
	}
	if err := r.prepareObjects(ctx); err != nil {
		return nil, err
	}
	jobs := make([]*job, 0, len(r.plan.Tables))
	for _, t := range r.plan.Tables {
		j, err := r.decide(ctx, t)
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, j)
	}
	linkJobs(jobs)
	if !anyLoaded(jobs) {
		return jobs, nil
	}
	if err := r.tgt.Exec(ctx, plan.DropForeignKeys(schema, r.plan)...); err != nil {
		return nil, fmt.Errorf("drop foreign keys before the load: %w", err)
	}
	for _, j := range jobs {
		if err := r.ready(ctx, j); err != nil {
			if !r.tableLocal(ctx, err) {
				return nil, err
			}
			j.unready = err // the table fails; the others load
		}
	}
	return jobs, nil
}

// decide reads the table's state: a table in the middle of a load resumes in
// its generation; a finished one is skipped (create) or reloaded in a new
// generation (truncate); anything else starts a new generation. A table
// whose mapping changed since its generation began is loaded again in a new
// one, so that no table holds rows of two mappings.
func (r *runner) decide(ctx context.Context, t *plan.Table) (*job, error) {
	st, err := r.tgt.TableState(ctx, t.ID)
	if err != nil {
		return nil, fmt.Errorf("read the state of %s: %w", t.ID, err)
	}
	j := &job{table: t, hash: t.Hash(r.plan.Namespace), generation: 1, state: target.StatePending, done: make(chan struct{})}
	if st == nil {
		return j, nil
	}
	j.owned, j.generation = true, st.Generation+1
	same := (st.PlanHash == "" || st.PlanHash == j.hash) && st.TargetSchema == r.plan.Schema
	switch {
	case !same:
		r.opt.Observer.Phase(fmt.Sprintf("the mapping of %s changed since generation %d began: loading it again", t.ID, st.Generation))
	case st.State == target.StateLoading && streams(t):
		r.opt.Observer.Phase(fmt.Sprintf("%s has no key to continue after its last chunk: loading it again from the start", t.ID))
	case st.State == target.StateLoading, st.State == target.StateLoaded, st.State == target.StateIndexed:
		j.generation, j.state = st.Generation, st.State
	case st.State == target.StateDone && t.Strategy == config.StrategyCreate:
		return r.skipOrReload(ctx, j, st)
	case st.State == target.StateDone:
		j.since = st.Generation
	}
	return j, nil
}

// skipOrReload skips a table an earlier run finished, unless its target
// table is gone: then it is loaded again rather than reported as loaded.
func (r *runner) skipOrReload(ctx context.Context, j *job, st *target.TableState) (*job, error) {
	cols, err := r.tgt.Columns(ctx, r.plan.Schema, j.table.Name)
	if err != nil {
		return nil, fmt.Errorf("inspect target table %s: %w", j.table.Name, err)
	}
	if cols == nil {
		r.opt.Observer.Phase(fmt.Sprintf("target table %s.%s of %s is gone: loading it again", r.plan.Schema, j.table.Name, j.table.ID))
		return j, nil
	}
	j.generation, j.state, j.skip = st.Generation, st.State, true
	return j, nil
}

// ready makes the target table exist and be empty for a new generation, or
// checks it is still there for a resumed one.
func (r *runner) ready(ctx context.Context, j *job) error {
	if j.skip {
		return nil
	}
	t, schema := j.table, r.plan.Schema
	cols, err := r.tgt.Columns(ctx, schema, t.Name)
	if err != nil {
		return fmt.Errorf("inspect target table %s: %w", t.Name, err)
	}
	if j.state != target.StatePending {
		if cols == nil {
			return fmt.Errorf("resume %s: target table %s.%s was dropped since the last run; recreate it empty, or drop the table's row in sluice.tables to load it afresh", t.ID, schema, t.Name)
		}
		if err := r.chooseMode(ctx, j); err != nil {
			return err
		}
		return r.auditTable(ctx, j)
	}
	stmts, err := r.fresh(ctx, j, cols)
	if err != nil {
		return err
	}
	if err := r.auditTable(ctx, j); err != nil {
		return err
	}
	err = r.tgt.BeginTable(ctx, target.TableState{
		ID: t.ID, Source: t.Source, SourceTable: t.SourceTable, TargetSchema: schema, TargetTable: t.Name,
		Generation: j.generation, State: target.StateLoading, Strategy: t.Strategy,
		RowsEstimated: t.Rows, ChunksEstimated: t.Chunks, RunID: r.runID, PlanHash: j.hash, Created: j.creates,
	}, stmts...)
	if err != nil {
		return err
	}
	return r.chooseMode(ctx, j)
}

// fresh returns the statements that create the target table, or empty it
// when the strategy or an earlier generation of Sluice's own load allows;
// they run with the table's new generation in one transaction. An existing
// table loses Sluice's keys and indexes until PostLoad rebuilds them after
// the data, and gets the defaults, identities, checks and comments the plan
// gives it (Reshape, or ReshapeKept for a table whose rows stay). A table
// Sluice loaded before under another mapping is dropped and created anew;
// anyone else's table with other columns is never touched.
func (r *runner) fresh(ctx context.Context, j *job, cols []target.Column) ([]string, error) {
	t, schema := j.table, r.plan.Schema
	if cols == nil {
		j.creates = true
		return r.create(t), nil
	}
	if diff := columnDiff(t, cols); diff != "" {
		if j.owned || r.ownsMerged(ctx, t) {
			j.creates = true
			return append([]string{plan.DropTable(schema, t)}, r.create(t)...), nil
		}
		return nil, fmt.Errorf("target table %s.%s exists with other columns (%s); drop it, or map the table to another name", schema, t.Name, diff)
	}
	if merging, err := r.keepsRows(ctx, t); merging || err != nil {
		return plan.ReshapeKept(schema, t), err
	}
	if t.Strategy == config.StrategyCreate && !j.owned {
		n, err := r.tgt.CountRows(ctx, schema, t.Name)
		if err != nil {
			return nil, fmt.Errorf("count rows of %s.%s: %w", schema, t.Name, err)
		}
		if n > 0 {
			return nil, fmt.Errorf("target table %s.%s already holds %d rows that Sluice did not load; empty it, or set strategy: truncate", schema, t.Name, n)
		}
	}
	stmts := append(plan.DropPostLoad(schema, t), plan.Truncate(schema, []*plan.Table{t}))
	return append(stmts, plan.Reshape(schema, t)...), nil
}

// create makes the target table (with its enum types and comments). A
// merged table gets its keys at once: its parts write through them from the
// first row on.
func (r *runner) create(t *plan.Table) []string {
	stmts := plan.Create(r.plan.Schema, t)
	if t.Merged != nil {
		stmts = append(stmts, plan.PostLoad(r.plan.Schema, t)...)
	}
	return stmts
}

// keepsRows reports a table whose new generation merges into the rows it
// holds instead of emptying it: a merged table always, a merge or append
// table once its key exists (see chooseMode).
func (r *runner) keepsRows(ctx context.Context, t *plan.Table) (bool, error) {
	if t.Merged != nil {
		return true, nil
	}
	if t.Strategy != config.StrategyMerge && t.Strategy != config.StrategyAppend {
		return false, nil
	}
	return r.tgt.HasPrimaryKey(ctx, r.plan.Schema, t.Name)
}

// ownsMerged reports whether Sluice loaded any part of t's merged table
// before, which lets a part rebuild the table when its columns changed.
func (r *runner) ownsMerged(ctx context.Context, t *plan.Table) bool {
	if t.Merged == nil {
		return false
	}
	for _, id := range t.Merged.Parts {
		if st, err := r.tgt.TableState(ctx, id); err == nil && st != nil {
			return true
		}
	}
	return false
}

// columnDiff describes how the existing columns differ from the plan's, or
// returns "" when they are the same names and types in the same order.
func columnDiff(t *plan.Table, have []target.Column) string {
	var want, got []string
	for _, c := range t.Columns {
		want = append(want, c.Name+" "+plan.CanonicalType(c.Type))
	}
	for _, c := range have {
		got = append(got, c.Name+" "+plan.CanonicalType(c.Type))
	}
	w, g := strings.Join(want, ", "), strings.Join(got, ", ")
	if w == g {
		return ""
	}
	return fmt.Sprintf("planned: %s; found: %s", w, g)
}
