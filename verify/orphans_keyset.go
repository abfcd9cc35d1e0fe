package verify

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
)

// Level 3 of chosen keys (Options.Keys). A cutover checks every reference
// before its freeze and, under it, only those whose result may have changed
// since: the references of the child rows whose keys are given (inserted or
// changed since), and those to the parent rows whose keys are given when no
// parent row holds the value they were referenced by any more (deleted, or
// their key changed). Any other child row held, when it was checked, a
// value some parent row held, and both rows are as they were then.
//
// The value a parent row is referenced by must follow from its source key
// alone, so that it is known also for a deleted row: its row UUID (the key
// function of that key) or the key itself. Other foreign keys are checked
// whole.

// keyedRefs is what level 3 checks again of one foreign key.
type keyedRefs struct {
	childCol  string  // the child's target column holding its source key
	children  []int64 // the source keys of the child rows to check
	parentKey string  // the parent's target column holding its source key
	parents   []int64 // the source keys of the parent rows given
	refType   string  // the SQL type of refs: uuid or bigint
	refs      any     // what each of parents is referenced by: []string (UUIDs) or []int64
}

// keyedRefsOf returns what level 3 checks again of fk when Options.Keys
// names both the child table and its parent, and the parent is referenced
// by its row UUID or its one integer key; false checks fk whole.
func (v *tableCheck) keyedRefsOf(fk plan.ForeignKey) (keyedRefs, bool) {
	children, ok := v.o.Keys[v.t.ID]
	if !ok || !KeySetCheckable(v.t) || len(fk.Columns) != 1 {
		return keyedRefs{}, false
	}
	parent := v.parentOf(fk)
	if parent == nil {
		return keyedRefs{}, false
	}
	parents, ok := v.o.Keys[parent.ID]
	if !ok || !KeySetCheckable(parent) {
		return keyedRefs{}, false
	}
	sh := shapeOf(parent)
	r := keyedRefs{childCol: v.t.Columns[shapeOf(v.t).rangeOn[0]].Name, children: children,
		parentKey: parent.Columns[sh.rangeOn[0]].Name, parents: parents}
	ref := slices.IndexFunc(parent.Columns, func(c plan.Column) bool { return c.Name == fk.RefColumns[0] })
	switch {
	case ref < 0:
		return keyedRefs{}, false
	case ref == sh.rangeOn[0]:
		r.refType, r.refs = "bigint", parents
	case parent.Columns[ref].Role == plan.RoleRowUUID && slices.Equal(parent.Columns[ref].KeyColumns, parent.Key):
		r.refType, r.refs = "uuid", rowUUIDs(v.p.Namespace, parent, &parent.Columns[ref], parents)
	default:
		return keyedRefs{}, false
	}
	return r, true
}

// parentOf is the one planned table, not a part of a merged table, that
// fills the table fk references in the child's database; nil when none or
// several.
func (v *tableCheck) parentOf(fk plan.ForeignKey) *plan.Table {
	var found *plan.Table
	for _, t := range v.p.Tables {
		if t.Name != fk.RefTable || t.Database != v.t.Database || schemaOf(v.p, t) != schemaOf(v.p, v.t) {
			continue
		}
		if found != nil || t.Merged != nil {
			return nil
		}
		found = t
	}
	return found
}

// rowUUIDs are the row UUIDs the load gives the rows of keys of t, whose
// UUID column is col: the key function of each key, as the rows' (or, for a
// subtype, its root's) identity.
func rowUUIDs(ns uuid.UUID, t *plan.Table, col *plan.Column, keys []int64) []string {
	src, table := col.Identity(t)
	out := make([]string, len(keys))
	for i, k := range keys {
		u, _ := sluice.KeyUUID(ns, src, table, []any{k})
		out[i] = u.String()
	}
	return out
}

// orphanRows narrows all, the query of every orphan of fk (a WHERE clause
// last), to the rows Options.Keys asks to check again, with its arguments;
// all itself when fk is checked whole.
func (v *tableCheck) orphanRows(ctx context.Context, fk plan.ForeignKey, parent *catalog, all string) (string, []any, error) {
	r, ok := v.keyedRefsOf(fk)
	if !ok {
		return all, nil, nil
	}
	if hold, err := v.refsHold(ctx, fk, parent, r); err != nil || !hold {
		return all, nil, err
	}
	v.refsByKeys++
	q, args := all+" AND "+qualified("c", r.childCol)+" = ANY($1::bigint[])", []any{r.children}
	gone, err := v.goneRefs(ctx, fk, parent, r)
	if err != nil || len(gone) == 0 {
		return q, args, err
	}
	q += " UNION " + all + " AND " + qualified("c", fk.Columns[0]) + " = ANY($2::text[]::" + r.refType + "[])"
	return q, append(args, gone), nil
}

// goneRefs are the values, as text, that the parent rows of r's keys were
// referenced by and that no parent row holds now. Found first, so that the
// children are looked for only when a parent is gone: the child's column
// may have no index.
func (v *tableCheck) goneRefs(ctx context.Context, fk plan.ForeignKey, parent *catalog, r keyedRefs) ([]string, error) {
	q := fmt.Sprintf("SELECT t.v::text FROM unnest($1::%s[]) t(v) WHERE NOT EXISTS (SELECT 1 FROM %s p WHERE %s = t.v)",
		r.refType, parent.name, qualified("p", fk.RefColumns[0]))
	rows, err := v.db.Query(ctx, q, r.refs)
	if err != nil {
		return nil, fmt.Errorf("look for the rows of %s that are gone: %w", parent.name, err)
	}
	gone, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("look for the rows of %s that are gone: %w", parent.name, err)
	}
	return gone, nil
}

// refsHold reports whether each parent row of r's keys still in the table
// holds the value keyedRefsOf computed for it: that the key function gives
// here what the load wrote. When it does not, fk is checked whole rather
// than trusting the values computed for the deleted rows.
func (v *tableCheck) refsHold(ctx context.Context, fk plan.ForeignKey, parent *catalog, r keyedRefs) (bool, error) {
	if r.refType != "uuid" {
		return true, nil // the key itself
	}
	q := fmt.Sprintf("SELECT count(*) FROM unnest($1::bigint[], $2::uuid[]) t(k, v) JOIN %s p ON %s = t.k WHERE %s IS DISTINCT FROM t.v",
		parent.name, qualified("p", r.parentKey), qualified("p", fk.RefColumns[0]))
	var wrong int64
	if err := v.db.QueryRow(ctx, q, r.parents, r.refs).Scan(&wrong); err != nil {
		return false, fmt.Errorf("check the row UUIDs of %s: %w", parent.name, err)
	}
	return wrong == 0, nil
}
