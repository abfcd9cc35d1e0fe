package stream

import (
	"context"
	"fmt"
	"time"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
)

// next is one result of ChangeStream.Next.
type next struct {
	ch  sluice.Change
	err error
}

// follow reads one stream from the committed position until it fails, ctx
// ends or the goal is applied. Only the batches it commits count: a batch
// being filled when it fails is dropped, and the next stream delivers its
// transactions again. progressed says a batch committed.
//
// Reading and committing overlap: a batch commits on the applier's
// goroutine while the loop reads and maps the next one, which is handed
// over once the applier is done (the loop stops reading while a ready
// batch waits). The batches still commit one at a time and in order, each
// starting where the one before ends.
func (f *Follower) follow(ctx context.Context) (progressed bool, err error) {
	if f.reached() {
		return false, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cs, err := f.cs.Changes(ctx, f.spec, f.Applied())
	if err != nil {
		return false, err
	}
	defer cs.Close()
	f.reset()
	events := make(chan next, 64)
	go pump(ctx, cs, events)
	tick := time.NewTicker(f.opt.MaxDelay / 2)
	defer tick.Stop()
	l := &loop{f: f, cs: cs, jobs: make(chan *job), results: make(chan *job, 1)}
	go applier(ctx, l.jobs, l.results)
	defer func() {
		l.stop()
		progressed = l.progressed
	}()
	for {
		if err := l.handOver(); err != nil {
			return l.progressed, err
		}
		in := events
		if l.ready && l.busy {
			in = nil // the batch is ready: read on once the applier takes it
		}
		select {
		case ev := <-in:
			if ev.err != nil {
				return l.progressed, ev.err
			}
			done, err := l.take(ctx, &ev.ch)
			if err != nil || done {
				return l.progressed, err
			}
		case j := <-l.results:
			done, err := l.finish(ctx, j)
			if err != nil || done {
				return l.progressed, err
			}
		case <-tick.C:
			l.ready = l.ready || l.due()
		case <-ctx.Done():
			return l.progressed, ctx.Err()
		}
	}
}

// pump reads the stream on a goroutine of its own, so that the loop can
// commit a batch on time while Next waits.
func pump(ctx context.Context, cs sluice.ChangeStream, out chan<- next) {
	for {
		ch, err := cs.Next(ctx)
		select {
		case out <- next{ch, err}:
		case <-ctx.Done():
			return
		}
		if err != nil {
			return
		}
	}
}

func (f *Follower) reset() {
	for _, s := range f.sinks {
		// What the mapper took of schema changes stays with the batch: the
		// mapper does not see those changes again.
		b := s.batch
		s.batch = target.StreamBatch{Stops: b.Stops, Adds: b.Adds, Ignored: b.Ignored}
		s.changes, s.bytes, s.sealed = 0, 0, s.applied
	}
}

// reached says every sink has applied the goal.
func (f *Follower) reached() bool {
	if f.opt.Until == nil {
		return false
	}
	for _, s := range f.sinks {
		if c, err := s.applied.Compare(f.opt.Until); err != nil || c < 0 {
			return false
		}
	}
	return true
}

// loop is the state of one stream's reading.
type loop struct {
	f          *Follower
	cs         sluice.ChangeStream
	pos        sluice.Position // the current transaction's
	posText    string
	inTx       bool // between a Begin and its Commit: a batch never ends there
	txTime     time.Time
	since      time.Time // when the oldest transaction not yet handed over committed here; zero when none
	lastIdle   time.Time
	progressed bool
	ready      bool // the batches being filled go to the applier as soon as it is free
	busy       bool // the applier holds a job whose result has not come back
	jobs       chan *job
	results    chan *job
}

// take handles one change; done says the goal is applied.
func (l *loop) take(ctx context.Context, ch *sluice.Change) (done bool, err error) {
	switch ch.Kind {
	case sluice.ChangeBegin:
		l.begin(ch)
	case sluice.ChangeInsert, sluice.ChangeUpdate, sluice.ChangeDelete, sluice.ChangeTruncate:
		l.route(l.f.m.Map(ch, l.pos, l.posText))
	case sluice.ChangeSchema:
		return false, l.schema(ctx, ch)
	case sluice.ChangeCommit:
		return l.commit(ch), nil
	case sluice.ChangeHeartbeat:
		return l.heartbeat(ch), nil
	}
	return false, nil
}

func (l *loop) begin(ch *sluice.Change) {
	l.pos, l.posText, l.txTime, l.inTx = ch.Position, ch.Position.String(), ch.Time, true
	for _, s := range l.f.sinks {
		c, err := ch.Position.Compare(s.sealed)
		s.skip = err == nil && c <= 0
	}
}

func (l *loop) route(items []Item) {
	for _, it := range items {
		s := l.f.sinks[it.Database]
		if s == nil || s.skip {
			continue
		}
		switch {
		case it.Change != nil:
			s.batch.Changes = append(s.batch.Changes, *it.Change)
			s.changes++
			s.bytes += changeBytes(it.Change)
		case it.Reject != nil:
			s.batch.Rejects = append(s.batch.Rejects, *it.Reject)
		default:
			s.batch.Skip(it.Skipped)
		}
	}
}

func (l *loop) schema(ctx context.Context, ch *sluice.Change) error {
	var p *plan.Plan
	if l.f.opt.Replan != nil && l.f.m.Widens(ch) {
		var err error
		if p, err = l.f.opt.Replan(ctx); err != nil {
			return fmt.Errorf("plan again after %s changed: %w", ch.Table, err)
		}
	}
	sc, err := l.f.m.Schema(ch, l.pos, l.posText, p)
	if err != nil {
		return err
	}
	for id, reason := range sc.Stops {
		if s := l.sinkOf(sc, id); s != nil {
			s.stop(id, reason)
		}
	}
	for _, note := range sc.Notes {
		id, _ := note["table"].(string)
		if s := l.sinkOf(sc, id); s != nil {
			s.batch.Notes = append(s.batch.Notes, note)
		}
	}
	for _, add := range sc.Adds {
		if s := l.sinkOf(sc, add.TableID); s != nil {
			s.batch.Adds = append(s.batch.Adds, add)
		}
	}
	for id, why := range sc.Ignored {
		if s := l.sinkOf(sc, id); s != nil {
			s.ignore(id, why)
		}
	}
	return nil
}

// sinkOf is the sink of table id's database, nil when it skips the
// current transaction.
func (l *loop) sinkOf(sc SchemaChange, id string) *sink {
	if s := l.f.sinks[sc.Database[id]]; s != nil && !s.skip {
		return s
	}
	return nil
}

func (l *loop) commit(ch *sluice.Change) bool {
	l.inTx = false
	pos := ch.Position.String()
	for _, s := range l.f.sinks {
		if s.skip {
			continue
		}
		s.batch.To = pos
		s.batch.Transactions++
		s.batch.SourceTime = ch.Time
	}
	if l.since.IsZero() {
		l.since = time.Now()
	}
	l.ready = l.ready || l.full() || l.atGoal(ch.Position)
	return l.f.reached()
}

// heartbeat records a position without changes at most every IdleEvery
// (and at the goal), so that the source can let go of its log.
func (l *loop) heartbeat(ch *sluice.Change) bool {
	if !l.since.IsZero() {
		return false // transactions wait: they commit first
	}
	if time.Since(l.lastIdle) < l.f.opt.IdleEvery && !l.atGoal(ch.Position) {
		return false
	}
	for _, s := range l.f.sinks {
		if c, err := ch.Position.Compare(s.sealed); err == nil && c > 0 {
			s.batch.To = ch.Position.String()
			l.ready = true
		}
	}
	l.lastIdle = time.Now()
	return l.f.reached()
}

func (l *loop) full() bool {
	for _, s := range l.f.sinks {
		if s.changes >= l.f.opt.MaxChanges || s.bytes >= l.f.opt.MaxBytes {
			return true
		}
	}
	return false
}

func (l *loop) atGoal(p sluice.Position) bool {
	if l.f.opt.Until == nil {
		return false
	}
	c, err := p.Compare(l.f.opt.Until)
	return err == nil && c >= 0
}

func (l *loop) due() bool {
	return !l.inTx && !l.since.IsZero() && time.Since(l.since) >= l.f.opt.MaxDelay
}
