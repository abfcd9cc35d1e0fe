package lineage

import (
	"context"

	"github.com/google/uuid"

	"github.com/sluicedb/sluice/target"
)

// rejectsOf returns the rejects of a table generation whose row key is key.
func rejectsOf(ctx context.Context, tgt *target.Target, id string, generation int, key string) ([]Reject, error) {
	var out []Reject
	err := tgt.EachReject(ctx, id, generation, &key, func(r target.RowReject) { out = append(out, rejectOf(r)) })
	return out, err
}

// rejectsOfUUID finds the rejects of a table generation whose row would
// have had uuid u: the uuid of each rejected key is computed as the
// migration would have (sluice.KeyUUID over "<source>.<table>:<key>"), since
// a rejected row has no uuid stored anywhere. It returns the key too.
func rejectsOfUUID(ctx context.Context, tgt *target.Target, id string, generation int, u uuid.UUID, name func(key string) uuid.UUID) (string, []Reject, error) {
	all := map[string][]Reject{}
	err := tgt.EachReject(ctx, id, generation, nil, func(r target.RowReject) {
		if name(r.Key) == u {
			all[r.Key] = append(all[r.Key], rejectOf(r))
		}
	})
	if err != nil {
		return "", nil, err
	}
	for key, rs := range all {
		return key, rs, nil
	}
	return "", nil, nil
}

func rejectOf(r target.RowReject) Reject {
	return Reject{ID: r.ID, RunID: r.RunID, ChunkNo: r.ChunkNo, Column: r.Column, Raw: r.Raw, Reason: r.Reason, RejectedAt: r.RejectedAt.UTC()}
}
