package verify

import (
	"context"
	"fmt"

	"github.com/sluicedb/sluice/plan"
)

// A reference to a table merged on a natural key is computed, as every uuid
// reference is, from the referenced source row's legacy key; the load then
// replaces it by the entity sluice.legacy_keys maps that identity to, and
// leaves a value it finds no mapping for as it is (an orphan, which level 3
// reports). Verify does the same to the transformed source rows before they
// are compared.

// resolveColumns lists the columns of t whose values are resolved so.
func resolveColumns(t *plan.Table) []int {
	var idx []int
	for i, c := range t.Columns {
		if c.ResolveMatch {
			idx = append(idx, i)
		}
	}
	return idx
}

// resolveRefs replaces, in the transformed rows, each resolved column's
// legacy identity by its entity.
func (s *scan) resolveRefs(ctx context.Context, rows []pendingRow) error {
	var ids [][16]byte
	seen := map[[16]byte]bool{}
	for _, r := range rows {
		for _, ci := range s.resolve {
			if u, ok := r.vals[ci].([16]byte); ok && !seen[u] {
				seen[u] = true
				ids = append(ids, u)
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	entities, err := s.entities(ctx, ids)
	if err != nil {
		return err
	}
	for _, r := range rows {
		for _, ci := range s.resolve {
			if u, ok := r.vals[ci].([16]byte); ok {
				if e, ok := entities[u]; ok {
					r.vals[ci] = e
				}
			}
		}
	}
	return nil
}

// entities reads the entities sluice.legacy_keys maps the identities to.
func (s *scan) entities(ctx context.Context, ids [][16]byte) (map[[16]byte][16]byte, error) {
	out, err := s.v.state.MatchedEntities(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("resolve the matched references of %s: %w", s.view.ID, err)
	}
	return out, nil
}
