package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/audit"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/plan"
)

// A table whose changes the stream cannot apply one by one (plan's
// SyncRerun: a where: filter, a PostgreSQL table without a key it may not
// capture) is kept current by reruns of its load through the migrate path,
// which reads it through the source as a first load does, so the result is
// exact: every --every while sync runs, once at the end of --catch-up, and
// once on the frozen sources in cutover's drain. Its changes in the stream
// are counted, not applied.

// defaultEvery is the interval of the reruns when --every is not given.
const defaultEvery = 5 * time.Minute

// rerunIDs lists the tables of the followed sources (not the polled ones,
// which are migrated again whole) that sync keeps current by reruns.
func (s *syncer) rerunIDs() map[string]bool {
	polled := map[string]bool{}
	for _, name := range s.polled {
		polled[name] = true
	}
	out := map[string]bool{}
	for _, t := range s.p.Plan.Tables {
		if !polled[t.Source] && t.SyncRerun() != "" {
			out[t.ID] = true
		}
	}
	return out
}

// recordReruns records, per source and target database, which tables are
// kept current by reruns and why (status and /metrics read it), and says so.
func (s *syncer) recordReruns(ctx context.Context) error {
	ids := s.rerunIDs()
	for _, c := range s.caps {
		byDB := map[string]map[string]string{}
		for _, sk := range c.sinks {
			byDB[sk.Database] = map[string]string{}
		}
		for _, t := range s.p.Plan.Tables {
			if t.Source == c.name && ids[t.ID] && byDB[t.Database] != nil {
				byDB[t.Database][t.ID] = t.SyncRerun()
				fmt.Fprintf(s.g.stderr, "sync: %s is kept current by reruns of its load, not by its stream: %s\n", t.ID, t.SyncRerun())
			}
		}
		for db, reasons := range byDB {
			if err := s.tgts[db].SetSyncReruns(ctx, c.name, reasons); err != nil {
				return err
			}
		}
	}
	return nil
}

// rerun brings the tables kept current by reruns up to date: one run of
// their load, under the lock the sync (or cutover) holds, recorded in the
// audit trail of the sync's run with why.
func (s *syncer) rerun(ctx context.Context, runs *syncRuns, why string) error {
	ids := s.rerunIDs()
	if len(ids) == 0 {
		return nil
	}
	p := rerunPlan(s.p.Plan, ids)
	srcs, closeViews, err := s.rerunSources(ctx, p)
	if err != nil {
		return err
	}
	defer closeViews()
	o := s.partialRun()
	// The sources keep changing while the stream runs: a verification
	// would report those changes; cutover proves the frozen sources.
	o.Verify = nil
	sum, err := migrate.RunAll(ctx, p, srcs, s.tgts, o)
	names := slices.Sorted(maps.Keys(ids))
	if err != nil {
		return fmt.Errorf("rerun %s (%s): %w", strings.Join(names, ", "), why, err)
	}
	for db, run := range runIDs(p, sum) {
		var done []string
		for _, t := range p.ForDatabase(db).Tables {
			done = append(done, t.ID)
		}
		if err := s.tgts[db].RecordRerun(ctx, runs.ids[db], run, done, why); err != nil {
			return err
		}
	}
	fmt.Fprintf(s.g.stderr, "sync: %s brought up to date by a rerun (%s): %s\n", strings.Join(names, ", "), why, rerunCounts(sum))
	return nil
}

// rerunSources are the sources a rerun of p reads: each captured source
// through a consistent view (PostgreSQL: one exported snapshot for all its
// tables, without a slot; MariaDB: a snapshot per table), so that a table's
// rows and the count that reconciles them agree while the source takes
// writes. closeViews ends the views.
func (s *syncer) rerunSources(ctx context.Context, p *plan.Plan) (srcs map[string]sluice.Source, closeViews func(), err error) {
	srcs = maps.Clone(map[string]sluice.Source(s.p.Sources))
	var views []sluice.Source
	closeViews = func() {
		for _, v := range views {
			v.Close()
		}
	}
	for _, c := range s.caps {
		if !slices.ContainsFunc(p.Tables, func(t *plan.Table) bool { return t.Source == c.name }) {
			continue
		}
		v, err := rerunView(ctx, c)
		if err != nil {
			closeViews()
			return nil, nil, fmt.Errorf("source %s: %w", c.name, err)
		}
		views, srcs[c.name] = append(views, v), v
	}
	return srcs, closeViews, nil
}

// viewer is a source that opens a consistent read-only view of its tables
// without touching its capture (PostgreSQL).
type viewer interface {
	View(ctx context.Context) (sluice.Source, error)
}

func rerunView(ctx context.Context, c *capture) (sluice.Source, error) {
	if v, ok := c.cs.(viewer); ok {
		return v.View(ctx)
	}
	return openView(ctx, c)
}

// runIDs is the rerun's run in each target database it loaded.
func runIDs(p *plan.Plan, sum *migrate.Summary) map[string]int64 {
	out := map[string]int64{}
	for _, r := range sum.Runs {
		out[r.Database] = r.RunID
	}
	if len(sum.Runs) == 0 && len(p.Databases) > 0 {
		out[p.Databases[0].Name] = sum.RunID
	}
	return out
}

// rerunPlan is p with only the tables ids names, as a rerun loads them: a
// table with a key whose strategy keeps a row hash (merge, append, and
// every merged table) merges, writing only the rows that changed, and
// deletes those gone from the source or out of its filter
// (delete_missing); any other is loaded again in full (truncate). Their
// foreign keys are left out: sync loosens them (see looseForeignKeys). The
// views over them are dropped and created again with them.
func rerunPlan(p *plan.Plan, ids map[string]bool) *plan.Plan {
	out := *p
	out.Tables, out.Views = nil, nil
	names := map[string]bool{}
	for _, t := range p.Tables {
		if ids[t.ID] {
			out.Tables = append(out.Tables, rerunTable(t))
			names[t.Database+"."+t.Name] = true
		}
	}
	for _, v := range p.Views {
		for _, id := range v.Tables {
			if t := p.Table(id); t != nil && names[t.Database+"."+t.Name] {
				out.Views = append(out.Views, v)
				break
			}
		}
	}
	return &out
}

func rerunTable(t *plan.Table) *plan.Table {
	r := *t
	r.ForeignKeys = nil
	hashed := t.Strategy == config.StrategyMerge || t.Strategy == config.StrategyAppend
	if t.Merged != nil || hashed && len(t.PrimaryKey) > 0 {
		r.Strategy, r.DeleteMissing = config.StrategyMerge, true
	} else {
		r.Strategy, r.DeleteMissing = config.StrategyTruncate, false
	}
	return &r
}

// looseForeignKeys are the foreign keys between a table kept current by
// reruns and another table, either way, by target database: the stream and
// the reruns bring the two up to date at different moments (a streamed row
// may reference a row the next rerun brings), so sync does not enforce them
// on the target while it runs. Each plan holds the tables that own one,
// with only those.
func looseForeignKeys(p *plan.Plan, ids map[string]bool) map[string]*plan.Plan {
	rerun := map[string]bool{}
	for _, t := range p.Tables {
		if ids[t.ID] {
			rerun[t.Database+"."+t.Name] = true
		}
	}
	out := map[string]*plan.Plan{}
	for _, t := range p.Tables {
		var fks []plan.ForeignKey
		for _, fk := range t.ForeignKeys {
			if fk.RefDatabase == "" && (rerun[t.Database+"."+t.Name] || rerun[t.Database+"."+fk.RefTable]) {
				fks = append(fks, fk)
			}
		}
		if len(fks) == 0 {
			continue
		}
		if out[t.Database] == nil {
			out[t.Database] = &plan.Plan{Schema: t.Schema, Namespace: p.Namespace}
		}
		owner := *t
		owner.ForeignKeys = fks
		out[t.Database].Tables = append(out[t.Database].Tables, &owner)
	}
	return out
}

// loosen drops the loose foreign keys on the target, saying which, with an
// audit entry.
func (s *syncer) loosen(ctx context.Context, runs *syncRuns) error {
	for db, fks := range looseForeignKeys(s.p.Plan, s.rerunIDs()) {
		if err := s.tgts[db].Exec(ctx, plan.DropForeignKeys(fks.Schema, fks)...); err != nil {
			return fmt.Errorf("loosen the foreign keys of the tables kept current by reruns: %w", err)
		}
		names := foreignKeyNames(fks)
		fmt.Fprintf(s.g.stderr, "sync: foreign keys %s are not enforced on the target while sync runs: they join a table kept current by reruns to one brought up to date at another moment; they are added back (NOT VALID, validated by migrate or cutover) when sync ends\n", strings.Join(names, ", "))
		if err := runs.sessions[db].Audit(ctx, audit.OpStreamForeignKeys, map[string]any{"dropped": names}); err != nil {
			return err
		}
	}
	return nil
}

// tighten adds the loose foreign keys back NOT VALID (checked for new rows;
// migrate and cutover's finish validate the rows there), with an audit
// entry. It may run when they are there already.
func (s *syncer) tighten(ctx context.Context, runs *syncRuns) error {
	for db, fks := range looseForeignKeys(s.p.Plan, s.rerunIDs()) {
		stmts := append(plan.DropForeignKeys(fks.Schema, fks), plan.AddForeignKeys(fks.Schema, fks)...)
		if err := s.tgts[db].Exec(ctx, stmts...); err != nil {
			return fmt.Errorf("add back the foreign keys of the tables kept current by reruns: %w", err)
		}
		if err := runs.sessions[db].Audit(ctx, audit.OpStreamForeignKeys, map[string]any{"added_not_valid": foreignKeyNames(fks)}); err != nil {
			return err
		}
	}
	return nil
}

func foreignKeyNames(p *plan.Plan) []string {
	var out []string
	for _, t := range p.Tables {
		for _, fk := range t.ForeignKeys {
			out = append(out, t.Name+"."+fk.Name)
		}
	}
	return out
}

// catchUpTo follows each source's stream up to its goal, then reruns the
// tables kept current by reruns, the foreign keys they touch loosened
// meanwhile: cutover's catch-up, and its drain on the frozen sources.
func (s *syncer) catchUpTo(ctx context.Context, goals map[string]sluice.Position, runs *syncRuns, why string) error {
	if err := s.loosen(ctx, runs); err != nil {
		return err
	}
	err := s.followAll(ctx, goals, runs)
	if err == nil {
		err = s.rerun(ctx, runs, why)
	}
	return errors.Join(err, s.tighten(context.WithoutCancel(ctx), runs))
}

func (s *syncer) followAll(ctx context.Context, goals map[string]sluice.Position, runs *syncRuns) error {
	for _, c := range s.caps {
		if err := s.followOne(ctx, c, goals[c.name], runs); err != nil {
			return err
		}
	}
	return nil
}
