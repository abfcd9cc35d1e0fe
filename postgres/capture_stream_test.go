package postgres

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
)

const mixSchema = sluicetest.MixSchema

var u = sluice.Unchanged{}

// runMix runs n transactions of a new mix on url and returns the changes
// they must stream, with a Begin and a Commit around each.
func runMix(t testing.TB, url string, seed uint64, n int) []sluice.Change {
	t.Helper()
	return runMore(t, url, sluicetest.NewMix(seed), n)
}

// runMore runs n more transactions of mix.
func runMore(t testing.TB, url string, mix *sluicetest.Mix, n int) []sluice.Change {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var want []sluice.Change
	for i := range n {
		tx := mix.Next()
		if _, err := conn.Exec(ctx, tx.SQL()); err != nil {
			t.Fatalf("transaction %d: %v", i, err)
		}
		want = append(want, sluice.Change{Kind: sluice.ChangeBegin})
		for _, c := range tx.Changes {
			want = append(want, pgChange(c))
		}
		want = append(want, sluice.Change{Kind: sluice.ChangeCommit})
	}
	return want
}

// pgChange is what pgoutput sends for a change: the new row; the old row
// whole for c (REPLICA IDENTITY FULL); for a and b the old key only, on a
// delete or when the key changed, the other columns Unchanged.
func pgChange(c sluicetest.MixChange) sluice.Change {
	out := sluice.Change{Kind: c.Kind, Table: c.Table, After: c.New}
	switch {
	case c.Old == nil:
	case c.Table == "c":
		out.Before = c.Old
	case c.Kind == sluice.ChangeDelete || c.KeyChanged:
		out.Before = append([]any{}, c.Old...)
		out.Before[len(out.Before)-1] = u // the last column of a and b is not in the key
	}
	return out
}

// A seeded mix streams in commit order with the right images: the whole
// new row, the old key when a key changed (the other columns Unchanged),
// the whole old row of a REPLICA IDENTITY FULL table.
func TestCaptureStreamsTransactionsInOrderWithImages(t *testing.T) {
	srv := privateServer(t)
	url, src := captureDB(t, srv, mixSchema)
	spec := sluice.CaptureSpec{Name: "mix", Tables: []string{"a", "b", "c"}, ReplicaIdentityFull: true}
	snap := sluicetest.SnapshotOf(t, src, spec)
	pos := snap.Position()
	snap.Close()

	const n = 60
	want := runMix(t, url, 7, n)
	got := sluicetest.Transactions(t, sluicetest.Changes(t, src, spec, pos), n)
	sluicetest.CompareChanges(t, got, want)
}

// A table without a key is refused without consent, with the fix named.
func TestCaptureRefusesKeylessTableWithoutConsent(t *testing.T) {
	srv := privateServer(t)
	_, src := captureDB(t, srv, mixSchema)
	spec := sluice.CaptureSpec{Name: "keyless", Tables: []string{"a", "c"}}
	problems, err := src.CheckCapture(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 1 || problems[0].Check != "table c: replica identity" || !strings.Contains(problems[0].Fix, "REPLICA IDENTITY FULL") {
		t.Fatalf("problems = %+v, want one about table c's replica identity", problems)
	}
	if _, err := src.Snapshot(context.Background(), spec); err == nil || !strings.Contains(err.Error(), "table c: replica identity") {
		t.Fatalf("snapshot without consent: %v, want a refusal naming table c", err)
	}
	var exists bool
	ctx := context.Background()
	if err := src.pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)", CaptureName("keyless")).Scan(&exists); err != nil || exists {
		t.Fatalf("a refused snapshot left a slot behind (%v)", err)
	}
	spec.ReplicaIdentityFull = true
	if problems, _ := src.CheckCapture(ctx, spec); len(problems) != 0 {
		t.Fatalf("with consent: problems %+v", problems)
	}
}

// Stopped after some acks, a stream opened again (at the acked position,
// or at the slot's, nil) delivers the transactions after it, and none
// before.
func TestCaptureResumesAfterTheAckedPosition(t *testing.T) {
	srv := privateServer(t)
	url, src := captureDB(t, srv, mixSchema)
	spec := sluice.CaptureSpec{Name: "resume", Tables: []string{"a", "b", "c"}, ReplicaIdentityFull: true}
	snap := sluicetest.SnapshotOf(t, src, spec)
	pos := snap.Position()
	snap.Close()
	want := runMix(t, url, 11, 10)

	st, err := src.Changes(context.Background(), spec, pos)
	if err != nil {
		t.Fatal(err)
	}
	first := sluicetest.Transactions(t, st, 4)
	acked := first[len(first)-1].Position
	if err := st.Ack(context.Background(), acked); err != nil {
		t.Fatal(err)
	}
	rest := sluicetest.Transactions(t, st, 6) // read, but not acknowledged
	st.Close()
	sluicetest.CompareChanges(t, append(first, rest...), want)

	for _, from := range []sluice.Position{acked, nil} {
		st := sluicetest.Changes(t, src, spec, from)
		again := sluicetest.Transactions(t, st, 6)
		st.Close()
		if again[0].TxID != rest[0].TxID {
			t.Errorf("from %v: first transaction %s, want %s, the first after the ack", from, again[0].TxID, rest[0].TxID)
		}
		sluicetest.CompareChanges(t, again, want[len(first):])
	}
}

// An Ack of a position the stream has not delivered is refused: it would
// let the server discard what was never applied.
func TestCaptureRefusesAckBeyondDelivered(t *testing.T) {
	srv := privateServer(t)
	_, src := captureDB(t, srv, mixSchema)
	spec := sluice.CaptureSpec{Name: "ack", Tables: []string{"a"}}
	snap := sluicetest.SnapshotOf(t, src, spec)
	pos := snap.Position().(LSN)
	snap.Close()
	st := sluicetest.Changes(t, src, spec, pos)
	if err := st.Ack(context.Background(), pos+1000); err == nil {
		t.Fatalf("ack past the delivered position was accepted")
	}
}

func waitFor(t testing.TB, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
