package transform

import (
	"github.com/google/uuid"
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
)

// identity computes a source row's legacy identity: what a foreign key to
// the row computes (RoleRefUUID), whatever the row's own id is.
type identity struct {
	legacy *column // the table's RoleLegacyKey column; nil when none
	ns     uuid.UUID
	source string
	table  string
	hasher sluice.KeyHasher
}

func newIdentity(t *plan.Table, ns uuid.UUID, cols []column) identity {
	id := identity{ns: ns, source: t.Source, table: t.SourceTable}
	for i := range cols {
		if cols[i].role == plan.RoleLegacyKey {
			id.legacy = &cols[i]
			break
		}
	}
	return id
}

// Identity returns KeyUUID(namespace, source, source table, the values of
// the legacy key column's KeyColumns): the identity a child's foreign key
// computes, which sluice.legacy_keys maps to the row a natural key matched.
// It is false when the table has no legacy key column, or a key part is NULL.
// It serves the parts of merged tables, which never take a subtype's root
// identity (plan.Column.Identity): their own is what references compute.
func (r *Row) Identity(src []any) (uuid.UUID, bool) {
	if r.legacy == nil || len(src) != r.width {
		return uuid.Nil, false
	}
	r.legacy.gather(src)
	return r.hasher.UUID(r.ns, r.source, r.table, r.legacy.scratch)
}
