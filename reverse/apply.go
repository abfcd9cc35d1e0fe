// Package reverse applies the target's changes to the sources after a
// cutover: each transaction of the target's change stream, inverted row by
// row into source changes, is written into each source it touches in one
// source transaction with its position (sluice.ChangeSink), and the keys the
// sources generate for rows inserted on the target are written back into
// those rows' legacy column. The write-back transactions come back through
// the stream; they are recognised by their transaction id and skipped.
package reverse

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/inverse"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
)

// Target is what the stream needs of the target's state.
type Target interface {
	IsWriteBack(ctx context.Context, xid string) (bool, error)
	WriteBackKey(ctx context.Context, w target.WriteBack) (bool, error)
	ReadReferenced(ctx context.Context, r target.RowRef, id [16]byte) (target.ReferencedRow, bool, error)
	MatchedLegacyKeys(ctx context.Context, entity [16]byte, tableID string) ([]string, error)
}

// Stream applies target transactions to the sources.
type Stream struct {
	Name   string                       // the reverse stream's name in each sink's record (the migration's)
	Schema string                       // the target schema of Tables
	Tables map[string]*inverse.Table    // by target table name; a table not here is not written back
	Sinks  map[string]sluice.ChangeSink // by source name
	Target Target
	// Parse reads a target position back from its text (the target's
	// ChangeSource.ParsePosition).
	Parse func(string) (sluice.Position, error)

	namespace uuid.UUID
	sites     map[string]refSite     // by plan table ID: where rewritten foreign keys point
	inserted  map[insertKey]inserted // this transaction's inserts without a key
	generated map[inserted][]any     // the keys the sources generated for them
	keys      map[insertKey]any      // keys written back during the run (legacy.go)
}

// Compile sets Tables: the inverse of every target table of p that is
// written back (over its parts when merged), its rewritten foreign keys
// resolved by the stream.
func (s *Stream) Compile(p *plan.Plan) error {
	s.sites, s.Tables, s.namespace, s.keys = refSites(p), map[string]*inverse.Table{}, p.Namespace, nil
	byTarget := map[string][]*plan.Table{}
	for _, t := range p.Tables {
		if !t.Rollback.Excluded {
			byTarget[t.Name] = append(byTarget[t.Name], t)
		}
	}
	for name, parts := range byTarget {
		inv, err := inverse.Compile(parts, inverse.Options{Refs: s.ref})
		if err != nil {
			return fmt.Errorf("write back target table %s: %w", name, err)
		}
		s.Tables[name] = inv
	}
	return nil
}

// Result is what one transaction did.
type Result struct {
	WriteBack bool // the transaction was a key write-back, skipped
	Applied   int  // source changes applied (0 for a batch applied before)
	Keys      int  // keys written back into target rows (again, for a batch applied before)
}

// pending is a source change with the target row it came from.
type pending struct {
	change sluice.RowChange
	table  *inverse.Table
	after  []any
}

// Apply applies one transaction: its changes from Begin to Commit.
func (s *Stream) Apply(ctx context.Context, tx []sluice.Change) (Result, error) {
	if len(tx) < 2 || tx[0].Kind != sluice.ChangeBegin || tx[len(tx)-1].Kind != sluice.ChangeCommit {
		return Result{}, fmt.Errorf("apply a transaction that does not run from begin to commit")
	}
	wb, err := s.Target.IsWriteBack(ctx, tx[0].TxID)
	if err != nil || wb {
		return Result{WriteBack: wb}, err
	}
	sources, bySource, err := s.invert(ctx, tx[1:len(tx)-1])
	if err != nil {
		return Result{}, fmt.Errorf("apply target transaction %s at %s: %w", tx[0].TxID, tx[0].Position, err)
	}
	var res Result
	for _, source := range sources {
		n, keys, err := s.applySource(ctx, source, tx[len(tx)-1].Position, bySource[source])
		if err != nil {
			return res, fmt.Errorf("apply target transaction %s at %s: %w", tx[0].TxID, tx[0].Position, err)
		}
		res.Applied, res.Keys = res.Applied+n, res.Keys+keys
	}
	return res, nil
}

// invert turns the row changes of the written-back tables into source
// changes, grouped by source; the sources are in the order the
// transaction first touched them, so that a row inserted into one source
// gets its key before a reference to it goes into another.
func (s *Stream) invert(ctx context.Context, changes []sluice.Change) ([]string, map[string][]pending, error) {
	var sources []string
	out := map[string][]pending{}
	s.inserted, s.generated = map[insertKey]inserted{}, map[inserted][]any{}
	for _, c := range changes {
		inv := s.Tables[c.Table]
		if inv == nil || c.Kind == sluice.ChangeHeartbeat {
			continue
		}
		c, err := s.fillLegacy(ctx, inv, c)
		if err != nil {
			return nil, nil, err
		}
		rc, source, err := s.invertOne(ctx, inv, c)
		if err != nil {
			return nil, nil, err
		}
		if out[source] == nil {
			sources = append(sources, source)
		}
		if rc.Kind == sluice.ChangeInsert && rc.KeyValues == nil {
			s.remember(inv, c.After, source, len(out[source]))
		}
		out[source] = append(out[source], pending{change: rc, table: inv, after: c.After})
	}
	return sources, out, nil
}

func (s *Stream) invertOne(ctx context.Context, inv *inverse.Table, c sluice.Change) (sluice.RowChange, string, error) {
	row := c.After
	if c.Kind == sluice.ChangeDelete {
		row = c.Before
	}
	r, err := inv.KeyRow(row)
	if err != nil {
		return sluice.RowChange{}, "", err
	}
	rc, err := inv.Change(ctx, c)
	return rc, r.Source, err
}

// applySource applies one source's changes as one batch and writes back
// the keys it generated.
func (s *Stream) applySource(ctx context.Context, source string, pos sluice.Position, ps []pending) (int, int, error) {
	sink := s.Sinks[source]
	if sink == nil {
		return 0, 0, fmt.Errorf("source %s has no sink", source)
	}
	s.settle(source, ps)
	batch := sluice.SinkBatch{Name: s.Name, Position: pos, Parse: s.Parse, Changes: make([]sluice.RowChange, len(ps))}
	for i, p := range ps {
		batch.Changes[i] = p.change
	}
	res, err := sink.Apply(ctx, batch)
	if err != nil {
		return 0, 0, err
	}
	applied := 0
	if res.Applied {
		applied = len(ps)
	}
	// A batch applied before (a replay after a crash) still has its keys
	// written back: the crash may have come between the two.
	keys := 0
	for _, g := range res.Generated {
		s.generated[inserted{source, g.Change}] = g.Values
		if err := s.writeBack(ctx, ps[g.Change], g.Values); err != nil {
			return applied, keys, err
		}
		keys++
	}
	return applied, keys, nil
}

func (s *Stream) writeBack(ctx context.Context, p pending, key []any) error {
	cols, vals := p.table.Identity(p.after)
	w := target.WriteBack{Schema: s.Schema, Table: p.table.Name(), Where: cols, Values: vals,
		LegacyColumn: p.table.LegacyColumn(), Key: sluice.KeyText(key)}
	if w.LegacyColumn == "" {
		return fmt.Errorf("write back the key of a row of %s: the table keeps no legacy column", w.Table)
	}
	if _, err := s.Target.WriteBackKey(ctx, w); err != nil {
		return err
	}
	s.known(p.table, p.after, key)
	return nil
}
