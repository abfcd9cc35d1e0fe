package target

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// scratchName is the temporary table entities are rebuilt in.
var scratchName = pgx.Identifier{"pg_temp", "sluice_entities"}.Sanitize()

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
	// A column today's plan has and the table lacks (added to a source since
	// the copy) is left out, as the stream leaves it out.
	m = m.within(types)
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

// within is m with only the columns types has.
func (m *MatchedTable) within(types map[string]string) *MatchedTable {
	has := func(cols []string) []string {
		return slices.DeleteFunc(slices.Clone(cols), func(c string) bool { _, ok := types[c]; return !ok })
	}
	out := *m
	out.Columns = has(m.Columns)
	out.Parts = slices.Clone(m.Parts)
	for i := range out.Parts {
		out.Parts[i].Columns = has(out.Parts[i].Columns)
	}
	return &out
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

// writeEntities makes the entity rows es of the table that the scratch
// table holds what it holds: changed or inserted.
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
