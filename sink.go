package sluice

import (
	"context"
	"fmt"
)

// ChangeSink is a Source that can also be written, found by type
// assertion. It is used only after a cutover, when the application writes
// the target and the reverse stream keeps the old source current: each
// batch of the target's changes, inverted into source rows, is applied in
// one source transaction together with the record of the target position it
// ends at, so a batch replayed after a crash is never applied twice.
//
// The record is a small table Sluice creates in the source (SinkTable),
// announced by plan and removed by DropSink (cleanup, rollback).
type ChangeSink interface {
	Source
	// CheckSink reports what the user lacks to apply changes to tables
	// (INSERT, UPDATE, DELETE on each) and to create the record table,
	// each with its fix; none means ready.
	CheckSink(ctx context.Context, tables []string) ([]CaptureProblem, error)
	// PrepareSink creates the record table if it is missing.
	PrepareSink(ctx context.Context) error
	// SinkPosition is the position of the last batch applied for the
	// stream named name, "" when none was.
	SinkPosition(ctx context.Context, name string) (string, error)
	// Apply applies batch in one transaction with its record, unless a
	// batch at or after its position was applied already (Applied false,
	// nothing written). A change that finds no row to update or delete
	// fails the batch with a *SinkConflictError and nothing is written.
	Apply(ctx context.Context, batch SinkBatch) (SinkResult, error)
	// DropSink removes the record table; dropping what does not exist is
	// not an error.
	DropSink(ctx context.Context) error
}

// SinkTable is the record table a ChangeSink creates in the source.
const SinkTable = "sluice_reverse"

// SinkBatch is a transaction's worth of row changes for a source.
type SinkBatch struct {
	// Name is the reverse stream's name (the migration's): one record per name.
	Name string
	// Position is where the batch ends in the stream it came from (the
	// target's change stream); Compare orders it against the recorded one,
	// which Parse reads back from its String.
	Position Position
	Parse    func(string) (Position, error)
	Changes  []RowChange
}

// RowChange is one row to insert, update or delete in a source table,
// found by its key (the legacy key kept in the target row).
type RowChange struct {
	Kind  ChangeKind // ChangeInsert, ChangeUpdate or ChangeDelete
	Table string
	// Key names the key columns and KeyValues their values. An insert with
	// nil KeyValues leaves the key to the source (auto-increment, sequence,
	// identity), and the result returns the key it got.
	Key       []string
	KeyValues []any
	// Columns and Values are the row's other columns to write (insert,
	// update); a delete has none.
	Columns []string
	Values  []any
}

// SinkResult is what Apply did.
type SinkResult struct {
	// Applied is false when the batch had been applied before.
	Applied bool
	// Generated holds, for each insert whose key the source generated, the
	// index of its change in the batch and the key's values (in Key order).
	Generated []GeneratedKey
}

// GeneratedKey is a key a source generated for an inserted row.
type GeneratedKey struct {
	Change int
	Values []any
}

// SinkConflictError reports a change that found no row with its key: the
// source is not what the reverse stream expects, and nothing of the batch
// was written.
type SinkConflictError struct {
	Source string
	Table  string
	Kind   ChangeKind
	Key    string // the key's values as text
}

func (e *SinkConflictError) Error() string {
	return fmt.Sprintf("apply %s to %s.%s key %s: no such row in the source", e.Kind, e.Source, e.Table, e.Key)
}
