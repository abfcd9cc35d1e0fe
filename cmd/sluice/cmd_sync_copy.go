package main

import (
	"context"
	"fmt"
	"maps"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/stream"
	"github.com/sluicedb/sluice/target"
)

// copyStart is where a copied source's stream starts: the earliest of its
// tables' copy positions, and each table's.
type copyStart struct {
	position string
	tables   map[string]string
}

// copyMissing copies, in snapshots consistent with the stream, the sources
// that have no stream position yet in every target database (and the
// polled sources, whose finished tables migrate skips); it returns where
// each copied source's stream starts.
func (s *syncer) copyMissing(ctx context.Context) (map[string]copyStart, error) {
	need, err := s.needCopy(ctx)
	if err != nil || len(need) == 0 && len(s.polled) == 0 {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		starts, err := s.copyOnce(ctx, need)
		if !stream.DefinitionChanged(err) || attempt == 3 {
			return starts, err
		}
		fmt.Fprintf(s.g.stderr, "sync: a table changed definition (TRUNCATE or ALTER) during its copy, whose snapshot cannot read it any more: copying again (%v)\n", err)
	}
}

func (s *syncer) copyOnce(ctx context.Context, need []*capture) (map[string]copyStart, error) {
	srcs := maps.Clone(map[string]sluice.Source(s.p.Sources))
	views := map[string]snapshotView{}
	defer func() {
		for _, v := range views {
			v.Close()
		}
	}()
	copied := map[string]bool{}
	for _, name := range s.polled {
		copied[name] = true
	}
	for _, c := range need {
		v, err := openView(ctx, c)
		if err != nil {
			return nil, fmt.Errorf("source %s: %w", c.name, err)
		}
		views[c.name], srcs[c.name], copied[c.name] = v, v, true
		if err := s.reload(ctx, c); err != nil {
			return nil, err
		}
		fmt.Fprintf(s.g.stderr, "sync: %s: copying its tables in %s, where its stream starts\n", c.name, v.describe())
	}
	if err := s.copy(ctx, sourcesOnly(s.p.Plan, copied), srcs); err != nil {
		return nil, err
	}
	starts := map[string]copyStart{}
	for _, c := range need {
		st, err := views[c.name].start(ctx, c)
		if err != nil {
			return nil, err
		}
		starts[c.name] = st
	}
	return starts, nil
}

// snapshotView is what a source's tables are copied through: one snapshot
// (PostgreSQL) or a snapshot per table (MariaDB, see
// stream.TableSnapshots).
type snapshotView interface {
	sluice.Source
	describe() string
	start(ctx context.Context, c *capture) (copyStart, error)
}

func openView(ctx context.Context, c *capture) (snapshotView, error) {
	if c.cs.Engine() == "mysql" {
		return perTable{stream.NewTableSnapshots(c.cs, c.spec)}, nil
	}
	snap, err := c.cs.Snapshot(ctx, c.spec)
	if err != nil {
		return nil, err
	}
	return oneSnapshot{snap}, nil
}

type oneSnapshot struct{ sluice.Snapshot }

func (o oneSnapshot) describe() string { return "a snapshot at " + o.Position().String() }

func (o oneSnapshot) start(_ context.Context, c *capture) (copyStart, error) {
	pos := o.Position().String()
	cs := copyStart{position: pos, tables: map[string]string{}}
	for _, t := range c.spec.Tables {
		cs.tables[t] = pos
	}
	return cs, nil
}

type perTable struct{ *stream.TableSnapshots }

func (perTable) describe() string { return "a snapshot per table" }

// start is the earliest table's position; with no table read, a snapshot's
// of now.
func (p perTable) start(ctx context.Context, c *capture) (copyStart, error) {
	cs := copyStart{tables: map[string]string{}}
	var low sluice.Position
	for table, pos := range p.Starts() {
		cs.tables[table] = pos.String()
		if low == nil {
			low = pos
		} else if cmp, err := pos.Compare(low); err == nil && cmp < 0 {
			low = pos
		}
	}
	if low == nil {
		snap, err := c.cs.Snapshot(ctx, c.spec)
		if err != nil {
			return cs, err
		}
		defer snap.Close()
		low = snap.Position()
	}
	cs.position = low.String()
	return cs, nil
}

// needCopy lists the captures without a stream position (or with one of
// another capture) in one of their target databases.
func (s *syncer) needCopy(ctx context.Context) ([]*capture, error) {
	var need []*capture
	for _, c := range s.caps {
		for _, sk := range c.sinks {
			st, err := sk.Target.Stream(ctx, c.name)
			if err != nil {
				return nil, err
			}
			if st == nil || st.Capture != c.spec.Name {
				need = append(need, c)
				break
			}
		}
	}
	return need, nil
}

// reload makes migrate load again the tables of c that an earlier run
// loaded: nothing proves which changes they hold, so they are copied again
// in the snapshot the stream starts from.
func (s *syncer) reload(ctx context.Context, c *capture) error {
	for _, t := range s.p.Plan.Tables {
		if t.Source != c.name {
			continue
		}
		tgt := s.tgts[t.Database]
		st, err := tgt.TableState(ctx, t.ID)
		if err != nil {
			return err
		}
		if st == nil || st.State == target.StateFailed {
			continue
		}
		why := "loaded without a stream position (by migrate, or by a sync stopped during its copy): the changes made since cannot be proven, so sync copies it again"
		fmt.Fprintf(s.g.stderr, "sync: %s was %s\n", t.ID, why)
		if err := tgt.SetTableState(ctx, t.ID, st.Generation, target.StateFailed, "copy again: "+why); err != nil {
			return err
		}
	}
	return nil
}

func (s *syncer) copy(ctx context.Context, p *plan.Plan, srcs map[string]sluice.Source) error {
	if len(p.Tables) == 0 {
		return nil
	}
	display, err := newDisplay(s.g.stderr, s.f.progress)
	if err != nil {
		return err
	}
	o := s.options()
	o.Observer, o.Partial = display, len(p.Tables) < len(s.p.Plan.Tables)
	display.Start()
	sum, err := migrate.RunAll(ctx, p, srcs, s.tgts, o)
	display.Stop()
	if sum != nil {
		printSummary(s.g.stderr, sum)
	}
	return err
}

// sourcesOnly is p with only the tables of the given sources.
func sourcesOnly(p *plan.Plan, sources map[string]bool) *plan.Plan {
	out := *p
	out.Tables = nil
	for _, t := range p.Tables {
		if sources[t.Source] {
			out.Tables = append(out.Tables, t)
		}
	}
	return &out
}
