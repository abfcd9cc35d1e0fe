package sqlserver_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
)

// captureTests are run against the TDS test server (TestCapture) and a
// real SQL Server (TestCaptureRealServer).
var captureTests = []struct {
	name string
	run  func(t *testing.T, sv server)
}{
	{"StreamsTransactionsInOrderWithImages", testStreamsMix},
	{"SnapshotMeetsTheStream", testSnapshotMeetsTheStream},
	{"ResumesAfterTheAckedPosition", testResumes},
	{"SkipsOtherTables", testSkipsOtherTables},
	{"ValuesEqualRead", testValuesEqualRead},
	{"CheckCaptureWhenOff", testCheckWhenOff},
	{"StatusTellsTheLag", testStatusLag},
}

func TestCapture(t *testing.T) {
	for _, c := range captureTests {
		t.Run(c.name, func(t *testing.T) { c.run(t, server{}) })
	}
}

// TestCaptureRealServer is the env-gated tier: it needs a SQL Server with
// its Agent running (the capture job) and a sysadmin login, named by
// SLUICE_TEST_SQLSERVER_URL.
func TestCaptureRealServer(t *testing.T) {
	if sluicetest.SQLServerURL() == "" {
		t.Skip("SLUICE_TEST_SQLSERVER_URL is not set: no real SQL Server to run against")
	}
	for _, c := range captureTests {
		t.Run(c.name, func(t *testing.T) { c.run(t, server{real: true}) })
	}
}

// A seeded mix streams in commit order with whole before and after
// images; a key update is a delete and an insert.
func testStreamsMix(t *testing.T, sv server) {
	src, w := sv.fixture(t, captureScript(true, ""))
	pos := positionNow(t, src, mixSpec)
	want := runMix(t, w, sluicetest.NewMix(7), 16)
	sluicetest.CompareChanges(t, sluicetest.Transactions(t, sluicetest.Changes(t, src, mixSpec, pos), 16), want)
}

// A writer commits rows while the snapshot is taken and read: the rows
// copied and the rows streamed after the snapshot's position are every
// row committed. On the TDS test server, whose capture has no latency,
// none is delivered twice; on a real server a transaction the capture job
// harvested after the snapshot began may be (see Snapshot).
func testSnapshotMeetsTheStream(t *testing.T, sv server) {
	meetsTheStream(t, sv, captureScript(true, ""), mixSpec)
}

// meetsTheStream checks that a snapshot of table a, copied while a writer
// inserts rows, meets the stream after its position.
func meetsTheStream(t *testing.T, sv server, script string, spec sluice.CaptureSpec) {
	src, w := sv.fixture(t, script)
	var mu sync.Mutex
	var ids []int64
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		for id := int64(1); ctx.Err() == nil; id++ {
			if _, err := w.Exec(fmt.Sprintf("INSERT INTO a VALUES (%d, 'x')", id)); err != nil {
				done <- err
				return
			}
			mu.Lock()
			ids = append(ids, id)
			mu.Unlock()
		}
		done <- nil
	}()
	written := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(ids)
	}
	waitMore := func(n int) { // n more rows than now
		for want := written() + n; written() < want; {
			execAll(t, w, "SELECT 1") // let the writer run
		}
	}
	waitMore(20)
	snap := sluicetest.SnapshotOf(t, src, spec)
	waitMore(20)
	n, err := snap.Count(context.Background(), "a", "")
	if err != nil {
		t.Fatal(err)
	}
	copied := map[int64]bool{}
	for _, row := range sluicetest.ReadRows(t, snap, "a", []string{"id"}, []string{"id"}) {
		copied[row[0].(int64)] = true
	}
	pos := snap.Position()
	snap.Close()
	waitMore(20)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("writer: %v", err)
	}
	if int64(len(copied)) != n || len(copied) == len(ids) {
		t.Fatalf("the snapshot counts %d rows and reads %d of %d: not one view, or the writer did not run across it", n, len(copied), len(ids))
	}
	streamed := map[int64]bool{}
	last := ids[len(ids)-1]
	sluicetest.NextChanges(t, sluicetest.Changes(t, src, spec, pos), waitLimit(t), func(c sluice.Change) bool {
		if c.Kind == sluice.ChangeBegin {
			if cmp, err := c.Position.Compare(pos); err != nil || cmp <= 0 {
				t.Errorf("transaction %s at %s is not after the snapshot at %s (%v)", c.TxID, c.Position, pos, err)
			}
		}
		if c.Kind == sluice.ChangeInsert {
			id := c.After[0].(int64)
			if streamed[id] || (copied[id] && !sv.real) {
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
}

// Stopped after some transactions, a stream opened at the last one's
// position, read back from its text, delivers the transactions after it
// and none before.
func testResumes(t *testing.T, sv server) {
	src, w := sv.fixture(t, captureScript(true, ""))
	pos := positionNow(t, src, mixSpec)
	want := runMix(t, w, sluicetest.NewMix(11), 10)
	st := sluicetest.Changes(t, src, mixSpec, pos)
	first := sluicetest.Transactions(t, st, 4)
	acked := first[len(first)-1].Position
	if err := st.Ack(context.Background(), acked); err != nil {
		t.Fatal(err)
	}
	rest := sluicetest.Transactions(t, st, 6)
	st.Close()
	sluicetest.CompareChanges(t, append(first, rest...), want)

	text := acked.String()
	reread, err := src.ParsePosition(text)
	if err != nil || reread.String() != text {
		t.Fatalf("position %q reads back as %v (%v)", text, reread, err)
	}
	sluicetest.CompareChanges(t, sluicetest.Transactions(t, sluicetest.Changes(t, src, mixSpec, reread), 6), want[len(first):])
	if _, err := src.Changes(context.Background(), mixSpec, nil); err == nil {
		t.Fatalf("a stream without a start position was opened: SQL Server keeps none")
	}
}

// Transactions on tables not captured are not delivered; the position
// still moves on, in heartbeats.
func testSkipsOtherTables(t *testing.T, sv server) {
	src, w := sv.fixture(t, captureScript(true, ""))
	spec := sluice.CaptureSpec{Name: "skip", Tables: []string{"a"}}
	pos := positionNow(t, src, spec)
	execAll(t, w, "INSERT INTO b VALUES (1, 'x', 1)", "INSERT INTO a VALUES (2, 'captured')")
	var heartbeat sluice.Position
	st := sluicetest.Changes(t, src, spec, pos)
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit(t))
	defer cancel()
	var got []sluice.Change
	for len(got) < 3 {
		c, err := st.Next(ctx)
		if err != nil {
			t.Fatalf("next: %v", err)
		}
		if c.Kind == sluice.ChangeHeartbeat {
			heartbeat = c.Position
			continue
		}
		got = append(got, c)
	}
	if got[1].Kind != sluice.ChangeInsert || got[1].Table != "a" || got[1].After[0] != int64(2) {
		t.Fatalf("got %v, want only the insert of a row 2", sluicetest.ChangeKinds(got))
	}
	if heartbeat != nil {
		if c, _ := heartbeat.Compare(got[0].Position); c >= 0 {
			t.Fatalf("a heartbeat at %s before the transaction at %s", heartbeat, got[0].Position)
		}
	}
}

// Every type of a table streams as the value a Read of the same row
// yields; a computed column, which change data capture does not record,
// is Unchanged.
func testValuesEqualRead(t *testing.T, sv server) {
	table := `CREATE TABLE typed (id int PRIMARY KEY, big bigint, small smallint, tiny tinyint, flag bit, price decimal(12,4),
		cash money, ratio float, r real, name nvarchar(50), code varchar(20), fixed char(5), born date, seen datetime2(3),
		old datetime, g uniqueidentifier, blob varbinary(100), doubled AS (id * 2));`
	script := captureScript(true, table) + "EXEC sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N'typed', @role_name = NULL\nGO\n"
	src, w := sv.fixture(t, script)
	spec := sluice.CaptureSpec{Name: "typed", Tables: []string{"typed"}}
	pos := positionNow(t, src, spec)
	execAll(t, w, `INSERT INTO typed (id, big, small, tiny, flag, price, cash, ratio, r, name, code, fixed, born, seen, old, g, blob) VALUES
		(1, 9223372036854775807, -32768, 255, 1, 12345678.1234, 922337203685477.5807, 0.1, 1.5, N'Grüße 名前', 'abc', 'xy', '2024-02-29', '2024-02-29 23:59:59.123', '1999-12-31 23:59:59.997', '6F9619FF-8B86-D011-B42D-00C04FC964FF', 0x00FF10),
		(2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
		"UPDATE typed SET name = N'ümlaut', price = -0.0001 WHERE id = 1")
	schema, err := src.Introspect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for _, c := range schema.Table("typed").Columns {
		cols = append(cols, c.Name)
	}
	read := sluicetest.ReadRows(t, src, "typed", cols, []string{"id"})
	got := sluicetest.Transactions(t, sluicetest.Changes(t, src, spec, pos), 2)
	if len(got) != 7 || got[1].Kind != sluice.ChangeInsert || got[5].Kind != sluice.ChangeUpdate {
		t.Fatalf("got %v, want an insert of two rows and an update", sluicetest.ChangeKinds(got))
	}
	last := len(cols) - 1
	for i, after := range [][]any{got[5].After, got[2].After} {
		if after[last] != (sluice.Unchanged{}) {
			t.Errorf("row %d: computed column streamed as %#v, want Unchanged", i+1, after[last])
		}
		if !reflect.DeepEqual(after[:last], read[i][:last]) {
			t.Errorf("row %d: streamed\n%#v\nread\n%#v", i+1, after[:last], read[i][:last])
		}
	}
	if got[5].Before[9] != "Grüße 名前" {
		t.Errorf("the update's before image has name %#v", got[5].Before[9])
	}
}

// Without change data capture, CheckCapture says what to run, and neither
// a snapshot nor a stream opens.
func testCheckWhenOff(t *testing.T, sv server) {
	src, _ := sv.fixture(t, captureScript(false, ""))
	problems, err := src.CheckCapture(context.Background(), sluice.CaptureSpec{Name: "off", Tables: []string{"a", "missing"}})
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	for _, p := range problems {
		text = append(text, p.Check+" | "+p.Found+" | "+p.Fix)
	}
	all := strings.Join(text, "\n")
	for _, want := range []string{"EXEC sys.sp_cdc_enable_db", "sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N'a', @role_name = NULL", "table missing | no such table"} {
		if !strings.Contains(all, want) {
			t.Errorf("problems\n%s\nlack %q", all, want)
		}
	}
	if len(problems) != 3 {
		t.Errorf("%d problems, want 3:\n%s", len(problems), all)
	}
	if _, err := src.Snapshot(context.Background(), mixSpec); err == nil || !strings.Contains(err.Error(), "sp_cdc_enable_db") {
		t.Errorf("snapshot without CDC: %v", err)
	}
	if _, err := src.Changes(context.Background(), mixSpec, positionOf(t, src, "00000000000000000000")); err == nil {
		t.Errorf("a stream opened without CDC")
	}
}

func positionOf(t testing.TB, src interface {
	ParsePosition(string) (sluice.Position, error)
}, text string) sluice.Position {
	t.Helper()
	p, err := src.ParsePosition(text)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// CaptureStatus gives the head and the commit times of the head and the
// applied transaction: the lag in time.
func testStatusLag(t *testing.T, sv server) {
	src, w := sv.fixture(t, captureScript(true, ""))
	pos := positionNow(t, src, mixSpec)
	runMix(t, w, sluicetest.NewMix(5), 3)
	got := sluicetest.Transactions(t, sluicetest.Changes(t, src, mixSpec, pos), 3)
	first := got[0]
	st, err := src.CaptureStatus(context.Background(), mixSpec, first.Position)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := st.Head.Compare(first.Position); err != nil || c <= 0 {
		t.Fatalf("head %v is not after the first transaction at %s (%v)", st.Head, first.Position, err)
	}
	if !st.AppliedTime.Equal(first.Time) || st.HeadTime.Before(st.AppliedTime) || st.BehindBytes != -1 || st.Confirmed != nil {
		t.Fatalf("status %+v for the first transaction at %s (%s)", st, first.Position, first.Time)
	}
	caught, err := src.CaptureStatus(context.Background(), mixSpec, st.Head)
	if err != nil || !caught.AppliedTime.Equal(caught.HeadTime) || caught.HeadTime.IsZero() {
		t.Fatalf("status at the head: %+v (%v)", caught, err)
	}
}
