package verify

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
)

// A foreign key to a row whose UUID is its own (Options.OwnUUIDs: a row
// the application inserted on the target after a cutover) holds that UUID,
// not the one the key function gives the referenced row's legacy key,
// which is what the mapping computes from the source. Such a value is no
// finding when the row it references holds, in its legacy column, the key
// the source row references. The value findings of reference columns are
// held back while a chunk is compared and settled in one query per
// referenced table.

// refCheck is a held-back value finding of a reference column.
type refCheck struct {
	f        Finding
	col      int       // the reference column, in the view
	computed uuid.UUID // what the mapping gives: KeyUUID of the referenced legacy key
	held     uuid.UUID // what the target row holds
}

// holdRef holds back the finding f on column k (source field a, target
// field b) when it may be a reference to a row with a UUID of its own.
func (w *worker) holdRef(k int, a, b field, f Finding) bool {
	if !w.s.v.o.OwnUUIDs || w.s.view.Columns[k].Role != plan.RoleRefUUID || a.null || b.null || len(a.b) != 16 || len(b.b) != 16 {
		return false
	}
	w.refs = append(w.refs, refCheck{f: f, col: k, computed: uuid.UUID(a.b), held: uuid.UUID(b.b)})
	return true
}

// settleRefs reports the held-back findings whose referenced row does not
// hold the referenced legacy key.
func (w *worker) settleRefs(ctx context.Context) error {
	byCol := map[int][]refCheck{}
	for _, r := range w.refs {
		byCol[r.col] = append(byCol[r.col], r)
	}
	w.refs = w.refs[:0]
	for k, checks := range byCol {
		keys, err := w.s.referencedKeys(ctx, k, checks)
		if err != nil {
			return err
		}
		src, table := w.s.view.Columns[k].Identity(w.s.view)
		for _, r := range checks {
			legacy, ok := keys[r.held]
			if ok {
				if u, _ := sluice.KeyUUID(w.s.v.p.Namespace, src, table, []any{legacy}); u == r.computed {
					continue
				}
			}
			w.s.v.add(r.f)
		}
	}
	return nil
}

// referencedKeys reads the legacy keys (as text, which the key function
// reads them as) of the rows the checks' values reference, by UUID.
func (s *scan) referencedKeys(ctx context.Context, k int, checks []refCheck) (map[uuid.UUID]string, error) {
	parent := s.referenced(k)
	if parent == nil {
		return nil, nil
	}
	sh := shapeOf(parent)
	if !sh.uuidKeys() {
		return nil, nil
	}
	ids := make([]string, len(checks))
	for i, r := range checks {
		ids[i] = r.held.String()
	}
	id, legacy := pgx.Identifier{parent.Columns[sh.rowUUID].Name}.Sanitize(), pgx.Identifier{parent.Columns[sh.legacy].Name}.Sanitize()
	q := fmt.Sprintf("SELECT %s::text, %s::text FROM %s WHERE %s = ANY($1::uuid[])", id, legacy, pgx.Identifier{parent.Schema, parent.Name}.Sanitize(), id)
	rows, err := s.v.db.Query(ctx, q, ids)
	if err != nil {
		return nil, fmt.Errorf("read the rows %s references in %s: %w", s.view.Columns[k].Name, parent.Name, err)
	}
	out := map[uuid.UUID]string{}
	for rows.Next() {
		var u, key string
		if err := rows.Scan(&u, &key); err != nil {
			return nil, err
		}
		id, err := uuid.Parse(u)
		if err != nil {
			return nil, err
		}
		out[id] = key
	}
	return out, rows.Err()
}

// referenced is the planned table whose rows reference column k
// identifies; nil when the plan has none (another database's).
func (s *scan) referenced(k int) *plan.Table {
	src, table := s.view.Columns[k].Identity(s.view)
	for _, t := range s.v.p.Tables {
		if t.Source == src && t.SourceTable == table && t.Database == s.v.t.Database {
			return t
		}
	}
	return nil
}
