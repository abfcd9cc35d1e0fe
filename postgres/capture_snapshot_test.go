package postgres

import (
	"context"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
)

// A writer commits rows while the snapshot is taken: the rows the snapshot
// holds and the rows the stream inserts after its position are exactly the
// rows committed, none twice, and every streamed transaction is after the
// snapshot's position.
func TestCaptureSnapshotHasNoGapOrOverlap(t *testing.T) {
	srv := privateServer(t)
	url, src := captureDB(t, srv, "CREATE TABLE t (id bigint PRIMARY KEY, v text);")
	spec := sluice.CaptureSpec{Name: "gap test", Tables: []string{"t"}}

	_, stop := writeRows(t, url)
	time.Sleep(300 * time.Millisecond)
	snap := sluicetest.SnapshotOf(t, src, spec)
	time.Sleep(300 * time.Millisecond) // the writer goes on while the copy reads
	copied := map[int64]bool{}
	for _, row := range sluicetest.ReadRows(t, snap, "t", []string{"id"}, []string{"id"}) {
		copied[row[0].(int64)] = true
	}
	pos := snap.Position()
	if err := snap.Close(); err != nil {
		t.Fatalf("close snapshot: %v", err)
	}
	time.Sleep(200 * time.Millisecond)
	ids := stop()
	if len(copied) == 0 || len(copied) == len(ids) {
		t.Fatalf("the snapshot holds %d of %d rows: the writer did not run across it", len(copied), len(ids))
	}

	st := sluicetest.Changes(t, src, spec, pos)
	streamed := map[int64]bool{}
	last := ids[len(ids)-1]
	sluicetest.NextChanges(t, st, 60*time.Second, func(c sluice.Change) bool {
		if c.Kind == sluice.ChangeBegin {
			if cmp, _ := c.Position.Compare(pos); cmp <= 0 {
				t.Errorf("transaction %s at %s is not after the snapshot at %s", c.TxID, c.Position, pos)
			}
		}
		if c.Kind == sluice.ChangeInsert {
			id := c.After[0].(int64)
			if streamed[id] || copied[id] {
				t.Errorf("row %d delivered twice (copied %v)", id, copied[id])
			}
			streamed[id] = true
		}
		return c.Kind == sluice.ChangeCommit && streamed[last]
	})
	for _, id := range ids {
		if !copied[id] && !streamed[id] {
			t.Errorf("row %d was committed but is neither copied nor streamed", id)
		}
	}
	if got := len(copied) + len(streamed); got != len(ids) {
		t.Errorf("%d copied + %d streamed, want %d committed", len(copied), len(streamed), len(ids))
	}
}

// writeRows inserts rows, one transaction each, until stop, which returns
// the ids of the committed rows in commit order.
func writeRows(t testing.TB, url string) (*atomic.Int64, func() []int64) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var ids []int64
	var n atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	var werr error
	go func() {
		defer wg.Done()
		conn, err := pgx.Connect(context.Background(), url)
		if err != nil {
			werr = err
			return
		}
		defer conn.Close(context.Background())
		for id := int64(1); ctx.Err() == nil; id++ {
			if _, err := conn.Exec(context.Background(), "INSERT INTO t VALUES ($1, 'x')", id); err != nil {
				werr = err
				return
			}
			ids = append(ids, id)
			n.Add(1)
			time.Sleep(time.Millisecond)
		}
	}()
	return &n, func() []int64 {
		cancel()
		wg.Wait()
		if werr != nil {
			t.Fatalf("writer: %v", werr)
		}
		return ids
	}
}

// Every type of the matrix streams as the value a Read of the same row
// yields: copied and streamed rows go through the same transform.
func TestCaptureStreamValuesEqualRead(t *testing.T) {
	srv := privateServer(t)
	schemaOnly := "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy'); CREATE DOMAIN posint AS integer CHECK (VALUE > 0);" +
		"CREATE TABLE matrix (id serial PRIMARY KEY, si smallint, i integer, bi bigint, n38 numeric(38,10), n numeric," +
		" r real, dp double precision, vc varchar(5), ch char(3), tx text, by bytea, bo boolean," +
		" d date, ts timestamp(3), tz timestamptz, tm time, iv interval, u uuid, j json, jb jsonb," +
		" ia int[], m mood, dom posint, idn bigint GENERATED ALWAYS AS IDENTITY);"
	url, src := captureDB(t, srv, schemaOnly)
	spec := sluice.CaptureSpec{Name: "matrix", Tables: []string{"matrix"}}
	snap := sluicetest.SnapshotOf(t, src, spec)
	pos := snap.Position()
	snap.Close()
	execURL(t, url, matrixInserts())

	schema, err := src.Introspect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for _, c := range schema.Table("matrix").Columns {
		cols = append(cols, c.Name)
	}
	want := sluicetest.ReadRows(t, src, "matrix", cols, []string{"id"})
	st := sluicetest.Changes(t, src, spec, pos)
	var got [][]any
	for _, c := range sluicetest.Transactions(t, st, 1) {
		if c.Kind == sluice.ChangeInsert {
			got = append(got, c.After)
		}
	}
	if len(got) != len(want) || len(want) != 3 {
		t.Fatalf("streamed %d rows, read %d, want the matrix's 3", len(got), len(want))
	}
	for i := range want {
		for j, col := range cols {
			if !reflect.DeepEqual(got[i][j], want[i][j]) {
				t.Errorf("row %d column %s: streamed %#v (%T), read %#v (%T)", i+1, col, got[i][j], got[i][j], want[i][j], want[i][j])
			}
		}
	}
}

// matrixInserts is the INSERT of the type matrix fixture.
func matrixInserts() string {
	const marker = "INSERT INTO matrix"
	for i := 0; i+len(marker) <= len(matrix); i++ {
		if matrix[i:i+len(marker)] == marker {
			return matrix[i:]
		}
	}
	panic("no INSERT in the matrix fixture")
}
