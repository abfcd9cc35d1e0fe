package target

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Chunk is one row of the ledger sluice.chunks: a chunk that committed.
type Chunk struct {
	TableID       string
	Generation    int
	ChunkNo       int
	RunID         int64
	AfterKey      string // EncodeKey text of the exclusive lower key bound; "" for the first chunk
	LastKey       string // EncodeKey text of the chunk's last key read: the next chunk starts after it
	RowsRead      int
	RowsLoaded    int
	RowsRejected  int
	RowsInserted  int // of RowsLoaded: new rows
	RowsUpdated   int // of RowsLoaded: rows rewritten by a merge
	RowsUnchanged int // of RowsLoaded: rows a merge left as they were
	Conflicts     int // disagreements queued (new or reopened)
	CommittedAt   time.Time
	SourceSum     string // the source's digest of the chunk's rows; "" when it has none
}

// Totals sums the ledger of one table generation, and adds what
// DeleteMissing removed in it.
type Totals struct {
	Chunks    int
	Read      int64
	Loaded    int64 // Inserted + Updated + Unchanged
	Rejected  int64
	Inserted  int64
	Updated   int64
	Unchanged int64
	Conflicts int64
	Deleted   int64 // rows DeleteMissing removed in this generation
}

// ChunkCommittedError says that a chunk is in the ledger already: another
// process (or an earlier attempt) committed it.
type ChunkCommittedError struct {
	TableID    string
	Generation int
	ChunkNo    int
}

func (e *ChunkCommittedError) Error() string {
	return fmt.Sprintf("chunk %d of %s (generation %d) was already committed by another process",
		e.ChunkNo, e.TableID, e.Generation)
}

// LastChunk returns the committed chunk with the highest number, or nil when
// none has committed in this generation.
func (t *Target) LastChunk(ctx context.Context, id string, generation int) (*Chunk, error) {
	c := Chunk{TableID: id, Generation: generation}
	err := t.queryRow(ctx, `
		SELECT chunk_no, coalesce(run_id, 0), coalesce(after_key, ''), coalesce(last_key, ''),
			rows_read, rows_loaded, rows_rejected, rows_inserted, rows_updated, rows_unchanged, conflicts, committed_at
		FROM sluice.chunks WHERE table_id = $1 AND generation = $2
		ORDER BY chunk_no DESC LIMIT 1`, id, generation).Scan(&c.ChunkNo, &c.RunID, &c.AfterKey, &c.LastKey,
		&c.RowsRead, &c.RowsLoaded, &c.RowsRejected, &c.RowsInserted, &c.RowsUpdated, &c.RowsUnchanged,
		&c.Conflicts, &c.CommittedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read last chunk of %s generation %d: %w", id, generation, err)
	}
	return &c, nil
}

// Chunks lists the ledger of table id in generation, in chunk order: where
// each chunk started and ended, and its rows' digest.
func (t *Target) Chunks(ctx context.Context, id string, generation int) ([]Chunk, error) {
	rows, _ := t.pool.Query(ctx, `
		SELECT chunk_no, coalesce(after_key, ''), coalesce(last_key, ''), rows_read, rows_loaded, rows_rejected, coalesce(source_sum, '')
		FROM sluice.chunks WHERE table_id = $1 AND generation = $2 ORDER BY chunk_no`, id, generation)
	chunks, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Chunk, error) {
		c := Chunk{TableID: id, Generation: generation}
		err := r.Scan(&c.ChunkNo, &c.AfterKey, &c.LastKey, &c.RowsRead, &c.RowsLoaded, &c.RowsRejected, &c.SourceSum)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("read the ledger of %s generation %d: %w", id, generation, err)
	}
	return chunks, nil
}

// Totals sums the ledger of table id in generation.
func (t *Target) Totals(ctx context.Context, id string, generation int) (Totals, error) {
	return t.totals(ctx, id, generation, 0)
}

// RunTotals sums the chunks of table id in generation that run runID
// committed: what that run itself did, where Totals adds what earlier runs
// of a resumed generation did too. Deleted is the generation's, since the
// rows are deleted by the run that finishes it.
func (t *Target) RunTotals(ctx context.Context, id string, generation int, runID int64) (Totals, error) {
	return t.totals(ctx, id, generation, runID)
}

// totals sums the ledger of a generation, of one run's chunks unless runID
// is 0.
func (t *Target) totals(ctx context.Context, id string, generation int, runID int64) (Totals, error) {
	var s Totals
	err := t.queryRow(ctx, `
		SELECT count(*), coalesce(sum(rows_read), 0), coalesce(sum(rows_loaded), 0), coalesce(sum(rows_rejected), 0),
			coalesce(sum(rows_inserted), 0), coalesce(sum(rows_updated), 0), coalesce(sum(rows_unchanged), 0),
			coalesce(sum(conflicts), 0),
			coalesce((SELECT rows_deleted FROM sluice.tables WHERE id = $1 AND generation = $2), 0)
		FROM sluice.chunks WHERE table_id = $1 AND generation = $2 AND ($3 = 0 OR run_id = $3)`, id, generation, runID).
		Scan(&s.Chunks, &s.Read, &s.Loaded, &s.Rejected, &s.Inserted, &s.Updated, &s.Unchanged, &s.Conflicts, &s.Deleted)
	if err != nil {
		return Totals{}, fmt.Errorf("sum ledger of %s generation %d: %w", id, generation, err)
	}
	return s, nil
}

// Written is the rows the chunks wrote: inserted or updated. An unchanged
// row was accepted (it counts in Loaded) but not written.
func (s Totals) Written() int64 { return s.Inserted + s.Updated }
