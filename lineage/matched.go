package lineage

import (
	"context"
	"fmt"

	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
)

// A table merged from several sources on a natural key holds one row per
// entity, owned by one source row; every source row matched into it is in
// sluice.legacy_keys. Its rows are found by the entity's uuid, or by any
// matched source row's legacy key, and a trace lists every source row that
// the entity stands for.

// MatchedKey is one source row matched into a traced entity's row.
type MatchedKey struct {
	TableID   string `json:"table_id"` // "<source>.<table>"
	Source    string `json:"source"`
	LegacyKey string `json:"legacy_key"`
}

// identityColumn is the column holding a row's uuid: its own, a matched
// entity's, or an expanded child's.
func identityColumn(t *plan.Table) *plan.Column {
	for _, r := range []plan.Role{plan.RoleRowUUID, plan.RoleMatchUUID, plan.RoleExpandUUID} {
		if c := roleColumn(t, r); c != nil {
			return c
		}
	}
	return nil
}

func matched(t *plan.Table) bool { return t.Merged != nil && len(t.Merged.MatchOn) > 0 }

// byEntities finds the rows of a matched part with these entities (the
// entities its source rows with a legacy key were matched into): the legacy
// column holds only the owner's key.
func byEntities(t *plan.Table, entities [][16]byte) *lookup {
	return &lookup{where: colRef(identityColumn(t).Name) + " = ANY($1::uuid[])", args: []any{entities}}
}

// bySourceLegacy finds a row of a merged table without a natural key: the
// legacy key is unique only with the source.
func bySourceLegacy(t *plan.Table, key string) *lookup {
	m := t.Merged
	return &lookup{
		where: fmt.Sprintf("%s = $1 AND %s = $2", colRef(m.LegacyColumn), colRef(m.SourceColumn)),
		args:  []any{key, t.Source},
	}
}

// matchedKeys lists the source rows matched into the entity.
func matchedKeys(ctx context.Context, tgt *target.Target, entity string) ([]MatchedKey, error) {
	rows, err := tgt.SourceRowsOf(ctx, entity)
	if err != nil {
		return nil, err
	}
	keys := make([]MatchedKey, len(rows))
	for i, r := range rows {
		keys[i] = MatchedKey{TableID: r.TableID, Source: r.Source, LegacyKey: r.LegacyKey}
	}
	return keys, nil
}

// ownKey is this part's legacy key among an entity's matched source rows.
func ownKey(t *plan.Table, keys []MatchedKey) (string, bool) {
	for _, k := range keys {
		if k.TableID == t.ID {
			return k.LegacyKey, true
		}
	}
	return "", false
}
