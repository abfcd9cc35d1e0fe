package target

import (
	"context"
	"fmt"
	"slices"
	"strings"

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

// move is a row that left entity from for entity to (its match_on values
// changed): the rows referencing it follow it.
type move struct {
	part     *MatchedPart
	row      *RowChange
	from, to uuid.UUID
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

// scratchName is the temporary table entities are rebuilt in.
var scratchName = pgx.Identifier{"pg_temp", "sluice_entities"}.Sanitize()

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

// rebuildEntities rebuilds the entity rows es of m from the rows matched to
// them (an entity without rows goes), after the references to the rows that
// moved follow them. It returns the references that could not follow.
func rebuildEntities(ctx context.Context, tx pgx.Tx, runID int64, m *MatchedTable, es []uuid.UUID, moves []move) ([]StreamReject, error) {
	slices.SortFunc(es, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
	es = slices.Compact(es)
	if len(es) == 0 {
		return nil, nil
	}
	table := pgx.Identifier{m.Schema, m.Table}.Sanitize()
	_, err := tx.Exec(ctx, fmt.Sprintf(`DROP TABLE IF EXISTS %[1]s; CREATE TEMP TABLE %[1]s (LIKE %[2]s INCLUDING INDEXES) ON COMMIT DROP`, scratchName, table))
	if err != nil {
		return nil, fmt.Errorf("create the scratch table: %w", err)
	}
	types, err := columnTypes(ctx, tx, table)
	if err != nil {
		return nil, err
	}
	for i := range m.Parts {
		if err := replayPart(ctx, tx, runID, m, &m.Parts[i], types, es); err != nil {
			return nil, err
		}
	}
	if err := writeEntities(ctx, tx, m, table, es); err != nil {
		return nil, err
	}
	// Referencing rows follow before the entities they leave may go.
	stuck, err := followMoves(ctx, tx, moves)
	if err != nil {
		return nil, err
	}
	if err := deleteGone(ctx, tx, m, table, es); err != nil {
		return nil, err
	}
	return stuck, dropMootConflicts(ctx, tx, m, es)
}

// replayPart merges the part's rows of entities es into the scratch table,
// as its copy merges a chunk.
func replayPart(ctx context.Context, tx pgx.Tx, runID int64, m *MatchedTable, p *MatchedPart, types map[string]string, es []uuid.UUID) error {
	st := newStage(&ChunkLoad{RunID: runID, TableID: p.TableID, Schema: m.Schema, Table: m.Table, Columns: p.Columns, Merge: p.Merge})
	st.target = scratchName
	if err := st.create(ctx, tx); err != nil {
		return err
	}
	a := &sqlArgs{}
	tableID, entities := a.add(p.TableID), a.add(es)
	values := make([]string, len(p.Columns))
	for i, col := range p.Columns {
		values[i] = fmt.Sprintf("(lk.row_values->>%s::text)::%s", a.add(col), types[col])
	}
	tag, err := tx.Exec(ctx, fmt.Sprintf(`INSERT INTO %s (%s, %s, %s)
		SELECT %s, lk.legacy_uuid, (row_number() OVER (ORDER BY %s) - 1)::int FROM sluice.legacy_keys AS lk
		WHERE lk.table_id = %s AND lk.entity = ANY(%s)`,
		st.name, qualify("", p.Columns), stageIdentity, stageOrd, strings.Join(values, ", "), keyOrder, tableID, entities), a.vals...)
	if err != nil {
		return fmt.Errorf("stage the rows of %s: %w", p.TableID, err)
	}
	n := int(tag.RowsAffected())
	if n == 0 {
		return nil
	}
	w, err := newMatchWriter(ctx, tx, st)
	if err != nil {
		return err
	}
	for round := 1; round <= w.rounds; round++ {
		if _, err := w.writeRound(ctx, tx, 0, n, round, matchClasses{fresh: 1, contested: 1}); err != nil {
			return fmt.Errorf("merge the rows of %s: %w", p.TableID, err)
		}
	}
	return nil
}

// keyOrder orders a part's legacy keys as its copy reads them: integer keys
// by value, others by their bytes (the copy reads in the source's own
// collation, which may differ for text keys).
const keyOrder = `CASE WHEN lk.legacy_key ~ '^-?[0-9]{1,18}$' THEN lk.legacy_key::bigint END NULLS LAST, lk.legacy_key COLLATE "C"`

// writeEntities makes the entity rows es of the table what the scratch
// table holds: deleted, changed or inserted.
func writeEntities(ctx context.Context, tx pgx.Tx, m *MatchedTable, table string, es []uuid.UUID) error {
	id := quoteIdent(m.entityColumn())
	differ := make([]string, len(m.Columns))
	for i, c := range m.Columns {
		differ[i] = fmt.Sprintf("t.%[1]s::text IS DISTINCT FROM s.%[1]s::text", quoteIdent(c))
	}
	mm := m.Parts[0].Merge
	src, leg := quoteIdent(mm.SourceColumn), quoteIdent(mm.Match.LegacyColumn)
	statements := []string{
		// A row's (source, legacy key) is unique: an entity row losing its
		// owner lets go of it first, for the row that now takes it.
		fmt.Sprintf(`UPDATE %s AS t SET %s = NULL WHERE t.%s = ANY($1) AND t.%[2]s IS NOT NULL AND NOT EXISTS (
				SELECT 1 FROM %[4]s AS s WHERE s.%[3]s = t.%[3]s AND s.%[5]s = t.%[5]s AND s.%[2]s = t.%[2]s)`,
			table, leg, id, scratchName, src),
		fmt.Sprintf(`UPDATE %s AS t SET %s FROM %s AS s WHERE t.%s = s.%[4]s AND s.%[4]s = ANY($1) AND (%s)`,
			table, assign(m.Columns), scratchName, id, strings.Join(differ, " OR ")),
		fmt.Sprintf(`INSERT INTO %s (%s) SELECT %s FROM %s AS s
			WHERE s.%s = ANY($1) AND NOT EXISTS (SELECT 1 FROM %[1]s AS t WHERE t.%[5]s = s.%[5]s)`,
			table, qualify("", m.Columns), qualify("s", m.Columns), scratchName, id),
	}
	for _, q := range statements {
		if _, err := tx.Exec(ctx, q, es); err != nil {
			return fmt.Errorf("write the rebuilt rows: %w", err)
		}
	}
	return nil
}

// deleteGone deletes the entity rows es that no row is matched to any more.
func deleteGone(ctx context.Context, tx pgx.Tx, m *MatchedTable, table string, es []uuid.UUID) error {
	_, err := tx.Exec(ctx, fmt.Sprintf(`DELETE FROM %s AS t WHERE t.%[2]s = ANY($1) AND NOT EXISTS (SELECT 1 FROM %[3]s AS s WHERE s.%[2]s = t.%[2]s)`,
		table, quoteIdent(m.entityColumn()), scratchName), es)
	if err != nil {
		return fmt.Errorf("delete the rows no source row is matched to: %w", err)
	}
	return nil
}

// followMoves points the references to each moved row at its new entity, as
// a fresh load resolves them. A reference holds the entity, not the row: it
// is the moved row's only when no other row of its part is matched to the
// old entity; else the references cannot be told apart, stay, and are
// returned as rejects of the referencing table (a rerun of migrate settles
// them).
func followMoves(ctx context.Context, tx pgx.Tx, moves []move) ([]StreamReject, error) {
	var stuck []StreamReject
	for _, mv := range moves {
		var shared bool
		err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM sluice.legacy_keys WHERE table_id = $1 AND entity = $2)",
			mv.part.TableID, mv.from).Scan(&shared)
		if err != nil {
			return nil, fmt.Errorf("look for other rows of %s matched to %s: %w", mv.part.TableID, mv.from, err)
		}
		for _, r := range mv.part.Referrers {
			if shared {
				stuck = append(stuck, StreamReject{Reject: Reject{Key: mv.row.RowKey, Source: r.Source, Column: r.Column,
					Reason: fmt.Sprintf("row %s of %s moved to another matched row (its match_on values changed), and the rows of %s that reference it cannot be told from those referencing another row of %s matched to the same row: they keep the old one; rerun migrate to settle them",
						mv.row.RowKey, mv.part.TableID, r.TableID, mv.part.TableID)},
					TableID: r.TableID, Table: r.Table, Position: mv.row.Position})
				continue
			}
			if err := follow(ctx, tx, r, mv); err != nil {
				return nil, err
			}
		}
	}
	return stuck, nil
}

func follow(ctx context.Context, tx pgx.Tx, r Referrer, mv move) error {
	q := fmt.Sprintf("UPDATE %s SET %s = $2 WHERE %[2]s = $1", pgx.Identifier{r.Schema, r.Table}.Sanitize(), quoteIdent(r.Column))
	args := []any{mv.from, mv.to}
	if r.SourceColumn != "" {
		q += " AND " + quoteIdent(r.SourceColumn) + " = $3"
		args = append(args, r.Source)
	}
	if _, err := tx.Exec(ctx, q, args...); err != nil {
		return fmt.Errorf("point %s.%s of %s at the row %s moved to: %w", r.Table, r.Column, r.TableID, mv.row.RowKey, err)
	}
	return nil
}

// dropMootConflicts deletes the conflicts of entities es that no longer
// hold: the entity or the other row is gone, the owner changed, or the two
// rows now agree on the column (a fresh load would not queue them).
func dropMootConflicts(ctx context.Context, tx pgx.Tx, m *MatchedTable, es []uuid.UUID) error {
	mm := m.Parts[0].Merge
	_, err := tx.Exec(ctx, fmt.Sprintf(`DELETE FROM sluice.conflicts AS c
		WHERE c.target_schema = $1 AND c.target_table = $2 AND c.entity = ANY($3) AND NOT EXISTS (
			SELECT 1 FROM %s AS e
			JOIN sluice.legacy_keys AS w ON w.entity = e.%[2]s AND w.source = e.%[3]s AND w.legacy_key = e.%[4]s::text
			JOIN sluice.legacy_keys AS o ON o.entity = e.%[2]s AND o.source = c.other_source AND o.legacy_key = c.other_key
			WHERE e.%[2]s = c.entity AND e.%[3]s = c.owner_source AND e.%[4]s::text = c.owner_key
				AND (w.row_values->>c.column_name) IS DISTINCT FROM (o.row_values->>c.column_name))`,
		scratchName, quoteIdent(mm.Key[0]), quoteIdent(mm.SourceColumn), quoteIdent(mm.Match.LegacyColumn)),
		m.Schema, m.Table, es)
	if err != nil {
		return fmt.Errorf("delete the conflicts that no longer hold: %w", err)
	}
	return nil
}
