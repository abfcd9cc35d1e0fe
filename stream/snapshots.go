package stream

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/sluicedb/sluice"
)

// TableSnapshots is a Source that reads each table in a snapshot of its
// own, taken when the table is first read: a MariaDB snapshot belongs to
// one connection, so one snapshot for every table would copy them one at a
// time, and a table that a DDL statement (TRUNCATE is one there) rewrites
// after the snapshot began cannot be read in it at all. The stream then
// applies to each table only the transactions after its own position
// (Starts).
type TableSnapshots struct {
	cs   sluice.ChangeSource
	spec sluice.CaptureSpec

	mu    sync.Mutex
	snaps map[string]*tableSnap
}

type tableSnap struct {
	mu   sync.Mutex
	snap sluice.Snapshot
	used bool // a read succeeded: the snapshot can no longer be replaced
}

// NewTableSnapshots reads cs's tables each in a snapshot of its own.
func NewTableSnapshots(cs sluice.ChangeSource, spec sluice.CaptureSpec) *TableSnapshots {
	return &TableSnapshots{cs: cs, spec: spec, snaps: map[string]*tableSnap{}}
}

// Starts gives the position each table read was copied at.
func (s *TableSnapshots) Starts() map[string]sluice.Position {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]sluice.Position{}
	for table, ts := range s.snaps {
		if ts.snap != nil {
			out[table] = ts.snap.Position()
		}
	}
	return out
}

func (s *TableSnapshots) table(name string) *tableSnap {
	s.mu.Lock()
	defer s.mu.Unlock()
	ts := s.snaps[name]
	if ts == nil {
		ts = &tableSnap{}
		s.snaps[name] = ts
	}
	return ts
}

// with runs fn on table's snapshot. A snapshot that the table's definition
// changed after (MariaDB error 1412) is replaced by a new one while nothing
// was read from it yet.
func (s *TableSnapshots) with(ctx context.Context, table string, fn func(sluice.Source) error) error {
	ts := s.table(table)
	ts.mu.Lock()
	defer ts.mu.Unlock()
	for attempt := 1; ; attempt++ {
		if ts.snap == nil {
			snap, err := s.cs.Snapshot(ctx, s.spec)
			if err != nil {
				return fmt.Errorf("snapshot for %s: %w", table, err)
			}
			ts.snap = snap
		}
		err := fn(ts.snap)
		if err == nil || ts.used || !DefinitionChanged(err) || attempt >= 20 {
			ts.used = ts.used || err == nil
			return err
		}
		ts.snap.Close()
		ts.snap = nil
	}
}

// DefinitionChanged says a snapshot cannot read a table that a DDL
// statement rewrote after the snapshot began (MariaDB error 1412).
func DefinitionChanged(err error) bool {
	return err != nil && strings.Contains(err.Error(), "Error 1412")
}

func (s *TableSnapshots) Engine() string { return s.cs.Engine() }

func (s *TableSnapshots) Introspect(ctx context.Context) (*sluice.Schema, error) {
	return s.cs.Introspect(ctx)
}

func (s *TableSnapshots) Count(ctx context.Context, table, where string) (n int64, err error) {
	err = s.with(ctx, table, func(src sluice.Source) (err error) {
		n, err = src.Count(ctx, table, where)
		return err
	})
	return n, err
}

// Read reads through the table's snapshot; the server reports a
// definition change when the query runs, before any row.
func (s *TableSnapshots) Read(ctx context.Context, req sluice.ReadRequest) (it sluice.RowIter, err error) {
	err = s.with(ctx, req.Table, func(src sluice.Source) (err error) {
		it, err = src.Read(ctx, req)
		return err
	})
	return it, err
}

func (s *TableSnapshots) Summarize(ctx context.Context, req sluice.SummaryRequest) (sum sluice.Summary, err error) {
	err = s.with(ctx, req.Table, func(src sluice.Source) (err error) {
		sm, ok := src.(sluice.Summarizer)
		if !ok {
			return errors.New("the snapshot cannot summarize")
		}
		sum, err = sm.Summarize(ctx, req)
		return err
	})
	return sum, err
}

// Close ends every snapshot.
func (s *TableSnapshots) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for _, ts := range s.snaps {
		if ts.snap != nil {
			errs = append(errs, ts.snap.Close())
		}
	}
	return errors.Join(errs...)
}
