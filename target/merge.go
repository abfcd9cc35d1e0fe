package target

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
)

// Merge modes.
const (
	MergeUpsert = "merge"  // insert new keys, rewrite changed rows, leave unchanged ones alone
	MergeAppend = "append" // insert new keys only
	// MergeInsert inserts every row, without looking at keys: a table
	// loaded by plain COPY whose Resolve columns need the stage.
	MergeInsert = "insert"
)

// MergeSpec says how a chunk is merged into a table that may hold rows: the
// rows are copied into a temporary stage (rows PostgreSQL refuses become
// rejects, as on the direct path) and moved into the table from there, in
// the chunk's transaction.
type MergeSpec struct {
	Mode       string   // a Merge* constant
	Key        []string // target columns identifying a row (the table's primary key)
	HashColumn string   // the row hash column; "" for MergeInsert
	// Resolve lists uuid columns holding a legacy identity: a value found in
	// sluice.legacy_keys is replaced by the entity it was matched to.
	Resolve []string
	// Match is set on a part of a table merged on a natural key: Key is then
	// the entity's uuid, and the chunk's rows compete for it with the rows
	// of other parts (see MatchSpec).
	Match *MatchSpec
	// SourceColumn is the lineage column of a merged table ("" otherwise),
	// and Source its value in this chunk's rows: a merge without Match
	// updates only the rows of its own source.
	SourceColumn string
	Source       string
	// TrackSeen records the keys of the chunk's rows in this generation, for
	// DeleteMissing.
	TrackSeen bool
	// Range names an indexed column whose values the rows of one chunk hold
	// in a narrow range (the legacy key, read in key order), or "": finding
	// a chunk's unchanged rows then reads that range of the table in index
	// order instead of looking up every key on its own.
	Range string
}

// MatchSpec says how the rows of one part of a table merged on a natural key
// compete with the other parts' rows for an entity. The row owning an entity
// is identified by its (SourceColumn, LegacyColumn) values.
type MatchSpec struct {
	LegacyColumn string   // target column holding the owner's legacy key (text)
	Rank         []string // source names, best first
	Latest       string   // compare this column first (conflict rule latest); "" ranks only
	Manual       bool     // queue each disagreement in sluice.conflicts
	Provided     []string // the data columns this part provides
	// Providers maps each data column to the sources that provide it.
	Providers map[string][]string
}

func (m *MergeSpec) check(c *ChunkLoad) error {
	if m.Mode != MergeUpsert && m.Mode != MergeAppend && m.Mode != MergeInsert {
		return fmt.Errorf("merge mode %q is not %s, %s or %s", m.Mode, MergeUpsert, MergeAppend, MergeInsert)
	}
	need := slices.Clone(m.Resolve)
	if m.Mode != MergeInsert {
		if len(m.Key) == 0 {
			return fmt.Errorf("merge mode %s needs a key", m.Mode)
		}
		if m.HashColumn == "" {
			return fmt.Errorf("merge mode %s needs a hash column", m.Mode)
		}
		need = append(need, m.Key...)
		need = append(need, m.HashColumn)
	}
	if m.Mode == MergeInsert && (m.Match != nil || m.TrackSeen) {
		return fmt.Errorf("merge mode %s neither matches nor tracks keys", m.Mode)
	}
	if m.SourceColumn != "" {
		need = append(need, m.SourceColumn)
	}
	if m.Match != nil {
		if err := m.Match.check(m, c); err != nil {
			return err
		}
		need = append(need, m.Match.LegacyColumn)
	}
	for _, col := range need {
		if !slices.Contains(c.Columns, col) {
			return fmt.Errorf("merge column %q is not among the chunk's columns", col)
		}
	}
	return nil
}

func (mt *MatchSpec) check(m *MergeSpec, c *ChunkLoad) error {
	switch {
	case len(m.Key) != 1:
		return fmt.Errorf("a matched table has one key column (the entity), not %d", len(m.Key))
	case m.SourceColumn == "" || mt.LegacyColumn == "":
		return fmt.Errorf("a matched table needs its source and legacy key columns")
	case len(c.Identities) != len(c.Rows):
		return fmt.Errorf("%d identities for %d rows", len(c.Identities), len(c.Rows))
	case mt.Latest != "" && !slices.Contains(c.Columns, mt.Latest):
		return fmt.Errorf("latest column %q is not among the chunk's columns", mt.Latest)
	}
	return nil
}

// mergeCounts is what one attempt at moving staged rows did.
type mergeCounts struct{ inserted, updated, conflicts int }

func (n *mergeCounts) add(o mergeCounts) {
	n.inserted, n.updated, n.conflicts = n.inserted+o.inserted, n.updated+o.updated, n.conflicts+o.conflicts
}

// mergeChunk stages the chunk's rows and moves them into the table, in tx.
// It returns the rows refused, at the stage (types, NULLs) or on their way
// into the table (foreign keys, unique and check constraints).
func mergeChunk(ctx context.Context, tx pgx.Tx, c *ChunkLoad) (ChunkResult, []Reject, error) {
	same := 0
	if canProbe(c.Merge) {
		var err error
		if c, same, err = withoutUnchanged(ctx, tx, c); err != nil {
			return ChunkResult{}, nil, err
		}
	}
	res, rejects, err := stageChunk(ctx, tx, c)
	res.Loaded += same
	res.Unchanged += same
	return res, rejects, err
}

// stageChunk stages the rows and moves them into the table.
func stageChunk(ctx context.Context, tx pgx.Tx, c *ChunkLoad) (ChunkResult, []Reject, error) {
	if len(c.Rows) == 0 {
		return ChunkResult{}, nil, nil
	}
	if c.Merge.Match != nil {
		// A live sync may be rebuilding this table's entities (see lockMatched).
		if err := lockMatchedTable(ctx, tx, c.Schema+"."+c.Table); err != nil {
			return ChunkResult{}, nil, err
		}
	}
	st := newStage(c)
	staged, rejects, err := st.fill(ctx, tx)
	if err != nil {
		return ChunkResult{}, nil, err
	}
	w, err := newMerger(ctx, tx, st)
	if err != nil {
		return ChunkResult{}, nil, err
	}
	if err := narrowDown(ctx, w, 0, len(c.Rows)); err != nil {
		return ChunkResult{}, nil, err
	}
	if err := st.drop(ctx, tx, w.rejected); err != nil {
		return ChunkResult{}, nil, err
	}
	if err := st.trackSeen(ctx, tx); err != nil {
		return ChunkResult{}, nil, err
	}
	loaded := staged - len(w.rejects)
	res := ChunkResult{Loaded: loaded, Inserted: w.counts.inserted, Updated: w.counts.updated,
		Unchanged: loaded - w.counts.inserted - w.counts.updated, Conflicts: w.counts.conflicts}
	return res, append(rejects, w.rejects...), nil
}

// merger moves staged rows into the table, a range of the chunk's rows at a
// time under a savepoint, so that a row the table refuses is narrowed down
// and rejected like a row COPY refuses.
type merger struct {
	tx       pgx.Tx
	st       *stage
	write    func(ctx context.Context, tx pgx.Tx, lo, hi int) (mergeCounts, error)
	counts   mergeCounts
	rejects  []Reject
	rejected []int32 // the rejected rows' indexes in the chunk
}

func newMerger(ctx context.Context, tx pgx.Tx, st *stage) (*merger, error) {
	w := &merger{tx: tx, st: st}
	m := st.c.Merge
	switch {
	case m.Match != nil:
		mw, err := newMatchWriter(ctx, tx, st)
		if err != nil {
			return nil, err
		}
		w.write = mw.write
	case m.Mode == MergeInsert:
		w.write = newKeyedWriter(st).write
	default:
		if err := st.checkDuplicates(ctx, tx); err != nil {
			return nil, err
		}
		w.write = newKeyedWriter(st).write
	}
	return w, nil
}

func (w *merger) attempt(ctx context.Context, lo, hi int) (*rowFailure, error) {
	sp, err := w.tx.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("set savepoint: %w", err)
	}
	n, err := w.write(ctx, sp, lo, hi)
	if err == nil {
		if err := sp.Commit(ctx); err != nil {
			return nil, fmt.Errorf("release savepoint: %w", err)
		}
		w.counts.add(n)
		return nil, nil
	}
	f := classifyCopyError(ctx, err, lo, hi, -1)
	if f == nil {
		return nil, fmt.Errorf("merge rows %d..%d into %s.%s: %w", lo+1, hi, w.st.c.Schema, w.st.c.Table, err)
	}
	if err := sp.Rollback(ctx); err != nil {
		return nil, fmt.Errorf("roll back to savepoint: %w", err)
	}
	return f, nil
}

func (w *merger) accept(lo, hi int) {}

func (w *merger) reject(i int, f *rowFailure) {
	w.rejects = append(w.rejects, rejectOf(w.st.c, i, f))
	w.rejected = append(w.rejected, int32(i))
}
