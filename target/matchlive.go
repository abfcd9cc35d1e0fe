package target

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// A table merged on a natural key holds one row per entity, made of the
// rows of several sources by the conflict rule. When one source row changes
// under a live sync, the entity it leaves and the one it joins are rebuilt
// from every row matched to them, as a fresh load of the sources would
// build them: the rows of each part (recorded with their values in
// sluice.legacy_keys by the copy and by the stream) are merged, part after
// part in from order and in key order within a part, into an empty scratch
// table by the copy's own statements (matchWriter), and the result replaces
// the entity rows. Conflicts of a manual table are queued by the same
// statements; those that no longer hold (a row gone, the values now agree)
// are deleted.

// MatchedTable is a table merged on a natural key, as a stream changes it.
type MatchedTable struct {
	Schema, Table string
	Columns       []string // the columns an entity row is made of (the parts' columns)
	Parts         []MatchedPart
}

// MatchedPart is one source table feeding a MatchedTable, in from order.
type MatchedPart struct {
	TableID string
	Columns []string   // the columns of the part's rows, in the order of a change's Values
	Merge   *MergeSpec // as its copy merges (Merge.Match set)
	// Referrers are the columns of other tables of the part's source that
	// reference its rows, resolved to their entities (Resolve columns).
	Referrers []Referrer
}

// Referrer is a column holding the entities of a matched part's rows; in a
// table merged from several sources (SourceColumn set) only the rows of
// Source do.
type Referrer struct {
	TableID, Schema, Table, Column string
	SourceColumn, Source           string
}

func (m *MatchedTable) part(id string) *MatchedPart {
	for i := range m.Parts {
		if m.Parts[i].TableID == id {
			return &m.Parts[i]
		}
	}
	return nil
}

func (m *MatchedTable) entityColumn() string { return m.Parts[0].Merge.Key[0] }

// lockMatched serialises the writers of the matched tables changes touch,
// until the transaction ends: two sources' streams apply in transactions
// of their own, and each rebuild must see the rows the other recorded (a
// rebuild reading while the other's rows are uncommitted would write an
// entity without them). The locks are taken in one order, so that two
// batches touching the same tables do not deadlock.
func lockMatched(ctx context.Context, tx pgx.Tx, changes []RowChange) error {
	var names []string
	for i := range changes {
		if m := changes[i].Matched; m != nil {
			names = append(names, m.Schema+"."+m.Table)
		}
	}
	slices.Sort(names)
	for _, name := range slices.Compact(names) {
		if err := lockMatchedTable(ctx, tx, name); err != nil {
			return err
		}
	}
	return nil
}

// lockMatchedTable takes the lock of matched table name ("schema.table").
func lockMatchedTable(ctx context.Context, tx pgx.Tx, name string) error {
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended('sluice.matched:' || $1, 0))", name); err != nil {
		return fmt.Errorf("lock the matched table %s: %w", name, err)
	}
	return nil
}

// applyMatched applies changes of one matched table: upserts record their
// row (Identity, Values), deletes forget it, a truncate forgets every row of
// its part; then the entities they touched are rebuilt. A row the stage
// refuses is a reject. Consecutive upserts are staged together, and
// consecutive deletes forgotten together.
func applyMatched(ctx context.Context, tx pgx.Tx, runID int64, cs []RowChange) (BatchResult, []StreamReject, error) {
	r := &matchRun{res: BatchResult{Tables: map[string]*TableCounts{}}}
	for i := 0; i < len(cs); {
		j := i + 1
		for j < len(cs) && cs[j].Op == cs[i].Op && cs[i].Op != OpTruncate {
			j++
		}
		if err := r.record(ctx, tx, runID, cs[i:j]); err != nil {
			return r.res, nil, fmt.Errorf("%s: %w", describe(&cs[i]), err)
		}
		i = j
	}
	stuck, err := rebuildEntities(ctx, tx, runID, cs[0].Matched, r.touched, r.moves)
	if err != nil {
		return r.res, nil, fmt.Errorf("rebuild the rows of %s.%s matched to changed rows: %w", cs[0].Schema, cs[0].Table, err)
	}
	return r.res, append(r.rejects, stuck...), nil
}

// matchRun is what the changes of a matched table recorded so far did.
type matchRun struct {
	res     BatchResult
	rejects []StreamReject
	touched []uuid.UUID // the entities rows left or joined
	moves   []move
}

// record records changes of one kind.
func (r *matchRun) record(ctx context.Context, tx pgx.Tx, runID int64, cs []RowChange) error {
	switch cs[0].Op {
	case OpUpsert:
		return r.put(ctx, tx, runID, cs)
	case OpDelete:
		ids := make([]uuid.UUID, len(cs))
		for i := range cs {
			ids[i] = cs[i].Identity
		}
		return r.forget(ctx, tx, cs, "legacy_uuid = ANY($1)", ids)
	case OpTruncate:
		return r.forget(ctx, tx, cs, "table_id = $1", cs[0].TableID)
	}
	return fmt.Errorf("a matched table takes upserts, deletes and truncates, not %s", cs[0].Op)
}

// put stages the rows as their copy would (casts, resolved references) and
// records them with the copy's statements. A row changed twice is staged as
// it is last: the entities are rebuilt from the rows as they end up.
func (r *matchRun) put(ctx context.Context, tx pgx.Tx, runID int64, cs []RowChange) error {
	part := cs[0].Matched.part(cs[0].TableID)
	if part == nil {
		return fmt.Errorf("%s is not a part of %s", cs[0].TableID, cs[0].Table)
	}
	last := lastOfEach(cs)
	before, err := entitiesOf(ctx, tx, "SELECT legacy_uuid, entity FROM sluice.legacy_keys WHERE legacy_uuid = ANY($1)", identities(cs, last))
	if err != nil {
		return err
	}
	load := &ChunkLoad{RunID: runID, TableID: part.TableID, Schema: cs[0].Schema, Table: cs[0].Table, Columns: part.Columns,
		Merge: part.Merge, KeyOf: func(i int) string { return cs[last[i]].RowKey }}
	for _, i := range last {
		load.Rows, load.Identities = append(load.Rows, cs[i].Values), append(load.Identities, cs[i].Identity)
	}
	st := newStage(load)
	staged, refused, err := st.fill(ctx, tx)
	if err != nil {
		return err
	}
	r.refuse(cs, refused)
	if staged == 0 {
		return nil
	}
	update, insert := newMatchParts(st).legacyKeys()
	for _, s := range []stmt{update, insert} {
		if _, err := s.exec(ctx, tx, 0, len(load.Rows), 0); err != nil {
			return fmt.Errorf("record the rows' legacy keys: %w", err)
		}
	}
	after, err := entitiesOf(ctx, tx, fmt.Sprintf("SELECT %s, %s FROM %s", stageIdentity, quoteIdent(part.Merge.Key[0]), st.name))
	if err != nil {
		return err
	}
	r.follow(part, cs, last, before, after)
	return nil
}

// lastOfEach lists, in order, the indexes of the last change of each row.
func lastOfEach(cs []RowChange) []int {
	at := map[uuid.UUID]int{}
	for i := range cs {
		at[cs[i].Identity] = i
	}
	var out []int
	for i := range cs {
		if at[cs[i].Identity] == i {
			out = append(out, i)
		}
	}
	return out
}

func identities(cs []RowChange, at []int) []uuid.UUID {
	out := make([]uuid.UUID, len(at))
	for i, j := range at {
		out[i] = cs[j].Identity
	}
	return out
}

// entitiesOf maps the legacy identities a query returns to their entities.
func entitiesOf(ctx context.Context, tx pgx.Tx, q string, args ...any) (map[uuid.UUID]uuid.UUID, error) {
	out := map[uuid.UUID]uuid.UUID{}
	var id, entity uuid.UUID
	rows, _ := tx.Query(ctx, q, args...)
	_, err := pgx.ForEachRow(rows, []any{&id, &entity}, func() error { out[id] = entity; return nil })
	if err != nil {
		return nil, fmt.Errorf("read the entities of the changed rows: %w", err)
	}
	return out, nil
}

// refuse counts the changes applied and makes the rows refused rejects, by
// their legacy key (one row per key in a part).
func (r *matchRun) refuse(cs []RowChange, refused []Reject) {
	byKey := map[string]Reject{}
	for _, rej := range refused {
		byKey[rej.Key] = rej
	}
	for i := range cs {
		c := &cs[i]
		if rej, ok := byKey[c.RowKey]; ok {
			r.rejects = append(r.rejects, StreamReject{Reject: rej, TableID: c.TableID, Table: c.Table, Position: c.Position})
			continue
		}
		r.res.add(c, 1)
	}
}

// follow notes the entities the staged rows left and joined, and the rows
// that moved from one to another.
func (r *matchRun) follow(part *MatchedPart, cs []RowChange, last []int, before, after map[uuid.UUID]uuid.UUID) {
	for _, i := range last {
		c := &cs[i]
		to, staged := after[c.Identity]
		from, known := before[c.Identity]
		if known {
			r.touched = append(r.touched, from)
		}
		if !staged {
			continue
		}
		r.touched = append(r.touched, to)
		if known && from != to {
			r.moves = append(r.moves, move{part: part, row: c, from: from, to: to})
		}
	}
}

// forget forgets the rows where says, and notes their entities.
func (r *matchRun) forget(ctx context.Context, tx pgx.Tx, cs []RowChange, where string, arg any) error {
	rows, _ := tx.Query(ctx, "DELETE FROM sluice.legacy_keys WHERE "+where+" RETURNING entity", arg)
	es, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return fmt.Errorf("forget the rows' legacy keys: %w", err)
	}
	r.touched = append(r.touched, es...)
	for i := range cs {
		r.res.add(&cs[i], 1)
	}
	return nil
}
