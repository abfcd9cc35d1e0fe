package mysql_test

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
)

// Importing vitess registers glog's flags and takes over the standard
// logger; the adapter undoes both.
func TestCaptureUndoesVitessSideEffects(t *testing.T) {
	for _, name := range []string{"v", "log_dir", "logtostderr", "stderrthreshold", "vmodule"} {
		if flag.CommandLine.Lookup(name) != nil {
			t.Errorf("flag -%s is registered on the global flag set", name)
		}
	}
	if flag.CommandLine.Lookup("test.v") == nil {
		t.Errorf("the testing flags are gone from the global flag set")
	}
	if log.Writer() != os.Stderr {
		t.Errorf("the standard logger writes to %T, want os.Stderr", log.Writer())
	}
}

// A writer commits rows while the snapshot is taken: the snapshot's rows
// and the rows streamed after its position are exactly the rows
// committed, none twice.
func TestCaptureSnapshotHasNoGapOrOverlap(t *testing.T) {
	srv := privateServer(t)
	db, src := captureDB(t, srv, "CREATE TABLE t (id bigint PRIMARY KEY, v text);")
	spec := sluice.CaptureSpec{Name: "gap", Tables: []string{"t"}}
	stop := writeRows(t, srv, db)
	time.Sleep(300 * time.Millisecond)
	snap := sluicetest.SnapshotOf(t, src, spec)
	time.Sleep(300 * time.Millisecond) // the writer goes on while the copy reads
	copied := map[int64]bool{}
	for _, row := range sluicetest.ReadRows(t, snap, "t", []string{"id"}, []string{"id"}) {
		copied[row[0].(int64)] = true
	}
	pos := snap.Position()
	snap.Close()
	time.Sleep(200 * time.Millisecond)
	ids := stop()
	if len(copied) == 0 || len(copied) == len(ids) {
		t.Fatalf("the snapshot holds %d of %d rows: the writer did not run across it", len(copied), len(ids))
	}
	streamed := map[int64]bool{}
	last := ids[len(ids)-1]
	sluicetest.NextChanges(t, sluicetest.Changes(t, src, spec, pos), 60*time.Second, func(c sluice.Change) bool {
		if c.Kind == sluice.ChangeBegin {
			if cmp, err := c.Position.Compare(pos); err != nil || cmp <= 0 {
				t.Errorf("transaction %s at %s is not after the snapshot at %s (%v)", c.TxID, c.Position, pos, err)
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
	if len(copied)+len(streamed) != len(ids) {
		t.Errorf("%d copied + %d streamed, want %d committed", len(copied), len(streamed), len(ids))
	}
}

// writeRows inserts rows, one transaction each, until the returned stop,
// which gives the committed ids in order.
func writeRows(t testing.TB, srv *sluicetest.PrivateServer, db string) func() []int64 {
	t.Helper()
	h, err := sql.Open("mysql", fmt.Sprintf("root@tcp(127.0.0.1:%d)/%s", srv.Port, db))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var ids []int64
	var werr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for id := int64(1); ctx.Err() == nil; id++ {
			if _, err := h.Exec("INSERT INTO t VALUES (?, 'x')", id); err != nil {
				werr = err
				return
			}
			ids = append(ids, id)
			time.Sleep(time.Millisecond)
		}
	}()
	return func() []int64 {
		cancel()
		wg.Wait()
		h.Close()
		if werr != nil {
			t.Fatalf("writer: %v", werr)
		}
		return ids
	}
}

// Every type of the mysql type matrix streams as the value a Read of the
// same row yields.
func TestCaptureStreamValuesEqualRead(t *testing.T) {
	srv := privateServer(t)
	script := typeMatrixScript()
	at := strings.Index(script, "INSERT INTO matrix")
	settings := "SET SESSION sql_mode = '';\nSET time_zone = '+05:00';\n"
	db, src := captureDB(t, srv, script[:at])
	spec := sluice.CaptureSpec{Name: "matrix", Tables: []string{"matrix"}}
	pos := positionNow(t, src, spec)
	execOn(t, srv, db, settings+script[at:])

	schema, err := src.Introspect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	table := schema.Table("matrix")
	var cols []string
	for _, c := range table.Columns {
		cols = append(cols, c.Name)
	}
	want := sluicetest.ReadRows(t, src, "matrix", cols, []string{"id"})
	var got [][]any
	for _, c := range sluicetest.Transactions(t, sluicetest.Changes(t, src, spec, pos), 2) {
		if c.Kind == sluice.ChangeInsert {
			got = append(got, c.After)
		}
	}
	if len(got) != 4 || len(want) != 4 {
		t.Fatalf("streamed %d rows, read %d, want 4", len(got), len(want))
	}
	for i := range want {
		for j, col := range table.Columns {
			if !reflect.DeepEqual(got[i][j], want[i][j]) {
				t.Errorf("row %d column %s (%s): streamed %#v (%T), read %#v (%T)", i+1, col.Name, col.Type.Raw, got[i][j], got[i][j], want[i][j], want[i][j])
			}
		}
	}
}

// FLOAT, FLOAT(M,D), DOUBLE and DOUBLE(M,D) stream as the copy reads them:
// a FLOAT as its exact single-precision value (not the text protocol's 6
// significant digits), a DOUBLE(M,D) rounded to its declared decimals.
func TestCaptureStreamsFloatsAsReadReadsThem(t *testing.T) {
	srv := privateServer(t)
	db, src := captureDB(t, srv, "CREATE TABLE f (id int PRIMARY KEY, a float, b float(7,3), c double, d double(10,2), e float unsigned);")
	spec := sluice.CaptureSpec{Name: "floats", Tables: []string{"f"}}
	pos := positionNow(t, src, spec)
	execOn(t, srv, db, `INSERT INTO f VALUES (1, 1.2345678, 1.2345678, 0.1, 1.005, 16777217),
		(2, 3.40282e38, -1.5, 1e-300, -0.125, 0.1), (3, 1.5e-45, 0, 123456789012345678, 12345678.9, 1e20),
		(4, -0.1, 0.0005, -2.5e-310, 0, 0)`)
	cols := []string{"id", "a", "b", "c", "d", "e"}
	want := sluicetest.ReadRows(t, src, "f", cols, []string{"id"})
	var got [][]any
	for _, c := range sluicetest.Transactions(t, sluicetest.Changes(t, src, spec, pos), 1) {
		if c.Kind == sluice.ChangeInsert {
			got = append(got, c.After)
		}
	}
	if !reflect.DeepEqual(got, want) || len(want) != 4 {
		t.Fatalf("streamed\n%v\nread\n%v", got, want)
	}
	if exact := float64(float32(1.2345678)); want[0][1] != exact {
		t.Errorf("FLOAT 1.2345678 read as %v, want %v", want[0][1], exact)
	}
}

// Text in another character set streams as Read yields it: converted to
// UTF-8 as the server converts it, or an Undecodable with its stored bytes
// where the conversion would lose them (the gbk, latin1 and cp1251 values
// of the character-set tests).
func TestCaptureStreamsCharsetsAsReadDoes(t *testing.T) {
	srv := privateServer(t)
	db, src := captureDB(t, srv, `CREATE TABLE cs (id int PRIMARY KEY, g varchar(10) CHARACTER SET gbk,
		l varchar(10) CHARACTER SET latin1, c varchar(10) CHARACTER SET cp1251, u varchar(10))`)
	spec := sluice.CaptureSpec{Name: "charsets", Tables: []string{"cs"}}
	pos := positionNow(t, src, spec)
	execOn(t, srv, db, `INSERT INTO cs VALUES (1, 0xB0A1, 0xE9, 0xC0, 'x'), (2, 0xA380, 0x80, 0x98, 'y'), (3, 0xFE50, 0x81, 0xC0C1, NULL)`)
	cols := []string{"id", "g", "l", "c", "u"}
	want := sluicetest.ReadRows(t, src, "cs", cols, []string{"id"})
	var got [][]any
	for _, c := range sluicetest.Transactions(t, sluicetest.Changes(t, src, spec, pos), 1) {
		if c.Kind == sluice.ChangeInsert {
			got = append(got, c.After)
		}
	}
	if !reflect.DeepEqual(got, want) || len(want) != 3 {
		t.Fatalf("streamed\n%#v\nread\n%#v", got, want)
	}
	undecodable := 0
	for _, row := range got {
		for _, v := range row {
			if _, ok := v.(sluice.Undecodable); ok {
				undecodable++
			}
		}
	}
	if undecodable == 0 || got[0][1] != "啊" {
		t.Fatalf("rows %#v: want 0xB0A1 as 啊 and some values Undecodable", got)
	}
}
