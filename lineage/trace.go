package lineage

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
)

// Trace finds the lineage of one row of a table of p. table is a target
// table name ("track") or a source table ID ("chinook.Track"); key is the
// row's uuid (keys: uuid) or its legacy key as sluice.KeyText writes it
// ("1", or "1|3402" for a composite key). A key in neither the table nor its
// rejects is an *UnknownKeyError; a table the plan does not have, an
// *UnknownTableError. Trace only reads.
//
// A merged target table ("patients", fed by clinical.Patients and
// clinic_west.Patient) is looked up part by part in from: order: the first
// part that knows the key is traced, with a note naming the other parts
// that know it too.
func Trace(ctx context.Context, tgt *target.Target, p *plan.Plan, table, key string, opts ...Option) (*Lineage, error) {
	parts, err := findTables(p, table)
	if err != nil {
		return nil, err
	}
	var found *Lineage
	var unknown error
	for _, t := range parts {
		l, err := traceTable(ctx, tgt, p, t, key, opts)
		var uk *UnknownKeyError
		switch {
		case errors.As(err, &uk):
			unknown = errors.Join(unknown, err)
		case err != nil:
			return nil, err
		case found == nil:
			found = l
		default:
			found.note("key %s also names a row of %s: trace %s %s to see it", key, t.ID, t.ID, key)
		}
	}
	if found == nil {
		return nil, unknown
	}
	return found, nil
}

func traceTable(ctx context.Context, tgt *target.Target, p *plan.Plan, t *plan.Table, key string, opts []Option) (*Lineage, error) {
	st, err := readTableState(ctx, tgt, t.ID)
	if err != nil {
		return nil, err
	}
	tr := &tracer{state: tgt, q: tgt.Pool(), ns: p.Namespace, t: t, st: st, l: newLineage(p, t, st)}
	for _, o := range opts {
		o(tr)
	}
	if err := tr.trace(ctx, key); err != nil {
		return nil, err
	}
	return tr.l, nil
}

// tracer holds what the steps of one trace share.
type tracer struct {
	state *target.Target // the state schema: ledger, rejects, runs, legacy keys, trail
	q     Querier        // the target's tables
	ns    uuid.UUID
	t     *plan.Table
	st    *tableState
	l     *Lineage
	srcs  map[string]sluice.Source // see WithSources; nil when not given
}

func newLineage(p *plan.Plan, t *plan.Table, st *tableState) *Lineage {
	l := &Lineage{
		Source:  Source{Database: t.Source, Engine: t.Engine, Table: t.SourceTable, TableID: t.ID, KeyCols: keyColumns(t)},
		Target:  Target{Schema: st.schema, Table: st.table, Keys: t.Keys, Generation: st.generation, State: st.state},
		Mapping: Mapping{PlanHash: st.planHash, CurrentHash: t.Hash(p.Namespace), Columns: mappingOf(t)},
		Traced:  time.Now().UTC(),
	}
	switch {
	case st.planHash == "":
		l.note("the mapping of generation %d was not recorded; the mapping shown is the current config's", st.generation)
	case st.planHash != l.Mapping.CurrentHash:
		l.Mapping.Changed = true
		l.note("warning: the current config maps %s differently from generation %d (plan_hash %s, now %s): the rows were loaded with another mapping than the one shown; migrate will reload the table",
			t.ID, st.generation, short(st.planHash), short(l.Mapping.CurrentHash))
	}
	return l
}

func (tr *tracer) trace(ctx context.Context, key string) error {
	found, why, err := tr.findRows(ctx, key)
	if err != nil {
		return err
	}
	if !found {
		found, err = tr.findRejects(ctx, key)
		if err != nil {
			return err
		}
	}
	if !found {
		return &UnknownKeyError{TableID: tr.t.ID, Target: tr.st.schema + "." + tr.st.table, Key: key, Detail: why}
	}
	return tr.audit(ctx)
}

// findRows looks the key up in the target table: as a row uuid first, when
// it is one, then as a legacy key. The legacy key found is the source's.
func (tr *tracer) findRows(ctx context.Context, key string) (bool, string, error) {
	lk, u, isUUID := byUUID(tr.t, key)
	if isUUID {
		rows, _, err := readRows(ctx, tr.q, tr.st.schema, tr.st.table, lk)
		if err != nil {
			return false, "", err
		}
		if len(rows) > 0 {
			tr.l.Target.UUID = u.String()
			key := ""
			if err := tr.matches(ctx, &key); err != nil {
				return false, "", err
			}
			return true, "", tr.loaded(ctx, rows, key)
		}
	}
	found, why, err := tr.findLegacy(ctx, key)
	if !found && isUUID {
		why = joinNotes("no row has this uuid", why)
	}
	return found, why, err
}

func (tr *tracer) findLegacy(ctx context.Context, key string) (bool, string, error) {
	lk, why, err := tr.legacyLookup(ctx, key)
	if err != nil || lk == nil {
		return false, why, err
	}
	rows, why, err := readRows(ctx, tr.q, tr.st.schema, tr.st.table, lk)
	if err != nil || len(rows) == 0 {
		return false, why, err
	}
	if c := identityColumn(tr.t); c != nil {
		tr.l.Target.UUID, _ = rows[0].value(c.Name)
	}
	if err := tr.matches(ctx, &key); err != nil {
		return false, "", err
	}
	return true, "", tr.loaded(ctx, rows, key)
}

// legacyLookup is the search of the target table by a legacy key. A part
// matched on a natural key is searched by the entities sluice.legacy_keys
// says its source rows with that key were matched into.
func (tr *tracer) legacyLookup(ctx context.Context, key string) (*lookup, string, error) {
	if !matched(tr.t) {
		lk, why := byLegacyKey(tr.t, key)
		return lk, why, nil
	}
	entities, err := tr.state.EntitiesOfLegacyKey(ctx, tr.t.ID, key)
	if err != nil {
		return nil, "", err
	}
	return byEntities(tr.t, entities), "", nil
}

// matches lists, for a row of a table matched on a natural key, every
// source row matched into it, and sets *key to this part's own when it was
// not given (the legacy column holds the owner's, maybe another source's).
func (tr *tracer) matches(ctx context.Context, key *string) error {
	if !matched(tr.t) || tr.l.Target.UUID == "" {
		return nil
	}
	keys, err := matchedKeys(ctx, tr.state, tr.l.Target.UUID)
	if err != nil {
		return err
	}
	tr.l.Matched = keys
	if *key != "" {
		return nil
	}
	if own, ok := ownKey(tr.t, keys); ok {
		*key = own
		return nil
	}
	tr.l.note("no row of %s is matched into this row; it stands for the source rows listed under Matched", tr.t.ID)
	*key = "-"
	return nil
}

func joinNotes(a, b string) string {
	if b == "" {
		return a
	}
	return a + "; as a legacy key: " + b
}

// loaded records the rows found, their legacy key (read from the row when
// key is ""), and the chunk and run that loaded them.
func (tr *tracer) loaded(ctx context.Context, rows []Row, key string) error {
	tr.l.Rows = rows
	if key == "" {
		var ok bool
		if key, ok = legacyKeyOf(tr.t, rows[0]); !ok {
			tr.l.note("unknown chunk: the row keeps no legacy key to place it in the ledger")
			return nil
		}
	}
	tr.l.Source.Key = key
	parts, ok, err := tr.pageParts(ctx, key)
	if err != nil || !ok {
		return err
	}
	c, note, err := locateChunk(ctx, tr.state, tr.t.ID, tr.st.generation, parts)
	if err != nil {
		return err
	}
	tr.l.note("%s", note)
	return tr.setChunk(ctx, c)
}

// findRejects looks the key up in sluice.rejects for the table's current
// generation: by legacy key, or by the uuid the row would have had.
func (tr *tracer) findRejects(ctx context.Context, key string) (bool, error) {
	rs, err := rejectsOf(ctx, tr.state, tr.t.ID, tr.st.generation, key)
	if err != nil {
		return false, err
	}
	if u, perr := uuid.Parse(key); len(rs) == 0 && perr == nil && roleColumn(tr.t, plan.RoleRowUUID) != nil {
		key, rs, err = rejectsOfUUID(ctx, tr.state, tr.t.ID, tr.st.generation, u, tr.rowUUID)
		if err != nil {
			return false, err
		}
	}
	if len(rs) == 0 {
		return false, nil
	}
	tr.l.Rejects, tr.l.Source.Key = rs, key
	if roleColumn(tr.t, plan.RoleRowUUID) != nil {
		tr.l.Target.UUID = tr.rowUUID(key).String()
	}
	c, err := chunkNo(ctx, tr.state, tr.t.ID, tr.st.generation, rs[0].ChunkNo)
	if err != nil {
		return false, err
	}
	if c == nil {
		tr.l.note("unknown chunk: chunk %d of the reject is not in the ledger", rs[0].ChunkNo)
	}
	return true, tr.setChunk(ctx, c)
}

// rowUUID is the uuid the migration gives the row with this legacy key:
// sluice.KeyUUID, computed from the key's text as sluice.KeyName spells it,
// as the identity of the table's row or, for a subtype, of its root's.
func (tr *tracer) rowUUID(key string) uuid.UUID {
	source, table := tr.t.Source, tr.t.SourceTable
	if c := roleColumn(tr.t, plan.RoleRowUUID); c != nil {
		source, table = c.Identity(tr.t)
		key = identityKey(tr.t, c, key)
	}
	return uuid.NewSHA1(tr.ns, []byte(source+"."+table+":"+key))
}

// identityKey reorders a composite legacy key (the table's key order) into
// the order of the row uuid's key columns, which a subtype takes from its
// root's primary key.
func identityKey(t *plan.Table, id *plan.Column, key string) string {
	legacy := roleColumn(t, plan.RoleLegacyKey)
	if legacy == nil || len(id.KeyColumns) < 2 || slices.Equal(legacy.KeyColumns, id.KeyColumns) {
		return key
	}
	parts, ok := SplitKey(key, len(legacy.KeyColumns))
	if !ok {
		return key
	}
	ordered := make([]string, len(id.KeyColumns))
	for i, k := range id.KeyColumns {
		j := slices.Index(legacy.KeyColumns, k)
		if j < 0 {
			return key
		}
		ordered[i] = parts[j]
	}
	return joinKey(ordered)
}

// setChunk records the chunk and the run that committed it.
func (tr *tracer) setChunk(ctx context.Context, c *Chunk) error {
	tr.l.Chunk = c
	if c == nil || c.RunID == 0 {
		return nil
	}
	run, err := readRun(ctx, tr.state, c.RunID)
	tr.l.Run = run
	return err
}

// audit records the audit entries that cover the row.
func (tr *tracer) audit(ctx context.Context) error {
	chunk, run := 0, int64(0)
	if c := tr.l.Chunk; c != nil {
		chunk, run = c.No, c.RunID
	}
	entries, err := auditEntries(ctx, tr.state, tr.t.ID, tr.st.generation, chunk, run)
	if isNoAudit(err) {
		tr.l.note("%v", err)
		return nil
	}
	tr.l.Audit = entries
	return err
}
