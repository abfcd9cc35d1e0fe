package verify

import (
	"context"
	"fmt"

	"strings"

	"golang.org/x/sync/errgroup"
)

// keyed compares a table whose rows have a key: one goroutine reads the
// source chunk by chunk while ChunkWorkers others each transform a chunk,
// read its target rows and compare them. Memory holds at most
// 2 × ChunkWorkers + 1 chunks, whatever the table's size.
func (s *scan) keyed(ctx context.Context) error {
	workers := make([]*worker, s.v.o.ChunkWorkers)
	for i := range workers {
		var err error
		if workers[i], err = s.newWorker(); err != nil {
			return err
		}
	}
	chunks := make(chan *srcChunk, len(workers))
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		defer close(chunks)
		return s.read(gctx, chunks)
	})
	for _, w := range workers {
		g.Go(func() error {
			for c := range chunks {
				if err := w.check(gctx, c); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return s.finish(ctx)
}

// finish looks for the target rows no chunk read, and under keys: uuid for
// legacy keys held by several rows.
func (s *scan) finish(ctx context.Context) error {
	switch {
	case s.v.t.Expansion != nil:
		return s.finishExpansion(ctx)
	case matched(s.v.t):
		return s.finishMatched(ctx)
	}
	if s.byKeys {
		// The other rows are proven elsewhere; rows without a key are
		// outside every key, and cheap to look for.
		if err := s.unread(ctx); err != nil {
			return err
		}
		return s.legacyDuplicates(ctx)
	}
	var total int64
	if err := s.v.db.QueryRow(ctx, "SELECT count(*) FROM "+s.v.cat.name+s.v.where("")).Scan(&total); err != nil {
		return fmt.Errorf("count target rows of %s: %w", s.v.cat.name, err)
	}
	if total > s.fetched.Load() {
		if err := s.unread(ctx); err != nil {
			return err
		}
	}
	return s.legacyDuplicates(ctx)
}

// unread reports the target rows outside every chunk. Chunks selected by key
// range cover every key, so those rows have a NULL key; chunks selected by
// identity leave out every row whose identity the source lacks, which
// extras finds.
func (s *scan) unread(ctx context.Context) error {
	if s.sh.rangeOn == nil {
		return s.extras(ctx)
	}
	var conds []string
	for _, ci := range s.sh.rangeOn {
		conds = append(conds, qualified("", s.view.Columns[ci].Name)+" IS NULL")
	}
	q := fmt.Sprintf("SELECT %s, %s FROM %s%s", s.identSQL(""), s.legacySQL(""), s.v.cat.name, s.v.where("", "("+orAll(conds)+")"))
	return s.v.sample(ctx, LevelContent, q, func(vals []string) {
		s.v.add(Finding{Level: LevelContent, Check: "extra row", Key: vals[0], LegacyKey: vals[1],
			Detail: "the target row's key is NULL: it matches no source row"})
	})
}

// legacyDuplicates is level 5's "exactly once": a legacy key held by two
// rows. A valid unique index on the legacy column guarantees it already.
func (s *scan) legacyDuplicates(ctx context.Context) error {
	if !s.v.o.wants(LevelLegacy) || !s.sh.uuidKeys() {
		return nil
	}
	legacy := s.view.Columns[s.sh.legacy].Name
	if s.v.cat.uniqueOn([]string{legacy}) {
		return nil
	}
	if m := s.v.t.Merged; m != nil && s.v.cat.uniqueOn([]string{m.SourceColumn, legacy}) {
		return nil // a legacy key is unique per source
	}
	q := fmt.Sprintf("SELECT %s, string_agg(%s, ', ' ORDER BY %s), count(*)::text FROM %s%s GROUP BY %s HAVING count(*) > 1",
		s.legacySQL(""), s.identSQL(""), s.identSQL(""), s.v.cat.name, s.v.where(""), qualified("", legacy))
	return s.v.sample(ctx, LevelLegacy, q, func(vals []string) {
		s.v.add(Finding{Level: LevelLegacy, Check: "duplicate key", LegacyKey: vals[0], Key: vals[1],
			Detail: vals[2] + " target rows hold this legacy key"})
	})
}

// identSQL is the text of a target row's identity columns.
func (s *scan) identSQL(alias string) string { return textOf(alias, s.names(s.sh.ident)) }

// legacySQL is the text of a target row's legacy key: its legacy column, or
// its identity under keys: keep.
func (s *scan) legacySQL(alias string) string {
	if s.sh.legacy < 0 {
		return s.identSQL(alias)
	}
	return textOf(alias, s.names([]int{s.sh.legacy}))
}

func (s *scan) names(idx []int) []string {
	names := make([]string, len(idx))
	for i, ci := range idx {
		names[i] = s.view.Columns[ci].Name
	}
	return names
}

func orAll(conds []string) string { return strings.Join(conds, " OR ") }
