package main

import (
	"context"
	"fmt"
	"maps"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
)

// copyMissing copies, each in a snapshot consistent with its stream's
// start, the sources that have no stream position yet in every target
// database (and the polled sources, whose finished tables migrate skips);
// it returns where each copied source's stream starts.
func (s *syncer) copyMissing(ctx context.Context) (map[string]string, error) {
	need, err := s.needCopy(ctx)
	if err != nil || len(need) == 0 && len(s.polled) == 0 {
		return nil, err
	}
	srcs := maps.Clone(map[string]sluice.Source(s.p.Sources))
	snaps := map[string]sluice.Snapshot{}
	defer func() {
		for _, snap := range snaps {
			snap.Close()
		}
	}()
	copied := map[string]bool{}
	for _, name := range s.polled {
		copied[name] = true
	}
	for _, c := range need {
		snap, err := c.cs.Snapshot(ctx, c.spec)
		if err != nil {
			return nil, fmt.Errorf("source %s: %w", c.name, err)
		}
		snaps[c.name], srcs[c.name], copied[c.name] = snap, snap, true
		if err := s.reload(ctx, c); err != nil {
			return nil, err
		}
		fmt.Fprintf(s.g.stderr, "sync: %s: copying its tables in a snapshot at %s, where its stream starts\n", c.name, snap.Position())
	}
	if err := s.copy(ctx, sourcesOnly(s.p.Plan, copied), srcs); err != nil {
		return nil, err
	}
	starts := map[string]string{}
	for name, snap := range snaps {
		starts[name] = snap.Position().String()
	}
	return starts, nil
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
	o.Observer = display
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
