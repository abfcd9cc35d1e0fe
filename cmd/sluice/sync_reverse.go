package main

import (
	"context"
	"fmt"
	"time"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/engines"
	"github.com/sluicedb/sluice/postgres"
	"github.com/sluicedb/sluice/reverse"
	"github.com/sluicedb/sluice/target"
)

// After a cutover the target is authoritative and sync runs the other way:
// the target's changes (its publication and slot, made at the switch) are
// inverted through the mapping and applied to the sources, each
// transaction with its target position recorded on the source (a
// ChangeSink), so a transaction replayed after a crash is not applied
// twice; keys the sources generate are written back into the target rows.

// reverseRun is one reverse sync.
type reverseRun struct {
	g       *globals
	p       *engines.Prepared
	tgt     *target.Target
	session *target.Session
	capture *postgres.Source
	spec    sluice.CaptureSpec
	stream  *reverse.Stream
}

func runReverseSync(ctx context.Context, g *globals, f *syncFlags, p *engines.Prepared, tgt *target.Target) (err error) {
	capture, err := openTargetCapture(ctx, p.Config.Target.URL, p.Plan.Schema)
	if err != nil {
		return err
	}
	defer capture.Close()
	r := &reverseRun{g: g, p: p, tgt: tgt, capture: capture, spec: reverseSpec(p)}
	if r.stream, err = reverseStream(ctx, p, tgt, capture); err != nil {
		return err
	}
	r.session, err = tgt.BeginSession(ctx, target.RunSpec{Command: "sync", ConfigHash: p.Config.Hash, Version: sluiceVersion(),
		Lock: "migrate", Details: map[string]any{"command": "sync", "direction": "reverse"}})
	if err != nil {
		return err
	}
	fmt.Fprintln(g.stderr, "sync: the target is authoritative (after cutover): writing its changes back to the sources")
	err = r.follow(ctx, f.catchUp)
	status, msg := target.RunOK, ""
	switch {
	case ctx.Err() != nil:
		status, msg, err = "interrupted", "stopped by a signal; the next sync resumes at the positions the sources recorded", sluice.ErrInterrupted
	case err != nil:
		status, msg = target.RunFailed, err.Error()
	}
	if _, endErr := r.session.End(ctx, status, msg, nil); err == nil {
		err = endErr
	}
	return err
}

// reverseStream compiles the inverse of every target table written back
// (over its parts when merged) with the sources as sinks.
func reverseStream(ctx context.Context, p *engines.Prepared, tgt *target.Target, capture *postgres.Source) (*reverse.Stream, error) {
	st := &reverse.Stream{Name: "sluice " + p.Plan.Schema, Schema: p.Plan.Schema,
		Sinks: map[string]sluice.ChangeSink{}, Target: tgt, Parse: capture.ParsePosition}
	for _, t := range p.Plan.Tables {
		if t.Rollback.Excluded || st.Sinks[t.Source] != nil {
			continue
		}
		sink, ok := p.Sources[t.Source].(sluice.ChangeSink)
		if !ok {
			return nil, fmt.Errorf("source %s (%s) cannot be written back to; exclude its tables with rollback: false", t.Source, p.Sources[t.Source].Engine())
		}
		if err := sink.PrepareSink(ctx); err != nil {
			return nil, fmt.Errorf("source %s: %w", t.Source, err)
		}
		st.Sinks[t.Source] = sink
	}
	return st, st.Compile(p.Plan)
}

// start is where the stream resumes: the earliest position the sinks
// recorded (a batch at or before its sink's own is skipped there), or the
// slot's own start when none recorded one.
func (r *reverseRun) start(ctx context.Context) (sluice.Position, error) {
	var from sluice.Position
	for name, sink := range r.stream.Sinks {
		text, err := sink.SinkPosition(ctx, r.stream.Name)
		if err != nil {
			return nil, fmt.Errorf("source %s: %w", name, err)
		}
		if text == "" {
			return nil, nil
		}
		pos, err := r.capture.ParsePosition(text)
		if err != nil {
			return nil, err
		}
		if from == nil {
			from = pos
		} else if c, err := pos.Compare(from); err == nil && c < 0 {
			from = pos
		}
	}
	return from, nil
}

// follow applies the target's transactions until ctx ends or, with
// catchUp, until the end of the target's log when it began.
func (r *reverseRun) follow(ctx context.Context, catchUp bool) error {
	var goal sluice.Position
	if catchUp {
		st, err := r.capture.CaptureStatus(ctx, r.spec, nil)
		if err != nil {
			return err
		}
		goal = st.Head
	}
	from, err := r.start(ctx)
	if err != nil {
		return err
	}
	changes, err := r.capture.Changes(ctx, r.spec, from)
	if err != nil {
		return err
	}
	defer changes.Close()
	var tx []sluice.Change
	var applied, keys, txs int
	lastPrune := time.Now()
	defer func() {
		fmt.Fprintf(r.g.stderr, "sync: reverse: %d target transactions, %d source changes, %d keys written back\n", txs, applied, keys)
	}()
	for {
		c, err := changes.Next(ctx)
		if err != nil {
			return err
		}
		if c.Kind == sluice.ChangeHeartbeat {
			if reached(goal, c.Position) {
				return nil
			}
			continue
		}
		tx = append(tx, c)
		if c.Kind != sluice.ChangeCommit {
			continue
		}
		res, err := r.stream.Apply(ctx, tx)
		if err != nil {
			return fmt.Errorf("write back the target transaction ending at %s: %w", c.Position, err)
		}
		if err := changes.Ack(ctx, c.Position); err != nil {
			return err
		}
		txs, applied, keys = txs+1, applied+res.Applied, keys+res.Keys
		if reached(goal, c.Position) {
			return nil
		}
		tx = nil
		if time.Since(lastPrune) > time.Minute {
			// A write-back is forgotten only once the stream has acknowledged
			// a transaction that committed well after it: the slot never sends
			// it again. By wall time alone, one the stream had not reached yet
			// (it lags, or resumed after a crash) would be applied as the
			// application's own update.
			if err := r.tgt.PruneWriteBacks(ctx, c.Time.Add(-writeBackMargin)); err != nil {
				return err
			}
			lastPrune = time.Now()
		}
	}
}

// writeBackMargin is how much older than the last transaction the stream
// acknowledged a write-back must be to be pruned: commit times follow the
// log's order only to within the time between a commit's timestamp and its
// record.
const writeBackMargin = time.Minute

// reached says whether pos is at or past goal (never without a goal).
func reached(goal, pos sluice.Position) bool {
	if goal == nil || pos == nil {
		return false
	}
	c, err := pos.Compare(goal)
	return err == nil && c >= 0
}
