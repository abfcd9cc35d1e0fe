package migrate

import (
	"context"
	"fmt"

	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
)

// A table loads in one of two ways. The direct way copies rows straight into
// an empty table whose keys are built after the data: the fastest, and what
// a first load does. The merge way stages each chunk and writes only what
// differs from the rows already there: what a table merged from several
// sources, or a rerun of a merge or append table, needs.

// chooseMode sets j.merge for the generation about to load (or resume). A
// merge or append table merges once its primary key exists, which is so for
// every generation after the first finished: the first loads directly, and
// a generation that resumes finds the table as its first chunk left it.
func (r *runner) chooseMode(ctx context.Context, j *job) error {
	t := j.table
	switch {
	case t.Merged != nil:
		j.merge = MergeSpec(r.plan, t)
	case t.Strategy == config.StrategyMerge || t.Strategy == config.StrategyAppend:
		keyed, err := r.tgt.HasPrimaryKey(ctx, t.Schema, t.Name)
		if err != nil {
			return err
		}
		if keyed {
			j.merge = MergeSpec(r.plan, t)
		}
	}
	if j.merge == nil && len(Resolved(t)) > 0 {
		// Rows copied directly would keep the uuid of the legacy key where
		// the matched row's identity belongs: stage them to look it up.
		j.merge = &target.MergeSpec{Mode: target.MergeInsert, Resolve: Resolved(t)}
	}
	return nil
}

// MergeSpec says how the merge way writes t's rows (of plan p): the copy's
// chunks, and a live sync's changes of a table merged on a natural key.
func MergeSpec(p *plan.Plan, t *plan.Table) *target.MergeSpec {
	s := &target.MergeSpec{
		Mode: target.MergeUpsert, Key: t.PrimaryKey, HashColumn: plan.HashColumn,
		Resolve: Resolved(t), TrackSeen: t.DeleteMissing, Range: rangeColumn(t),
	}
	if t.Strategy == config.StrategyAppend {
		s.Mode = target.MergeAppend
	}
	m := t.Merged
	if m == nil {
		return s
	}
	s.SourceColumn, s.Source = m.SourceColumn, t.Source
	if len(m.MatchOn) > 0 {
		s.Match = &target.MatchSpec{
			LegacyColumn: m.LegacyColumn, Rank: m.Prefer, Manual: m.Conflict == config.ConflictManual,
			Provided: provided(t), Providers: providers(p, m),
		}
		if m.Conflict == config.ConflictLatest {
			s.Match.Latest = m.Latest
		}
	}
	return s
}

// rangeColumn is the legacy key column of a table whose key became a uuid:
// unique, indexed, and read in key order, so one chunk's values are close
// together in its index while their uuids are scattered over the table.
func rangeColumn(t *plan.Table) string {
	for _, c := range t.Columns {
		if c.Role == plan.RoleLegacyKey && len(c.KeyColumns) == 1 && t.Merged == nil {
			return c.Name
		}
	}
	return ""
}

// Resolved lists the columns whose uuid is looked up among the matched rows.
func Resolved(t *plan.Table) []string {
	var cols []string
	for _, c := range t.Columns {
		if c.ResolveMatch {
			cols = append(cols, c.Name)
		}
	}
	return cols
}

// provided lists the data columns a part of a merged table fills from its
// source; its fills (columns it lacks), keys and lineage are not data.
func provided(t *plan.Table) []string {
	var cols []string
	for _, c := range t.Columns {
		switch c.Role {
		case plan.RoleValue, plan.RoleComputed, plan.RoleRefUUID:
			cols = append(cols, c.Name)
		}
	}
	return cols
}

// providers maps each data column of a merged table to the sources that
// provide it.
func providers(p *plan.Plan, m *plan.Merged) map[string][]string {
	out := map[string][]string{}
	for _, id := range m.Parts {
		part := p.Table(id)
		if part == nil {
			continue
		}
		for _, c := range provided(part) {
			out[c] = append(out[c], part.Source)
		}
	}
	return out
}

// deleteMissing removes, after a merge generation, the rows Sluice loaded
// whose source row is gone. It may run again after a kill: it compares with
// the keys this generation saw, so a second pass deletes nothing more.
func (r *runner) deleteMissing(ctx context.Context, j *job) (int64, error) {
	t := j.table
	if j.merge == nil || j.merge.Mode == target.MergeInsert || !t.DeleteMissing {
		return 0, nil
	}
	n, err := r.tgt.DeleteMissing(ctx, target.DeleteMissing{
		RunID: r.runID, TableID: t.ID, Generation: j.generation, Schema: t.Schema, Table: t.Name,
		Key: j.merge.Key, HashColumn: j.merge.HashColumn, SourceColumn: j.merge.SourceColumn,
		Source: j.merge.Source, Match: j.merge.Match,
	})
	if err != nil {
		return 0, fmt.Errorf("delete the rows of %s whose source row is gone: %w", t.ID, err)
	}
	return n, nil
}
