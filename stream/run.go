package stream

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
)

// Sink is a target database that some of the source's tables go to; each
// keeps the source's stream position of its own, committed with its rows.
type Sink struct {
	Database string
	Target   *target.Target
	RunID    int64 // the sync's run in that database, which its batches record
}

// Options tune a Follower. The zero value is usable.
type Options struct {
	// MaxChanges ends a batch once it holds this many row changes (at the
	// end of a source transaction: a transaction is never split); 0: 5000.
	MaxChanges int
	// MaxBytes ends a batch once its values hold about this many bytes, so
	// that wide rows do not make a batch of MaxChanges huge; 0: 32 MiB.
	// Memory holds at most two batches: one committing, one filling.
	MaxBytes int
	// MaxDelay is the longest a committed source transaction waits for the
	// batch it is in to commit; 0: 100ms.
	MaxDelay time.Duration
	// IdleEvery is how often a position without changes (a heartbeat) is
	// committed and acknowledged, so the source can let go of its log; 0: 1s.
	IdleEvery time.Duration
	// Until makes Follow return nil once every sink has applied it (sync
	// --catch-up); nil follows until ctx ends.
	Until sluice.Position
	// Attempts is how often a lost connection (either side) is retried in
	// a row, waiting Wait, doubling up to MaxWait; 0: 10, 250ms, 8s.
	Attempts      int
	Wait, MaxWait time.Duration
	// OnBatch hears every committed batch (for progress); may be nil.
	OnBatch func(db string, b *target.StreamBatch, r target.BatchResult)
	// OnRetry hears every retry; may be nil.
	OnRetry func(attempt int, wait time.Duration, err error)
	// Replan makes the plan again from the sources as they are now, when a
	// column is added to a source table whose mapping takes its columns as
	// they come (see Mapper.Schema); nil leaves added columns out.
	Replan func(ctx context.Context) (*plan.Plan, error)
}

func (o Options) withDefaults() Options {
	if o.MaxChanges <= 0 {
		o.MaxChanges = 5000
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 32 << 20
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = 100 * time.Millisecond
	}
	if o.IdleEvery <= 0 {
		o.IdleEvery = time.Second
	}
	if o.Attempts <= 0 {
		o.Attempts = 10
	}
	if o.Wait <= 0 {
		o.Wait = 250 * time.Millisecond
	}
	if o.MaxWait <= 0 {
		o.MaxWait = 8 * time.Second
	}
	return o
}

// Follower applies one source's change stream to its sinks.
type Follower struct {
	cs     sluice.ChangeSource
	spec   sluice.CaptureSpec
	source string
	m      *Mapper
	sinks  map[string]*sink
	opt    Options
}

// sink is a Sink with what it applied and the batch it is filling.
type sink struct {
	Sink
	applied sluice.Position // committed on the target with its rows
	sealed  sluice.Position // where the batches handed to the applier end: applied, or ahead of it while one commits
	batch   target.StreamBatch
	skip    bool // the current transaction is at or before sealed
	changes int
	bytes   int // about the size of batch's values
}

// NewFollower prepares to follow source's changes into sinks, each of which
// has a stream position (its initial copy is done).
func NewFollower(ctx context.Context, cs sluice.ChangeSource, spec sluice.CaptureSpec, source string, m *Mapper, sinks []Sink, o Options) (*Follower, error) {
	f := &Follower{cs: cs, spec: spec, source: source, m: m, sinks: map[string]*sink{}, opt: o.withDefaults()}
	for _, s := range sinks {
		st, err := s.Target.Stream(ctx, source)
		if err != nil {
			return nil, err
		}
		if st == nil {
			return nil, fmt.Errorf("source %s has no stream position in target database %s: its initial copy did not finish", source, s.Database)
		}
		pos, err := cs.ParsePosition(st.Position)
		if err != nil {
			return nil, fmt.Errorf("read the stream position of %s in %s: %w", source, s.Database, err)
		}
		stops, err := s.Target.StreamStops(ctx, source)
		if err != nil {
			return nil, err
		}
		for id, reason := range stops {
			m.Stop(id, reason)
		}
		f.sinks[s.Database] = &sink{Sink: s, applied: pos, sealed: pos}
		if err := f.readStarts(ctx, s); err != nil {
			return nil, err
		}
	}
	f.stopRefused()
	return f, nil
}

// readStarts gives the mapper the position each table was copied at (the
// same in every sink: one copy fed them all).
func (f *Follower) readStarts(ctx context.Context, s Sink) error {
	texts, err := s.Target.StreamStarts(ctx, f.source)
	if err != nil {
		return err
	}
	starts := map[string]sluice.Position{}
	for table, text := range texts {
		p, err := f.cs.ParsePosition(text)
		if err != nil {
			return fmt.Errorf("read the copy position of %s.%s: %w", f.source, table, err)
		}
		starts[table] = p
	}
	f.m.SetStarts(starts)
	return nil
}

// stopRefused records, with the first batch, the tables whose changes the
// mapping cannot apply.
func (f *Follower) stopRefused() {
	for id, reason := range f.m.Refused() {
		if f.m.stopped[id] != "" {
			continue
		}
		f.m.Stop(id, reason)
		for db, s := range f.sinks {
			if f.databaseOf(id) == db {
				s.stop(id, reason)
			}
		}
	}
}

func (f *Follower) databaseOf(id string) string {
	for _, list := range f.m.tables {
		for _, mt := range list {
			if mt.t.ID == id {
				return mt.t.Database
			}
		}
	}
	return ""
}

func (s *sink) ignore(id, why string) {
	if s.batch.Ignored == nil {
		s.batch.Ignored = map[string]string{}
	}
	s.batch.Ignored[id] = why
}

func (s *sink) stop(id, reason string) {
	if s.batch.Stops == nil {
		s.batch.Stops = map[string]string{}
	}
	s.batch.Stops[id] = reason
}

// Applied is the position every sink has applied: where a restart resumes.
func (f *Follower) Applied() sluice.Position {
	var low sluice.Position
	for _, s := range f.sinks {
		if low == nil {
			low = s.applied
		} else if c, err := s.applied.Compare(low); err == nil && c < 0 {
			low = s.applied
		}
	}
	return low
}

// Follow applies changes until ctx ends (then it returns ctx's error, with
// every committed position recorded) or, with Until, until it is applied.
// A lost connection to the source or a target is retried, the stream
// resuming at the committed position.
func (f *Follower) Follow(ctx context.Context) error {
	for attempt := 1; ; attempt++ {
		progressed, err := f.follow(ctx)
		if err == nil || ctx.Err() != nil || !transient(err) {
			return err
		}
		if progressed {
			attempt = 1
		}
		if attempt >= f.opt.Attempts {
			return fmt.Errorf("%w (gave up after %d attempts)", err, attempt)
		}
		wait := f.opt.Wait << (attempt - 1)
		if wait > f.opt.MaxWait || wait <= 0 {
			wait = f.opt.MaxWait
		}
		if f.opt.OnRetry != nil {
			f.opt.OnRetry(attempt, wait, err)
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// transient says a new stream from the committed position may succeed: the
// source's connection was lost, or the target's (not a refusal by it).
func transient(err error) bool {
	if sluice.IsTransient(err) {
		return true
	}
	var moved *target.StreamMovedError
	if errors.As(err, &moved) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "57P01", "57P02", "57P03", "40001", "40P01", "53300":
			return true
		case "55006":
			// The replication slot is still active for the walsender of a
			// process that just died: the server lets go of it shortly.
			return true
		}
		return strings.HasPrefix(pgErr.Code, "08")
	}
	var applyErr *applyError
	return errors.As(err, &applyErr) // a lost target connection
}

// applyError is a failure to commit a batch on a target.
type applyError struct{ err error }

func (e *applyError) Error() string { return e.err.Error() }
func (e *applyError) Unwrap() error { return e.err }
