package sluice

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
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
	// Apply applies batch in one transaction with its record and the keys
	// the source generated, unless a batch at or after its position was
	// applied already (Applied false, nothing written; for the batch at
	// exactly its position, Generated are the keys recorded with it). A change that finds no row to update or delete
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
	// Applied is false when the batch had been applied before; Generated
	// then holds the keys recorded with it, if it is the last one applied.
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

// EncodeGeneratedKeys is the text a sink keeps, with a batch's position,
// of the keys the source generated for it: a replay of the batch after a
// crash gets them back, so that they can still be written into the target
// rows.
func EncodeGeneratedKeys(keys []GeneratedKey) (string, error) {
	if len(keys) == 0 {
		return "", nil
	}
	b, err := json.Marshal(keys)
	return string(b), err
}

// DecodeGeneratedKeys reads EncodeGeneratedKeys's text back; integers come
// back as int64 (uint64 above its range), other values as JSON gives them.
func DecodeGeneratedKeys(text string) ([]GeneratedKey, error) {
	if text == "" {
		return nil, nil
	}
	d := json.NewDecoder(strings.NewReader(text))
	d.UseNumber()
	var keys []GeneratedKey
	if err := d.Decode(&keys); err != nil {
		return nil, fmt.Errorf("read the generated keys %q: %w", text, err)
	}
	for _, k := range keys {
		for i, v := range k.Values {
			k.Values[i] = fromJSONNumber(v)
		}
	}
	return keys, nil
}

func fromJSONNumber(v any) any {
	n, ok := v.(json.Number)
	if !ok {
		return v
	}
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return i
	}
	if u, err := strconv.ParseUint(string(n), 10, 64); err == nil {
		return u
	}
	return string(n)
}

// SinkRecordCovers is the decision every sink makes from its record: the
// batch was applied already when the recorded position is at or after its
// own; for the batch at exactly the recorded position, the keys recorded
// with it come back.
func SinkRecordCovers(batch SinkBatch, stored, keys string) (bool, []GeneratedKey, error) {
	if stored == "" {
		return false, nil, nil
	}
	last, err := batch.Parse(stored)
	if err != nil {
		return false, nil, fmt.Errorf("read the reverse position %s: %w", batch.Name, err)
	}
	c, err := last.Compare(batch.Position)
	if err != nil || c < 0 {
		return false, nil, err
	}
	if c > 0 {
		return true, nil, nil
	}
	generated, err := DecodeGeneratedKeys(keys)
	return true, generated, err
}

// GeneratedRef stands, among a RowChange's Values, for part Part of the key
// the source generates for the insert at index Change of the same batch (an
// earlier one): the application inserted a row and, in the same
// transaction, a row that references it. The sink puts the key in when it
// applies the change, in the same source transaction.
type GeneratedRef struct{ Change, Part int }

// ApplyChanges applies a batch's changes in order with apply, which returns
// the key the source generated for an insert without one (nil otherwise).
// Each GeneratedRef is replaced by the key it stands for first. It returns
// the generated keys, as SinkResult holds them.
func ApplyChanges(changes []RowChange, apply func(RowChange) ([]any, error)) ([]GeneratedKey, error) {
	var out []GeneratedKey
	keys := map[int][]any{}
	for i, c := range changes {
		c, err := withGeneratedKeys(c, keys)
		if err != nil {
			return nil, err
		}
		key, err := apply(c)
		if err != nil {
			return nil, err
		}
		if key != nil {
			keys[i] = key
			out = append(out, GeneratedKey{Change: i, Values: key})
		}
	}
	return out, nil
}

func withGeneratedKeys(c RowChange, keys map[int][]any) (RowChange, error) {
	var values []any
	for i, v := range c.Values {
		ref, ok := v.(GeneratedRef)
		if !ok {
			continue
		}
		key := keys[ref.Change]
		if ref.Part < 0 || ref.Part >= len(key) {
			return c, fmt.Errorf("apply %s to %s: column %s references a row inserted earlier in the same target transaction, and the key the source generated for it is not known", c.Kind, c.Table, c.Columns[i])
		}
		if values == nil {
			values = slices.Clone(c.Values)
		}
		values[i] = key[ref.Part]
	}
	if values != nil {
		c.Values = values
	}
	return c, nil
}
