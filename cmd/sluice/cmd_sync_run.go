package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/audit"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/target"
)

// syncRuns is the sync's run in each target database (one lifecycle with
// migrate and verify: target.BeginSession): its audit entries and batches
// belong to it.
type syncRuns struct {
	ids      map[string]int64
	sessions map[string]*target.Session
}

// beginSyncRuns records the run in each target, holding the migration lock
// for its whole life: a migrate must not reload a table under a running
// stream.
func beginSyncRuns(ctx context.Context, tgts migrate.Targets, configHash string, key ed25519.PrivateKey, anchor audit.Witness) (*syncRuns, error) {
	r := &syncRuns{ids: map[string]int64{}, sessions: map[string]*target.Session{}}
	for db, t := range tgts {
		s, err := t.BeginSession(ctx, target.RunSpec{Command: "sync", ConfigHash: configHash, Version: sluiceVersion(),
			Lock: "migrate", Details: map[string]any{"command": "sync"}, SigningKey: key, Anchor: anchor})
		if err != nil {
			_ = r.end(context.WithoutCancel(ctx), err)
			return nil, fmt.Errorf("record the run in %s: %w", db, err)
		}
		r.ids[db], r.sessions[db] = s.ID(), s
	}
	return r, nil
}

// end records how the sync ended in each database, and lets go of the locks.
func (r *syncRuns) end(ctx context.Context, err error) error {
	status, msg := "ok", ""
	switch {
	case errors.Is(err, sluice.ErrInterrupted):
		status, msg = "interrupted", "stopped by a signal; the next sync resumes at the committed positions"
	case err != nil:
		status, msg = "failed", err.Error()
	}
	var errs []error
	for _, s := range r.sessions {
		if _, endErr := s.End(ctx, status, msg, nil); endErr != nil {
			errs = append(errs, endErr)
		}
	}
	return errors.Join(errs...)
}

// startStreams records where each freshly copied source's stream starts.
func startStreams(ctx context.Context, caps []*capture, runs *syncRuns, starts map[string]copyStart) error {
	for _, c := range caps {
		st, ok := starts[c.name]
		if !ok {
			continue
		}
		for _, sk := range c.sinks {
			if err := sk.Target.StartStream(ctx, runs.ids[sk.Database], c.name, c.spec.Name, st.position, st.tables); err != nil {
				return err
			}
		}
	}
	return nil
}

// repeat, at every interval, migrates the sources without a change log
// again and reruns the tables the stream cannot follow row by row.
func (s *syncer) repeat(ctx context.Context, runs *syncRuns) error {
	if len(s.polled) > 0 {
		fmt.Fprintf(s.g.stderr, "sync: %v have no change log: migrating them again every %s (tables with strategy merge or append take the changes)\n", s.polled, s.f.every)
	}
	for {
		select {
		case <-time.After(s.f.every):
		case <-ctx.Done():
			return ctx.Err()
		}
		if err := s.poll(ctx); err != nil {
			return err
		}
		if err := s.rerun(ctx, runs, "every "+s.f.every.String()); err != nil {
			return err
		}
	}
}

// poll migrates the sources without a change log again.
func (s *syncer) poll(ctx context.Context) error {
	if len(s.polled) == 0 {
		return nil
	}
	copied := map[string]bool{}
	for _, name := range s.polled {
		copied[name] = true
	}
	sum, err := migrate.RunAll(ctx, sourcesOnly(s.p.Plan, copied), s.p.Sources, s.tgts, s.partialRun())
	if err != nil {
		return fmt.Errorf("migrate %v again: %w", s.polled, err)
	}
	fmt.Fprintf(s.g.stderr, "sync: %v migrated again: %s\n", s.polled, rerunCounts(sum))
	return nil
}

// partialRun are the options of a run of some of the tables under the lock
// the sync (or cutover) holds: it takes none, and retires no table.
func (s *syncer) partialRun() migrate.Options {
	o := s.options()
	o.Observer, o.Partial, o.Locked = migrate.Quiet{}, true, true
	return o
}

func rerunCounts(sum *migrate.Summary) string {
	var c migrate.Counts
	for _, t := range sum.Tables {
		c = c.Add(migrate.CountsOf(t))
	}
	return fmt.Sprintf("%+v", c)
}

// reporter prints a line about a source's stream every few seconds.
type reporter struct {
	mu                    sync.Mutex
	w                     io.Writer
	source                string
	last                  time.Time
	txs, changes, rejects int
	to                    string
}

func newReporter(w io.Writer, source string) *reporter {
	return &reporter{w: w, source: source, last: time.Now()}
}

func (r *reporter) batch(db string, b *target.StreamBatch, res target.BatchResult) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.txs += b.Transactions
	r.changes += res.Applied
	r.rejects += res.Rejected
	r.to = b.To
	if time.Since(r.last) >= 5*time.Second {
		r.print()
	}
}

func (r *reporter) print() {
	if r.to != "" {
		fmt.Fprintf(r.w, "sync: %s: %d transactions, %d row changes applied, %d rejected, at %s\n", r.source, r.txs, r.changes, r.rejects, r.to)
	}
	r.last, r.txs, r.changes, r.rejects = time.Now(), 0, 0, 0
}

func (r *reporter) flush() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.print()
}

func (r *reporter) retry(attempt int, wait time.Duration, err error) {
	fmt.Fprintf(r.w, "sync: %s: %v; retrying in %s (attempt %d)\n", r.source, err, wait, attempt)
}
