package lineage

import (
	"context"
	"errors"

	"github.com/sluicedb/sluice/audit"
	"github.com/sluicedb/sluice/target"
)

// auditEntries returns the entries of sluice.audit that cover a row: the
// start and end of the run that committed its chunk, the mapping entries
// (table.plan, table.rerun) and the table.done of its table generation, and
// the chunk.commit of its chunk. chunk 0 or run 0 leave those out. A target
// without a trail is target.ErrNoAudit.
func auditEntries(ctx context.Context, tgt *target.Target, id string, generation, chunk int, run int64) ([]Entry, error) {
	all, err := tgt.AuditEntriesCovering(ctx, audit.Covering{TableID: id, Generation: generation, Chunk: chunk, RunID: run})
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, e := range all {
		out = append(out, Entry{Seq: e.Seq, Operation: e.Operation, RunID: e.RunID, At: e.At})
	}
	return out, nil
}

// isNoAudit says that the target keeps no audit trail.
func isNoAudit(err error) bool { return errors.Is(err, target.ErrNoAudit) }
