package sluicetest

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice"
)

// Helpers for the change capture tests every engine runs on its own
// servers: open a snapshot or a stream, read its changes, compare them with
// what a writer did.

// SnapshotOf opens a capture snapshot, failing the test on an error.
func SnapshotOf(t testing.TB, cs sluice.ChangeSource, spec sluice.CaptureSpec) sluice.Snapshot {
	t.Helper()
	snap, err := cs.Snapshot(context.Background(), spec)
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	return snap
}

// Changes opens a stream from a position, closed when the test ends. A
// transient error (a server still restarting) is tried again a few times.
func Changes(t testing.TB, cs sluice.ChangeSource, spec sluice.CaptureSpec, from sluice.Position) sluice.ChangeStream {
	t.Helper()
	for attempt := 1; ; attempt++ {
		st, err := cs.Changes(context.Background(), spec, from)
		if err == nil {
			t.Cleanup(func() { st.Close() })
			return st
		}
		if !sluice.IsTransient(err) || attempt == 5 {
			t.Fatalf("open the stream (attempt %d): %v", attempt, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// NextChanges reads changes, heartbeats left out, until stop says so,
// failing the test after limit.
func NextChanges(t testing.TB, st sluice.ChangeStream, limit time.Duration, stop func(sluice.Change) bool) []sluice.Change {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	var out []sluice.Change
	for {
		c, err := st.Next(ctx)
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("no end of the expected changes within %s; got %d: %v", limit, len(out), ChangeKinds(out))
		}
		if err != nil {
			t.Fatalf("next: %v", err)
		}
		if c.Kind != sluice.ChangeHeartbeat {
			out = append(out, c)
		}
		if stop(c) {
			return out
		}
	}
}

// Transactions reads n transactions (Begin to Commit), heartbeats left out.
func Transactions(t testing.TB, st sluice.ChangeStream, n int) []sluice.Change {
	t.Helper()
	seen := 0
	return NextChanges(t, st, 60*time.Second, func(c sluice.Change) bool {
		if c.Kind == sluice.ChangeCommit {
			seen++
		}
		return seen == n
	})
}

// ChangeKinds lists changes as "kind table", for messages.
func ChangeKinds(cs []sluice.Change) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Kind.String() + " " + c.Table
	}
	return out
}

// Drain reads until the stream fails and returns its error; a stream that
// goes on for 30 seconds without failing is an error too.
func Drain(st sluice.ChangeStream) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		if _, err := st.Next(ctx); err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				return errors.New("the stream did not fail")
			}
			return err
		}
	}
}

// CompareChanges fails the test unless got holds the changes of want, in
// order, with the same tables and images, each transaction's commit at its
// begin's position and each transaction after the one before.
func CompareChanges(t *testing.T, got, want []sluice.Change) {
	t.Helper()
	var begin sluice.Change
	var last sluice.Position
	for i := 0; i < len(got) && i < len(want); i++ {
		g, w := got[i], want[i]
		if g.Kind != w.Kind || g.Table != w.Table || !reflect.DeepEqual(g.Before, w.Before) || !reflect.DeepEqual(g.After, w.After) {
			t.Fatalf("change %d: got %v %s before %v after %v, want %v %s before %v after %v",
				i, g.Kind, g.Table, g.Before, g.After, w.Kind, w.Table, w.Before, w.After)
		}
		switch g.Kind {
		case sluice.ChangeBegin:
			begin = g
			if last != nil {
				if c, err := g.Position.Compare(last); err != nil || c <= 0 {
					t.Fatalf("transaction %s at %s does not follow the one at %s", g.TxID, g.Position, last)
				}
			}
		case sluice.ChangeCommit:
			if c, _ := g.Position.Compare(begin.Position); c != 0 || g.TxID != begin.TxID {
				t.Fatalf("commit %s at %s ends begin %s at %s", g.TxID, g.Position, begin.TxID, begin.Position)
			}
			last = g.Position
		}
	}
	if len(got) != len(want) {
		t.Fatalf("got %d changes, want %d", len(got), len(want))
	}
}

// ColumnNames joins the names of cols with commas.
func ColumnNames(cols []sluice.Column) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return strings.Join(names, ",")
}

// ReadRows reads a whole table through src in key order.
func ReadRows(t testing.TB, src sluice.Source, table string, cols, key []string) [][]any {
	t.Helper()
	it, err := src.Read(context.Background(), sluice.ReadRequest{Table: table, Columns: cols, Key: key})
	if err != nil {
		t.Fatalf("read %s: %v", table, err)
	}
	defer it.Close()
	var rows [][]any
	for it.Next() {
		rows = append(rows, it.Values())
	}
	if err := it.Err(); err != nil {
		t.Fatalf("read %s: %v", table, err)
	}
	return rows
}
