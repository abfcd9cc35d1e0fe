package target

import (
	"fmt"
	"slices"
	"strings"
)

// matchParts writes the SQL of a matched part's merge.
type matchParts struct {
	st                *stage
	m                 *MergeSpec
	mt                *MatchSpec
	id, src, leg      string   // quoted: entity, source and legacy key columns
	data              []string // the data columns this part provides
	columns, winCols  []string
	changed           string // a winner differs from the row it wins
	rank, sourceRank  int    // len(Rank)+1 for a source not ranked, and this part's rank
	target, stageName string
}

func newMatchParts(st *stage) *matchParts {
	m := st.c.Merge
	mt := m.Match
	p := &matchParts{st: st, m: m, mt: mt, id: quoteIdent(m.Key[0]), src: quoteIdent(m.SourceColumn),
		leg: quoteIdent(mt.LegacyColumn), columns: st.c.Columns, target: st.target, stageName: st.name}
	lineage := []string{m.Key[0], m.SourceColumn, mt.LegacyColumn, m.HashColumn}
	for _, col := range st.c.Columns {
		if slices.Contains(mt.Provided, col) && !slices.Contains(lineage, col) {
			p.data = append(p.data, col)
		}
	}
	for _, col := range st.c.Columns {
		if col != m.Key[0] && (slices.Contains(lineage, col) || slices.Contains(p.data, col) || slices.Contains(m.Resolve, col)) {
			p.winCols = append(p.winCols, col)
		}
	}
	p.changed = distinct(append([]string{m.HashColumn, m.SourceColumn, mt.LegacyColumn}, m.Resolve...))
	p.rank, p.sourceRank = len(mt.Rank)+1, rankOf(mt.Rank, m.Source)
	return p
}

// rankOf is the 1-based rank of source, len(rank)+1 when it is not ranked.
func rankOf(rank []string, source string) int {
	if i := slices.Index(rank, source); i >= 0 {
		return i + 1
	}
	return len(rank) + 1
}

// providers are the sources providing col (this part's source when the spec
// does not say).
func (p *matchParts) providers(col string) []string {
	if ps := p.mt.Providers[col]; len(ps) > 0 {
		return ps
	}
	return []string{p.m.Source}
}

// win is the condition that staged row s wins entity row t: s is t's owner
// row, or (latest) s is later, or s's source ranks better (a tie on latest
// goes by rank). A row that cannot be compared loses.
func (p *matchParts) win(a *sqlArgs) string {
	same := fmt.Sprintf("(t.%[1]s = s.%[1]s AND t.%[2]s = s.%[2]s)", p.src, p.leg)
	better := fmt.Sprintf("coalesce(array_position(%s::text[], t.%s), %d) > %d", a.add(p.mt.Rank), p.src, p.rank, p.sourceRank)
	if p.mt.Latest == "" {
		return fmt.Sprintf("coalesce(%s OR %s, false)", same, better)
	}
	return fmt.Sprintf(`coalesce(%[1]s OR s.%[2]s > t.%[2]s OR (s.%[2]s IS NOT NULL AND t.%[2]s IS NULL)
		OR (s.%[2]s IS NOT DISTINCT FROM t.%[2]s AND %[3]s), false)`, same, quoteIdent(p.mt.Latest), better)
}

// classify counts, in one pass over the legacy keys and the table, the
// staged rows each statement has work for: a rerun of unchanged rows then
// probes each index once, and writes nothing.
func (p *matchParts) classify() stmt {
	a := rangeArgs()
	tid, schema, table := a.add(p.st.c.TableID), a.add(p.st.c.Schema), a.add(p.st.c.Table)
	return stmt{sql: fmt.Sprintf(`SELECT count(*) FILTER (WHERE lk.legacy_uuid IS NULL),
			count(*) FILTER (WHERE lk.entity <> s.%[1]s OR lk.legacy_key <> s.%[2]s::text OR lk.source <> s.%[3]s
				OR lk.table_id <> %[4]s OR lk.target_schema <> %[5]s OR lk.target_table <> %[6]s
				OR lk.row_values IS DISTINCT FROM %[12]s),
			count(*) FILTER (WHERE t.%[1]s IS NULL),
			count(*) FILTER (WHERE t.%[1]s IS NOT NULL
				AND NOT coalesce(t.%[3]s = s.%[3]s AND t.%[2]s = s.%[2]s AND NOT %[10]s, false))
		FROM %[7]s AS s LEFT JOIN sluice.legacy_keys AS lk ON lk.legacy_uuid = s.%[9]s
			LEFT JOIN %[11]s AS t ON t.%[1]s = s.%[1]s
		WHERE %[8]s`,
		p.id, p.leg, p.src, tid, schema, table, p.stageName, inRange, stageIdentity, p.changed, p.target, p.rowValues(a)), args: a}
}

// moved deletes the entity rows owned by a staged row that is now matched
// to another entity (its natural key changed): the row competes for its new
// entity, and the old one is left without an owner, like an entity whose
// owning row is gone (see DeleteMissing); other rows matched to it bring it
// back at their next load.
func (p *matchParts) moved() stmt {
	return stmt{sql: fmt.Sprintf(`DELETE FROM %s AS t USING %s AS s, sluice.legacy_keys AS lk
		WHERE %s AND lk.legacy_uuid = s.%s AND lk.entity <> s.%[5]s
			AND t.%[5]s = lk.entity AND t.%[6]s = s.%[6]s AND t.%[7]s = s.%[7]s`,
		p.target, p.stageName, inRange, stageIdentity, p.id, p.src, p.leg), args: rangeArgs()}
}

// legacyKeys records the staged rows' identities: changed ones are updated
// and new ones inserted, so that a rerun writes nothing.
func (p *matchParts) legacyKeys() (update, insert stmt) {
	a := rangeArgs()
	tid, schema, table, values := a.add(p.st.c.TableID), a.add(p.st.c.Schema), a.add(p.st.c.Table), p.rowValues(a)
	update = stmt{sql: fmt.Sprintf(`UPDATE sluice.legacy_keys AS lk SET entity = s.%[1]s, legacy_key = s.%[2]s::text,
			source = s.%[3]s, table_id = %[4]s, target_schema = %[5]s, target_table = %[6]s, row_values = %[10]s
		FROM %[7]s AS s WHERE %[8]s AND lk.legacy_uuid = s.%[9]s
			AND (lk.entity <> s.%[1]s OR lk.legacy_key <> s.%[2]s::text OR lk.source <> s.%[3]s
				OR lk.table_id <> %[4]s OR lk.target_schema <> %[5]s OR lk.target_table <> %[6]s
				OR lk.row_values IS DISTINCT FROM %[10]s)`,
		p.id, p.leg, p.src, tid, schema, table, p.stageName, inRange, stageIdentity, values), args: a}
	a = rangeArgs()
	tid, schema, table, values = a.add(p.st.c.TableID), a.add(p.st.c.Schema), a.add(p.st.c.Table), p.rowValues(a)
	insert = stmt{sql: fmt.Sprintf(`INSERT INTO sluice.legacy_keys (legacy_uuid, table_id, target_schema, target_table,
			source, legacy_key, entity, row_values)
		SELECT s.%[9]s, %[4]s, %[5]s, %[6]s, s.%[3]s, s.%[2]s::text, s.%[1]s, %[10]s FROM %[7]s AS s
		WHERE %[8]s AND NOT EXISTS (SELECT 1 FROM sluice.legacy_keys AS lk WHERE lk.legacy_uuid = s.%[9]s)
		ON CONFLICT (legacy_uuid) DO NOTHING`,
		p.id, p.leg, p.src, tid, schema, table, p.stageName, inRange, stageIdentity, values), args: a}
	return update, insert
}

// rowValues is the staged row s as the state keeps it: each column's value
// as PostgreSQL writes it as text, by name. A live sync rebuilds an entity
// from these when one of its rows changes (see rebuildEntities): the other
// sources' rows are not at hand then.
func (p *matchParts) rowValues(a *sqlArgs) string {
	values := make([]string, len(p.columns))
	for i, col := range p.columns {
		values[i] = "s." + quoteIdent(col) + "::text"
	}
	return fmt.Sprintf("jsonb_object(%s::text[], ARRAY[%s]::text[])", a.add(p.columns), strings.Join(values, ", "))
}

// insertNew inserts the rows of entities the table does not hold yet.
func (p *matchParts) insertNew() stmt {
	return stmt{sql: fmt.Sprintf(`INSERT INTO %s (%s) SELECT %s FROM %s AS s
		WHERE %s AND %s AND NOT EXISTS (SELECT 1 FROM %[1]s AS t WHERE t.%[7]s = s.%[7]s)`,
		p.target, qualify("", p.columns), qualify("s", p.columns), p.stageName, inRange, inRound, p.id), args: roundArgs()}
}

// winner rewrites an entity row with a winning row that differs from it.
func (p *matchParts) winner() stmt {
	a := roundArgs()
	return stmt{sql: fmt.Sprintf(`UPDATE %s AS t SET %s FROM %s AS s
		WHERE %s AND %s AND t.%s = s.%[6]s AND %s AND %s`,
		p.target, assign(p.winCols), p.stageName, inRange, inRound, p.id, p.win(a), p.changed), args: a}
}

// loser fills, from a losing row, the columns the entity's owner cannot give
// (its source does not provide them) where they differ. When several losing
// rows could fill a column, the best-ranked source's gives it (the lowest
// legacy key among one source's rows), wherever the rows come in the load
// order: a rerun then writes nothing.
func (p *matchParts) loser() stmt {
	a := roundArgs()
	win := p.win(a)
	var sets, fills []string
	for _, col := range p.data {
		if coversAll(p.providers(col), p.mt.Rank) {
			continue // the owner's source provides it, whichever it is
		}
		f := p.fill(a, col)
		c := quoteIdent(col)
		sets = append(sets, fmt.Sprintf("%s = CASE WHEN %s THEN s.%[1]s ELSE t.%[1]s END", c, f))
		fills = append(fills, f)
	}
	if len(fills) == 0 {
		return stmt{args: a}
	}
	return stmt{sql: fmt.Sprintf(`UPDATE %s AS t SET %s FROM %s AS s
		WHERE %s AND %s AND t.%s = s.%[6]s AND NOT %s AND (%s) RETURNING s.%s`,
		p.target, strings.Join(sets, ", "), p.stageName, inRange, inRound, p.id, win,
		strings.Join(fills, " OR "), stageOrd), args: a}
}

// fill is the condition that losing row s gives column col to entity row t.
func (p *matchParts) fill(a *sqlArgs, col string) string {
	better := []string{}
	for _, src := range p.providers(col) {
		if rankOf(p.mt.Rank, src) < p.sourceRank {
			better = append(better, src)
		}
	}
	return fmt.Sprintf(`(t.%[1]s <> ALL(%[2]s::text[]) AND t.%[3]s::text IS DISTINCT FROM s.%[3]s::text
		AND NOT EXISTS (SELECT 1 FROM sluice.legacy_keys AS lk WHERE lk.entity = s.%[4]s
			AND (lk.source = ANY(%[5]s::text[])
				OR (lk.source = s.%[1]s AND lk.legacy_key COLLATE "C" < s.%[6]s::text COLLATE "C"))))`,
		p.src, a.add(p.providers(col)), quoteIdent(col), p.id, a.add(better), p.leg)
}

// coversAll reports whether every ranked source is among providers.
func coversAll(providers, rank []string) bool {
	for _, s := range rank {
		if !slices.Contains(providers, s) {
			return false
		}
	}
	return len(rank) > 0
}
