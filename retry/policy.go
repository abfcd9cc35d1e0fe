package retry

import (
	"context"
	"errors"
	"time"

	"github.com/sluicedb/sluice"
)

// Policy says how often an operation is tried and how long to wait between
// tries.
type Policy struct {
	Attempts int           // tries in all, the first included
	Wait     time.Duration // the first wait; it doubles up to MaxWait
	MaxWait  time.Duration
}

// Default rides out about half a minute of outage (a server restart, a
// failover, a network cut): waits of 0.25, 0.5, 1, 2, 4, 8, 8 and 8 seconds,
// 31.75 s in all, between nine tries.
var Default = Policy{Attempts: 9, Wait: 250 * time.Millisecond, MaxWait: 8 * time.Second}

// OrDefault is p, or Default when p was left zero.
func (p Policy) OrDefault() Policy {
	if p.Attempts <= 0 {
		return Default
	}
	return p
}

// Budget is the time spent waiting between all the tries, the attempts'
// own time excluded: an outage shorter than that is ridden out.
func (p Policy) Budget() time.Duration {
	var d time.Duration
	for a := 1; a < p.Attempts; a++ {
		d += p.wait(a)
	}
	return d
}

// wait is the pause after the attempt-th failed try.
func (p Policy) wait(attempt int) time.Duration {
	w := p.Wait << (attempt - 1)
	if w > p.MaxWait || w <= 0 {
		return p.MaxWait
	}
	return w
}

// Notify hears each retry: the try that failed, the wait before the next
// and why.
type Notify func(attempt int, wait time.Duration, err error)

// Do runs fn until it succeeds, fails with an error a retry cannot cure, or
// the policy's attempts run out; where names the database fn talks to
// ("target 127.0.0.1:5432/app", "source crm at ..."), for the error then. A
// transient error still there after the last try is an
// *sluice.UnreachableError. A cancelled ctx ends the waits at once.
func Do(ctx context.Context, p Policy, where string, notify Notify, fn func() error) error {
	p = p.OrDefault()
	start := time.Now()
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || !Transient(err) || ctx.Err() != nil {
			return err
		}
		if attempt >= p.Attempts {
			return &sluice.UnreachableError{Where: where, Attempts: attempt, For: time.Since(start), Err: err}
		}
		wait := p.wait(attempt)
		if notify != nil {
			notify(attempt, wait, err)
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return errors.Join(ctx.Err(), err)
		}
	}
}
