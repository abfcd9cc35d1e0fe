package reverse

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/inverse"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
)

// A rewritten foreign key goes back to its source as the legacy key of the
// row its uuid names. That row is found, in order: among the rows the
// transaction being applied inserted without a key (the source generates
// it; the reference waits for it), else on the target by its uuid (its
// legacy column), else, for a table merged on a natural key, in
// sluice.legacy_keys (the row of the referenced source table matched into
// the entity). A row the application deleted on the target after the
// reference was written (the stream reads the target as it is now) is
// still in the source: its key is found there, by computing the identity
// of each of the source table's keys.

// refSite is where the rows of one source table are on the target.
type refSite struct {
	id   string // the plan table's ID
	row  target.RowRef
	keys int // its legacy key's columns
	// owner is the source of a row without lineage: the table's source,
	// or a merged table's new_rows ("" when it names none).
	owner   string
	matched bool // merged on match_on: the uuid is an entity's
	// source, table and keyCols are the source table and the key columns
	// whose KeyUUID under identity is a row's uuid.
	source, table string
	keyCols       []string
	identity      [2]string
}

// inserted is an insert without a key earlier in the transaction: the
// source that receives it and its index in that source's batch.
type inserted struct {
	source string
	change int
}

// pendingKey stands for part of the key the source generates for an
// inserted row, until the batch it goes into is known.
type pendingKey struct {
	inserted
	part int
}

// insertKey names a target row: its table and uuid.
type insertKey struct {
	table string
	id    [16]byte
}

func refSites(p *plan.Plan) map[string]refSite {
	out := map[string]refSite{}
	for _, t := range p.Tables {
		site := refSite{id: t.ID, owner: t.Source, row: target.RowRef{Schema: p.Schema, Table: t.Name}, source: t.Source, table: t.SourceTable}
		if len(t.PrimaryKey) == 1 {
			site.row.Key = t.PrimaryKey[0]
		}
		for _, c := range t.Columns {
			switch c.Role {
			case plan.RoleLegacyKey:
				site.row.Legacy, site.keys = c.Name, len(c.KeyColumns)
			case plan.RoleRowUUID:
				site.keyCols = c.KeyColumns
				site.identity[0], site.identity[1] = c.Identity(t)
			}
		}
		if m := t.Merged; m != nil {
			site.row.Lineage, site.owner, site.matched = m.SourceColumn, m.NewRows, len(m.MatchOn) > 0
		}
		out[t.ID] = site
	}
	return out
}

// ref is the stream's inverse.Refs.
func (s *Stream) ref(ctx context.Context, source, table string, id [16]byte) (inverse.Ref, bool, error) {
	site, ok := s.sites[source+"."+table]
	if !ok {
		return inverse.Ref{}, false, fmt.Errorf("%s.%s is not a table of the plan", source, table)
	}
	if in, ok := s.inserted[insertKey{site.row.Table, id}]; ok {
		pending := make([]any, site.keys)
		for i := range pending {
			pending[i] = pendingKey{in, i}
		}
		return inverse.Ref{Owner: in.source, Pending: pending}, true, nil
	}
	if site.matched {
		return s.matchedRef(ctx, site, source, id)
	}
	if site.row.Key == "" || site.row.Legacy == "" {
		return inverse.Ref{}, false, fmt.Errorf("%s.%s is on the target as %s without a uuid key and a legacy key column", source, table, site.row.Table)
	}
	row, found, err := s.Target.ReadReferenced(ctx, site.row, id)
	if err != nil {
		return inverse.Ref{}, false, err
	}
	if !found {
		return s.sourceRef(ctx, site, id)
	}
	owner := site.owner
	if row.Lineage != "" {
		owner = row.Lineage
	}
	return inverse.Ref{Owner: owner, Legacy: row.Legacy}, true, nil
}

// matchedRef finds the row of source.table matched into the entity id.
func (s *Stream) matchedRef(ctx context.Context, site refSite, source string, id [16]byte) (inverse.Ref, bool, error) {
	keys, err := s.Target.MatchedLegacyKeys(ctx, id, site.id)
	switch {
	case err != nil:
		return inverse.Ref{}, false, err
	case len(keys) == 0:
		return inverse.Ref{}, false, fmt.Errorf("entity %s of %s holds no row of %s (it came from other sources, or was inserted on the target): source %s has no key for it",
			uuid.UUID(id), site.row.Table, site.id, source)
	case len(keys) > 1:
		return inverse.Ref{}, false, fmt.Errorf("several rows of %s were matched into %s (%s, %s, ...): which one the reference means is not known", site.id, uuid.UUID(id), keys[0], keys[1])
	}
	return inverse.Ref{Owner: source, Legacy: inverse.KeyText(keys[0])}, true, nil
}

// remember records an insert without a key, so that a reference to its
// row later in the transaction waits for the key the source generates.
func (s *Stream) remember(inv *inverse.Table, after []any, source string, change int) {
	_, vals := inv.Identity(after)
	if id, ok := rowID(vals); ok {
		s.inserted[insertKey{inv.Name(), id}] = inserted{source, change}
	}
}

// settle replaces the pending keys among a source's changes: a key the
// same batch generates becomes a sluice.GeneratedRef, which the sink fills
// in its transaction; a key another source generated earlier in this
// transaction is put in. A key not known (that source's batch was applied
// before, by a run that crashed) is left a GeneratedRef the sink refuses,
// should it have to apply the change at all.
func (s *Stream) settle(source string, ps []pending) {
	for _, p := range ps {
		for i, v := range p.change.Values {
			k, ok := v.(pendingKey)
			if !ok {
				continue
			}
			switch key := s.generated[k.inserted]; {
			case k.source == source:
				p.change.Values[i] = sluice.GeneratedRef{Change: k.change, Part: k.part}
			case k.part < len(key):
				p.change.Values[i] = key[k.part]
			default:
				p.change.Values[i] = sluice.GeneratedRef{Change: -1, Part: k.part}
			}
		}
	}
}

// sourceRef finds the key of the row whose uuid is id among the keys of
// the source table: a row deleted on the target since the reference was
// written, and not yet in the source. It reads every key (once, for a
// rare case); a row inserted on the target has a uuid of its own and is
// not found.
func (s *Stream) sourceRef(ctx context.Context, site refSite, id [16]byte) (inverse.Ref, bool, error) {
	src := s.Sinks[site.source]
	if src == nil || len(site.keyCols) == 0 {
		return inverse.Ref{}, false, nil
	}
	it, err := src.Read(ctx, sluice.ReadRequest{Table: site.table, Columns: site.keyCols})
	if err != nil {
		return inverse.Ref{}, false, fmt.Errorf("look for row %s in %s: %w", uuid.UUID(id), site.id, err)
	}
	defer it.Close()
	var h sluice.KeyHasher
	for it.Next() {
		key := it.Values()
		if u, ok := h.UUID(s.namespace, site.identity[0], site.identity[1], key); ok && u == id {
			return inverse.Ref{Owner: site.source, Legacy: legacyOf(key)}, true, nil
		}
	}
	return inverse.Ref{}, false, it.Err()
}

// legacyOf is a key as the target's legacy column would hold it.
func legacyOf(key []any) any {
	if len(key) == 1 {
		return key[0]
	}
	return inverse.KeyText(sluice.KeyText(key))
}
