package lineage

import (
	"context"
	"fmt"

	"github.com/sluicedb/sluice/target"
)

// tableState is what sluice.tables says of a table's current generation.
type tableState struct {
	schema, table string
	generation    int
	state         string
	planHash      string
}

// readTableState reads the current generation of table id.
func readTableState(ctx context.Context, tgt *target.Target, id string) (*tableState, error) {
	has, err := tgt.StateTables(ctx)
	if err != nil {
		return nil, err
	}
	if !has.Tables {
		return nil, target.ErrNoState
	}
	l, err := tgt.CurrentLoad(ctx, id)
	if err != nil {
		return nil, err
	}
	if l == nil {
		return nil, &NotLoadedError{TableID: id}
	}
	return &tableState{schema: l.TargetSchema, table: l.TargetTable, generation: l.Generation, state: l.State, planHash: l.PlanHash}, nil
}

// readRun reads run id as sluice.runs records it; nil when it is not there.
func readRun(ctx context.Context, tgt *target.Target, id int64) (*Run, error) {
	r, err := tgt.RunRecord(ctx, id)
	if r == nil || err != nil {
		return nil, err
	}
	out := &Run{ID: id, Command: r.Command, Status: r.Status, Message: r.Message, StartedAt: r.StartedAt.UTC(),
		OSUser: r.OSUser, Host: r.Host, PID: r.PID, Version: r.Version}
	if r.FinishedAt != nil {
		t := r.FinishedAt.UTC()
		out.FinishedAt = &t
	}
	return out, nil
}

// ledgerRow is one row of sluice.chunks with its bounds decoded.
type ledgerRow struct {
	Chunk
	after, last []any
}

// eachChunk streams the ledger of one table generation in chunk order.
func eachChunk(ctx context.Context, tgt *target.Target, id string, generation int, fn func(ledgerRow) bool) error {
	return tgt.EachChunk(ctx, id, generation, func(lc target.LedgerChunk) (bool, error) {
		c, err := decodeChunk(lc, generation)
		if err != nil {
			return false, fmt.Errorf("read the ledger of %s generation %d: %w", id, generation, err)
		}
		return fn(c), nil
	})
}

func decodeChunk(lc target.LedgerChunk, generation int) (ledgerRow, error) {
	c := ledgerRow{Chunk: Chunk{No: lc.No, Generation: generation, RunID: lc.RunID, RowsRead: lc.RowsRead,
		RowsLoaded: lc.RowsLoaded, RowsRejected: lc.RowsRejected, CommittedAt: lc.CommittedAt.UTC()}}
	var err error
	if c.after, err = target.DecodeKey(lc.AfterKey); err != nil {
		return c, fmt.Errorf("chunk %d: %w", c.No, err)
	}
	if c.last, err = target.DecodeKey(lc.LastKey); err != nil {
		return c, fmt.Errorf("chunk %d: %w", c.No, err)
	}
	c.AfterKey, c.LastKey = keyText(c.after), keyText(c.last)
	return c, nil
}
