package target

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/audit"
)

// Audit appends one entry to the audit trail, in a transaction of its own,
// retried without appending it twice (see appendOnce).
func (t *Target) Audit(ctx context.Context, runID int64, operation string, details map[string]any) error {
	e := audit.Entry{RunID: runID, Operation: operation, Details: details}
	_, err := t.appendOnce(ctx, e, func(tx pgx.Tx, e audit.Entry) (audit.Entry, error) {
		return audit.Append(ctx, tx, e)
	})
	if err != nil {
		return fmt.Errorf("append %s to the audit trail: %w", operation, err)
	}
	return nil
}

// ErrNoAudit says that the target has no audit trail: no run of a Sluice
// that keeps one has touched it.
var ErrNoAudit = errors.New("no audit trail in this database (sluice.audit does not exist; a migrate run creates it)")

// VerifyAudit verifies the audit trail (see audit.Verify) with o's key and
// anchor, cross-checked with sluice.runs, which it reads in the same snapshot
// as the trail; it names the database for the anchor's heads.
func (t *Target) VerifyAudit(ctx context.Context, o audit.Options) (*audit.Report, error) {
	if err := t.hasAudit(ctx); err != nil {
		return nil, err
	}
	var err error
	if o.Database, err = audit.Identify(ctx, t.pool); err != nil {
		return nil, err
	}
	var rep *audit.Report
	snapshot := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	err = pgx.BeginTxFunc(ctx, t.pool, snapshot, func(tx pgx.Tx) (err error) {
		if o.Runs, err = auditRuns(ctx, tx); err != nil {
			return err
		}
		o.CheckRuns = true
		rep, err = audit.Verify(ctx, tx, o)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("verify the audit trail of %s: %w", t.where, err)
	}
	return rep, nil
}

// ExportAudit writes the audit trail as JSON lines.
func (t *Target) ExportAudit(ctx context.Context, w io.Writer) error {
	if err := t.hasAudit(ctx); err != nil {
		return err
	}
	return audit.Export(ctx, t.pool, w)
}

func (t *Target) hasAudit(ctx context.Context) error {
	var exists bool
	if err := t.queryRow(ctx, "SELECT to_regclass('sluice.audit') IS NOT NULL").Scan(&exists); err != nil {
		return fmt.Errorf("look for the audit trail on %s: %w", t.where, err)
	}
	if !exists {
		return ErrNoAudit
	}
	return nil
}

// auditChunk records a committed chunk in the audit trail, in the chunk's own
// transaction: the entry commits with the rows or not at all. Rejects are
// recorded by key and column, with SHA-256s of the raw value and of the
// reason (which may quote the value): the trail must not become a copy of the
// records, and sluice.rejects, which holds both, can be checked against it.
func auditChunk(ctx context.Context, tx pgx.Tx, c *ChunkLoad, res ChunkResult, rejects []Reject) error {
	after, _ := EncodeKey(c.AfterKey)
	last, _ := EncodeKey(c.LastKey)
	details := map[string]any{
		"table": c.TableID, "target": c.Schema + "." + c.Table, "generation": c.Generation, "chunk": c.ChunkNo,
		"after_key": after, "last_key": last,
		"rows_read": c.RowsRead, "rows_loaded": res.Loaded, "rows_rejected": res.Rejected,
	}
	if c.Merge != nil {
		details["merge"] = c.Merge.Mode
		details["rows_inserted"], details["rows_updated"] = res.Inserted, res.Updated
		details["rows_unchanged"], details["conflicts"] = res.Unchanged, res.Conflicts
	}
	if len(rejects) > 0 {
		details["rejects"] = rejectDigests(rejects)
	}
	if c.SourceSum != "" {
		details["source_sum"] = c.SourceSum
	}
	if c.Skipped > 0 {
		// Not read: the source's digest of the range equals the one its rows
		// were loaded with.
		details["skipped"] = true
	}
	if _, err := audit.Append(ctx, tx, audit.Entry{RunID: c.RunID, Operation: audit.OpChunkCommit, Details: details}); err != nil {
		return fmt.Errorf("record the chunk in the audit trail: %w", err)
	}
	return nil
}

func rejectDigests(rejects []Reject) []any {
	out := make([]any, len(rejects))
	for i, r := range rejects {
		raw, reason := sha256.Sum256(rawBytes(r.Raw)), sha256.Sum256([]byte(r.Reason))
		out[i] = map[string]any{"key": r.Key, "column": r.Column,
			"raw_sha256": hex.EncodeToString(raw[:]), "reason_sha256": hex.EncodeToString(reason[:])}
	}
	return out
}

// rawBytes is what a reject's raw value hashes as: its bytes for text and
// binary values, else its canonical text.
func rawBytes(v any) []byte {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		return []byte(x)
	case []byte:
		return x
	case renderedRow:
		return []byte(x)
	default:
		return []byte(sluice.ValueText(x))
	}
}

// auditRuns reads sluice.runs for the cross-check with the trail.
func auditRuns(ctx context.Context, q pgx.Tx) ([]audit.Run, error) {
	rows, err := q.Query(ctx, "SELECT run_id, command, status FROM sluice.runs ORDER BY run_id")
	if err != nil {
		return nil, fmt.Errorf("read sluice.runs: %w", err)
	}
	runs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (audit.Run, error) {
		var r audit.Run
		err := row.Scan(&r.ID, &r.Command, &r.Status)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("read sluice.runs: %w", err)
	}
	return runs, nil
}

// AuditEntriesCovering reads the entries of the trail that cover one row
// (see audit.Covering); ErrNoAudit when the target has no trail.
func (t *Target) AuditEntriesCovering(ctx context.Context, c audit.Covering) ([]audit.Entry, error) {
	if err := t.hasAudit(ctx); err != nil {
		return nil, err
	}
	return audit.EntriesCovering(ctx, t.pool, c)
}
