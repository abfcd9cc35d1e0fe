package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sluicedb/sluice"
)

const mixSchema = `CREATE TABLE a (id int PRIMARY KEY, v text);
CREATE TABLE b (k1 int, k2 text, v int, PRIMARY KEY (k1, k2));
CREATE TABLE c (x int, y text);`

var u = sluice.Unchanged{}

// mixModel applies a seeded mix of statements and says which changes they
// must stream: inserts, updates of values and of keys, deletes, a
// truncate, in transactions of one to four statements.
type mixModel struct {
	rng   *rand.Rand
	a     map[int64]string
	b     map[[2]any]int64
	c     map[int64]string
	next  int64
	txs   int
	stmts []string
	want  []sluice.Change
}

func (m *mixModel) op() {
	switch n := m.rng.IntN(12); {
	case n < 3 || len(m.a)+len(m.b)+len(m.c) < 3:
		m.insert()
	case n < 5:
		m.updateA(n == 4)
	case n < 7:
		m.updateB(n == 6)
	case n < 8:
		m.updateC()
	case n < 11:
		m.deleteOne()
	default:
		m.deleteOne()
	}
}

func (m *mixModel) insert() {
	m.next++
	id := m.next
	switch m.rng.IntN(3) {
	case 0:
		m.a[id] = fmt.Sprint("a", id)
		m.add(fmt.Sprintf("INSERT INTO a VALUES (%d, 'a%d')", id, id), sluice.Change{Kind: sluice.ChangeInsert, Table: "a", After: []any{id, m.a[id]}})
	case 1:
		k := [2]any{id, fmt.Sprint("k", id)}
		m.b[k] = id * 10
		m.add(fmt.Sprintf("INSERT INTO b VALUES (%d, 'k%d', %d)", id, id, id*10), sluice.Change{Kind: sluice.ChangeInsert, Table: "b", After: []any{id, k[1], id * 10}})
	default:
		m.c[id] = fmt.Sprint("c", id)
		m.add(fmt.Sprintf("INSERT INTO c VALUES (%d, 'c%d')", id, id), sluice.Change{Kind: sluice.ChangeInsert, Table: "c", After: []any{id, m.c[id]}})
	}
}

// updateA changes a value, or the key: only then does the old key come.
func (m *mixModel) updateA(key bool) {
	id, ok := anyKey(m.rng, m.a)
	if !ok {
		m.insert()
		return
	}
	if !key {
		m.a[id] += "+"
		m.add(fmt.Sprintf("UPDATE a SET v = '%s' WHERE id = %d", m.a[id], id), sluice.Change{Kind: sluice.ChangeUpdate, Table: "a", After: []any{id, m.a[id]}})
		return
	}
	m.next++
	v := m.a[id]
	delete(m.a, id)
	m.a[m.next] = v
	m.add(fmt.Sprintf("UPDATE a SET id = %d WHERE id = %d", m.next, id),
		sluice.Change{Kind: sluice.ChangeUpdate, Table: "a", Before: []any{id, u}, After: []any{m.next, v}})
}

func (m *mixModel) updateB(key bool) {
	k, ok := anyKey(m.rng, m.b)
	if !ok {
		m.insert()
		return
	}
	v := m.b[k]
	if !key {
		m.b[k] = v + 1
		m.add(fmt.Sprintf("UPDATE b SET v = %d WHERE k1 = %d AND k2 = '%s'", v+1, k[0], strings.ReplaceAll(k[1].(string), "'", "''")),
			sluice.Change{Kind: sluice.ChangeUpdate, Table: "b", After: []any{k[0], k[1], v + 1}})
		return
	}
	nk := [2]any{k[0], k[1].(string) + "'"}
	delete(m.b, k)
	m.b[nk] = v
	m.add(fmt.Sprintf("UPDATE b SET k2 = k2 || '''' WHERE k1 = %d AND k2 = '%s'", k[0], strings.ReplaceAll(k[1].(string), "'", "''")),
		sluice.Change{Kind: sluice.ChangeUpdate, Table: "b", Before: []any{k[0], k[1], u}, After: []any{nk[0], nk[1], v}})
}

// updateC: c has REPLICA IDENTITY FULL, so the whole old row comes.
func (m *mixModel) updateC() {
	x, ok := anyKey(m.rng, m.c)
	if !ok {
		m.insert()
		return
	}
	old := m.c[x]
	m.c[x] = old + "!"
	m.add(fmt.Sprintf("UPDATE c SET y = '%s' WHERE x = %d", m.c[x], x),
		sluice.Change{Kind: sluice.ChangeUpdate, Table: "c", Before: []any{x, old}, After: []any{x, m.c[x]}})
}

func (m *mixModel) deleteOne() {
	switch m.rng.IntN(3) {
	case 0:
		if id, ok := anyKey(m.rng, m.a); ok {
			delete(m.a, id)
			m.add(fmt.Sprintf("DELETE FROM a WHERE id = %d", id), sluice.Change{Kind: sluice.ChangeDelete, Table: "a", Before: []any{id, u}})
			return
		}
	case 1:
		if k, ok := anyKey(m.rng, m.b); ok {
			delete(m.b, k)
			m.add(fmt.Sprintf("DELETE FROM b WHERE k1 = %d AND k2 = '%s'", k[0], strings.ReplaceAll(k[1].(string), "'", "''")),
				sluice.Change{Kind: sluice.ChangeDelete, Table: "b", Before: []any{k[0], k[1], u}})
			return
		}
	default:
		if x, ok := anyKey(m.rng, m.c); ok {
			old := m.c[x]
			delete(m.c, x)
			m.add(fmt.Sprintf("DELETE FROM c WHERE x = %d", x), sluice.Change{Kind: sluice.ChangeDelete, Table: "c", Before: []any{x, old}})
			return
		}
	}
	m.insert()
}

func (m *mixModel) add(stmt string, c sluice.Change) {
	m.stmts = append(m.stmts, stmt)
	m.want = append(m.want, c)
}

// anyKey picks a key of m, the same one for the same seed.
func anyKey[K comparable, V any](rng *rand.Rand, m map[K]V) (K, bool) {
	var keys []K
	for k := range m {
		keys = append(keys, k)
	}
	var zero K
	if len(keys) == 0 {
		return zero, false
	}
	sortKeys(keys)
	return keys[rng.IntN(len(keys))], true
}

func sortKeys[K comparable](keys []K) {
	less := func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) }
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && less(j, j-1); j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
}

// runMix runs n transactions of a new mix on url and returns the changes
// they must stream, with a Begin and a Commit around each.
func runMix(t testing.TB, url string, seed uint64, n int) []sluice.Change {
	t.Helper()
	return newMix(seed).run(t, url, n)
}

func newMix(seed uint64) *mixModel {
	return &mixModel{rng: rand.New(rand.NewPCG(seed, 1)), a: map[int64]string{}, b: map[[2]any]int64{}, c: map[int64]string{}}
}

// run runs n more transactions of the mix.
func (m *mixModel) run(t testing.TB, url string, n int) []sluice.Change {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var want []sluice.Change
	for range n {
		m.stmts, m.want = nil, nil
		if m.txs++; m.txs%17 == 0 {
			m.c = map[int64]string{}
			m.add("TRUNCATE c", sluice.Change{Kind: sluice.ChangeTruncate, Table: "c"})
		} else {
			for range 1 + m.rng.IntN(4) {
				m.op()
			}
		}
		if _, err := conn.Exec(ctx, "BEGIN; "+strings.Join(m.stmts, "; ")+"; COMMIT"); err != nil {
			t.Fatalf("transaction %d: %v", m.txs, err)
		}
		want = append(want, sluice.Change{Kind: sluice.ChangeBegin})
		want = append(want, m.want...)
		want = append(want, sluice.Change{Kind: sluice.ChangeCommit})
	}
	return want
}

// A seeded mix streams in commit order with the right images: the whole
// new row, the old key when a key changed (the other columns Unchanged),
// the whole old row of a REPLICA IDENTITY FULL table.
func TestCaptureStreamsTransactionsInOrderWithImages(t *testing.T) {
	srv := privateServer(t)
	url, src := captureDB(t, srv, mixSchema)
	spec := sluice.CaptureSpec{Name: "mix", Tables: []string{"a", "b", "c"}, ReplicaIdentityFull: true}
	snap := snapshotOf(t, src, spec)
	pos := snap.Position()
	snap.Close()

	const n = 60
	want := runMix(t, url, 7, n)
	got := transactions(t, changesFrom(t, src, spec, pos), n)
	compareChanges(t, got, want)
}

func compareChanges(t *testing.T, got, want []sluice.Change) {
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
	snap := snapshotOf(t, src, spec)
	pos := snap.Position()
	snap.Close()
	want := runMix(t, url, 11, 10)

	st, err := src.Changes(context.Background(), spec, pos)
	if err != nil {
		t.Fatal(err)
	}
	first := transactions(t, st, 4)
	acked := first[len(first)-1].Position
	if err := st.Ack(context.Background(), acked); err != nil {
		t.Fatal(err)
	}
	rest := transactions(t, st, 6) // read, but not acknowledged
	st.Close()
	compareChanges(t, append(first, rest...), want)

	for _, from := range []sluice.Position{acked, nil} {
		st := changesFrom(t, src, spec, from)
		again := transactions(t, st, 6)
		st.Close()
		if again[0].TxID != rest[0].TxID {
			t.Errorf("from %v: first transaction %s, want %s, the first after the ack", from, again[0].TxID, rest[0].TxID)
		}
		compareChanges(t, again, want[len(first):])
	}
}

// An Ack of a position the stream has not delivered is refused: it would
// let the server discard what was never applied.
func TestCaptureRefusesAckBeyondDelivered(t *testing.T) {
	srv := privateServer(t)
	_, src := captureDB(t, srv, mixSchema)
	spec := sluice.CaptureSpec{Name: "ack", Tables: []string{"a"}}
	snap := snapshotOf(t, src, spec)
	pos := snap.Position().(LSN)
	snap.Close()
	st := changesFrom(t, src, spec, pos)
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
