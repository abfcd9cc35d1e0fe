package stream

import (
	"context"
	"time"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/target"
)

// job is one batch per sink, handed to the applier at once.
type job struct {
	batches []sealed
	err     error // the first batch that failed; those before it committed
}

// sealed is one sink's batch and the position it moves the sink to.
type sealed struct {
	s         *sink
	b         target.StreamBatch
	to        sluice.Position
	res       target.BatchResult
	committed bool
}

// applier commits the jobs one at a time, in order, on a goroutine of its
// own; it touches no state of the loop's.
func applier(ctx context.Context, jobs <-chan *job, results chan<- *job) {
	for j := range jobs {
		for i := range j.batches {
			sb := &j.batches[i]
			res, err := sb.s.Target.ApplyBatch(ctx, sb.b)
			if err != nil {
				j.err = &applyError{err}
				break
			}
			sb.res, sb.committed = res, true
		}
		results <- j
	}
}

// handOver gives the applier the batches being filled once they are ready,
// the applier is free and no transaction is open.
func (l *loop) handOver() error {
	if !l.ready || l.busy || l.inTx {
		return nil
	}
	j, err := l.seal()
	if err != nil {
		return err
	}
	l.ready, l.since = false, time.Time{}
	if len(j.batches) > 0 {
		l.busy = true
		l.jobs <- j
	}
	return nil
}

// seal takes each sink's batch, starting where the one before it ends.
func (l *loop) seal() (*job, error) {
	j := &job{}
	for _, s := range l.f.sinks {
		if s.batch.To == "" && len(s.batch.Stops) == 0 && len(s.batch.Adds) == 0 {
			continue
		}
		b := s.batch
		b.RunID, b.Source, b.From = s.RunID, l.f.source, s.sealed.String()
		if b.To == "" {
			b.To = b.From
		}
		to, err := l.f.cs.ParsePosition(b.To)
		if err != nil {
			return nil, err
		}
		j.batches = append(j.batches, sealed{s: s, b: b, to: to})
		s.sealed, s.batch, s.changes, s.bytes = to, target.StreamBatch{}, 0, 0
	}
	return j, nil
}

// finish records a job's result: the committed batches' positions, and the
// position every sink has committed acknowledged to the source.
func (l *loop) finish(ctx context.Context, j *job) (done bool, err error) {
	l.busy = false
	l.record(j)
	if j.err != nil {
		return false, j.err
	}
	if err := l.cs.Ack(ctx, l.f.Applied()); err != nil {
		return false, err
	}
	return l.f.reached(), nil
}

// record moves each sink the job committed; a batch that did not commit
// gives back what the mapper took of schema changes (the stops, the added
// columns), for the next stream's first batch: the mapper does not see those
// changes again (the rows and notes do come again with the stream).
func (l *loop) record(j *job) {
	for i := range j.batches {
		sb := &j.batches[i]
		if !sb.committed {
			sb.s.giveBack(&sb.b)
			continue
		}
		sb.s.applied = sb.to
		l.progressed = true
		if l.f.opt.OnBatch != nil {
			l.f.opt.OnBatch(sb.s.Database, &sb.b, sb.res)
		}
	}
}

func (s *sink) giveBack(b *target.StreamBatch) {
	for id, reason := range b.Stops {
		s.stop(id, reason)
	}
	for id, why := range b.Ignored {
		s.ignore(id, why)
	}
	s.batch.Adds = append(b.Adds, s.batch.Adds...)
}

// stop ends the applier, first waiting for the job it holds: the next
// stream starts from what that job committed.
func (l *loop) stop() {
	if l.busy {
		l.record(<-l.results)
		l.busy = false
	}
	close(l.jobs)
}

// changeBytes is about what a row change holds in memory.
func changeBytes(c *target.RowChange) int {
	n := 64
	for _, vs := range [][]any{c.Values, c.KeyValues} {
		for _, v := range vs {
			switch v := v.(type) {
			case string:
				n += 16 + len(v)
			case []byte:
				n += 24 + len(v)
			default:
				n += 16
			}
		}
	}
	return n
}
