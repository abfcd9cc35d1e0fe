package target

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestLoadChunkCommitsRowsLedgerAndCounters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, conn := newTarget(t)
	mustExec(t, conn, "CREATE TABLE items (id bigint PRIMARY KEY, name text)")
	beginTable(t, tg, "legacy.items", "items")
	c := ChunkLoad{TableID: "legacy.items", Generation: 1, ChunkNo: 1, Schema: "public", Table: "items",
		Columns: []string{"id", "name"}, Rows: [][]any{{int64(1), "a"}, {int64(2), nil}, {int64(3), "c"}},
		KeyOf: keysOf([]string{"1", "2", "3"}), Rejects: []Reject{{Key: "4", Column: "name", Raw: "x", Reason: "bad"}},
		LastKey: []any{int64(4)}, RowsRead: 4}

	res, err := tg.LoadChunk(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if res != (ChunkResult{Loaded: 3, Rejected: 1, Inserted: 3}) {
		t.Errorf("result = %+v, want 3 loaded, 1 rejected", res)
	}
	if n := queryInt(t, conn, "SELECT count(*) FROM items"); n != 3 {
		t.Errorf("items has %d rows, want 3", n)
	}
	last, err := tg.LastChunk(ctx, "legacy.items", 1)
	if err != nil || last == nil {
		t.Fatalf("last chunk = %v, %v", last, err)
	}
	if last.ChunkNo != 1 || last.LastKey != `["int:4"]` || last.AfterKey != "" ||
		last.RowsRead != 4 || last.RowsLoaded != 3 || last.RowsRejected != 1 {
		t.Errorf("ledger row = %+v", last)
	}
	st, _ := tg.TableState(ctx, "legacy.items")
	if st.RowsRead != 4 || st.RowsLoaded != 3 || st.RowsRejected != 1 || st.ChunksDone != 1 {
		t.Errorf("table counters = %+v", st)
	}
	tot, _ := tg.Totals(ctx, "legacy.items", 1)
	if tot != (Totals{Chunks: 1, Read: 4, Loaded: 3, Rejected: 1, Inserted: 3}) {
		t.Errorf("totals = %+v", tot)
	}
}

func TestLoadChunkNarrowsFailingRowsToRejects(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, conn := newTarget(t)
	mustExec(t, conn, "CREATE TABLE codes (id bigint PRIMARY KEY, code varchar(3), name text NOT NULL)")
	beginTable(t, tg, "legacy.codes", "codes")
	var rows [][]any
	var keys []string
	for i := 1; i <= 10; i++ {
		row := []any{int64(i), "abc", fmt.Sprint("n", i)}
		switch i {
		case 2, 7:
			row[1] = "toolong"
		case 5:
			row[2] = nil
		}
		rows = append(rows, row)
		keys = append(keys, fmt.Sprint(i))
	}
	res, err := tg.LoadChunk(ctx, ChunkLoad{TableID: "legacy.codes", Generation: 1, ChunkNo: 1, Schema: "public",
		Table: "codes", Columns: []string{"id", "code", "name"}, Rows: rows, KeyOf: keysOf(keys), RowsRead: 10})
	if err != nil {
		t.Fatal(err)
	}
	if res != (ChunkResult{Loaded: 7, Rejected: 3, Inserted: 7}) {
		t.Errorf("result = %+v, want 7 loaded, 3 rejected", res)
	}
	assertIDs(t, conn, "codes", []int64{1, 3, 4, 6, 8, 9, 10})
	rejects, err := tg.Rejects(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ key, column, reason string }{
		{"2", "code", "value too long for type character varying(3)"},
		{"5", "name", `null value in column "name" of relation "codes" violates not-null constraint`},
		{"7", "code", "value too long for type character varying(3)"},
	}
	if len(rejects) != len(want) {
		t.Fatalf("got %d rejects, want %d: %+v", len(rejects), len(want), rejects)
	}
	for i, w := range want {
		r := rejects[i]
		if r.Key != w.key || r.Column != w.column || r.Reason != w.reason || r.Source != "legacy" || r.SourceTable != "codes" {
			t.Errorf("reject %d = %+v, want %+v", i, r, w)
		}
	}
	if rejects[0].RawText != "toolong" || string(rejects[0].RawBytes) != "toolong" || !rejects[1].RawNull {
		t.Errorf("raw values = %q %q, null %v", rejects[0].RawText, rejects[0].RawBytes, rejects[1].RawNull)
	}
	st, _ := tg.TableState(ctx, "legacy.codes")
	if st.RowsLoaded != 7 || st.RowsRejected != 3 || st.RowsRead != 10 {
		t.Errorf("counters = %+v", st)
	}
}

// A foreign key is checked after the last row, so its error names no row:
// the copier must bisect.
func TestLoadChunkBisectsForeignKeyViolations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, conn := newTarget(t)
	mustExec(t, conn, `CREATE TABLE parent (id int PRIMARY KEY); INSERT INTO parent VALUES (1), (2);
		CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent)`)
	beginTable(t, tg, "legacy.child", "child")
	var rows [][]any
	var keys []string
	for i := 1; i <= 20; i++ {
		parent := int32(1 + i%2)
		if i == 4 || i == 9 || i == 20 {
			parent = 99
		}
		rows = append(rows, []any{int32(i), parent})
		keys = append(keys, fmt.Sprint(i))
	}
	res, err := tg.LoadChunk(ctx, ChunkLoad{TableID: "legacy.child", Generation: 1, ChunkNo: 1, Schema: "public",
		Table: "child", Columns: []string{"id", "parent_id"}, Rows: rows, KeyOf: keysOf(keys), RowsRead: 20})
	if err != nil {
		t.Fatal(err)
	}
	if res != (ChunkResult{Loaded: 17, Rejected: 3, Inserted: 17}) {
		t.Errorf("result = %+v", res)
	}
	rejects, _ := tg.Rejects(ctx, 0, 0)
	var got []string
	for _, r := range rejects {
		got = append(got, r.Key)
		if !strings.Contains(r.Reason, "violates foreign key constraint") || !strings.Contains(r.Reason, "(parent_id)=(99)") {
			t.Errorf("reason = %q", r.Reason)
		}
	}
	if !slices.Equal(got, []string{"4", "9", "20"}) {
		t.Errorf("rejected keys = %v, want 4 9 20", got)
	}
}

// pgx fails to encode a value on the client and aborts the COPY: that row is
// rejected too.
func TestLoadChunkRejectsRowThatCannotBeEncoded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, conn := newTarget(t)
	mustExec(t, conn, "CREATE TABLE nums (id bigint PRIMARY KEY, n bigint)")
	beginTable(t, tg, "legacy.nums", "nums")
	rows := [][]any{{int64(1), int64(10)}, {int64(2), "not a number"}, {int64(3), int64(30)}}
	res, err := tg.LoadChunk(ctx, ChunkLoad{TableID: "legacy.nums", Generation: 1, ChunkNo: 1, Schema: "public",
		Table: "nums", Columns: []string{"id", "n"}, Rows: rows, KeyOf: keysOf([]string{"1", "2", "3"}), RowsRead: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res != (ChunkResult{Loaded: 2, Rejected: 1, Inserted: 2}) {
		t.Errorf("result = %+v", res)
	}
	assertIDs(t, conn, "nums", []int64{1, 3})
	rejects, _ := tg.Rejects(ctx, 0, 0)
	if len(rejects) != 1 || rejects[0].Key != "2" || rejects[0].Reason == "" {
		t.Errorf("rejects = %+v", rejects)
	}
}

func TestLoadChunkTwiceFailsAndLeavesNoRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, conn := newTarget(t)
	mustExec(t, conn, "CREATE TABLE items (id bigint, name text)") // no key: a second COPY would duplicate
	beginTable(t, tg, "legacy.items", "items")
	c := ChunkLoad{TableID: "legacy.items", Generation: 1, ChunkNo: 1, Schema: "public", Table: "items",
		Columns: []string{"id", "name"}, Rows: [][]any{{int64(1), "a"}, {int64(2), "b"}}, RowsRead: 2,
		Rejects: []Reject{{Key: "3", Reason: "bad"}}}
	if _, err := tg.LoadChunk(ctx, c); err != nil {
		t.Fatal(err)
	}
	_, err := tg.LoadChunk(ctx, c)
	var dup *ChunkCommittedError
	if !errors.As(err, &dup) || dup.ChunkNo != 1 || !strings.Contains(err.Error(), "already committed by another process") {
		t.Fatalf("second load: %v, want a ChunkCommittedError", err)
	}
	if n := queryInt(t, conn, "SELECT count(*) FROM items"); n != 2 {
		t.Errorf("items has %d rows after the duplicate, want 2", n)
	}
	if n := queryInt(t, conn, "SELECT count(*) FROM sluice.rejects"); n != 1 {
		t.Errorf("%d rejects after the duplicate, want 1", n)
	}
	st, _ := tg.TableState(ctx, "legacy.items")
	if st.RowsLoaded != 2 || st.ChunksDone != 1 || st.RowsRejected != 1 {
		t.Errorf("counters changed: %+v", st)
	}
}

func TestLoadChunkOfStaleGenerationFails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, conn := newTarget(t)
	mustExec(t, conn, "CREATE TABLE items (id bigint)")
	beginTable(t, tg, "legacy.items", "items")
	_, err := tg.LoadChunk(ctx, ChunkLoad{TableID: "legacy.items", Generation: 2, ChunkNo: 1, Schema: "public",
		Table: "items", Columns: []string{"id"}, Rows: [][]any{{int64(1)}}, RowsRead: 1})
	if err == nil || !strings.Contains(err.Error(), "generation 2") {
		t.Fatalf("load into a generation not begun: %v", err)
	}
	if n := queryInt(t, conn, "SELECT count(*) FROM items") + queryInt(t, conn, "SELECT count(*) FROM sluice.chunks"); n != 0 {
		t.Errorf("%d rows left behind", n)
	}
}

// cancelOnEncode cancels the load's context when pgx encodes it, that is in
// the middle of the COPY.
type cancelOnEncode struct{ cancel context.CancelFunc }

func (c cancelOnEncode) Value() (driver.Value, error) { c.cancel(); return "x", nil }

func TestLoadChunkCancelledDuringCopyLeavesNothing(t *testing.T) {
	t.Parallel()
	tg, conn := newTarget(t)
	mustExec(t, conn, "CREATE TABLE items (id bigint PRIMARY KEY, name text)")
	beginTable(t, tg, "legacy.items", "items")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := ChunkLoad{TableID: "legacy.items", Generation: 1, ChunkNo: 1, Schema: "public", Table: "items",
		Columns: []string{"id", "name"}, RowsRead: 50000}
	for i := range 50000 {
		var name any = strings.Repeat("v", 100)
		if i == 20000 {
			name = cancelOnEncode{cancel}
		}
		c.Rows = append(c.Rows, []any{int64(i), name})
	}
	_, err := tg.LoadChunk(ctx, c)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("load with a cancelled context: %v, want context.Canceled", err)
	}
	bg := context.Background()
	if n := queryInt(t, conn, "SELECT count(*) FROM items"); n != 0 {
		t.Errorf("%d rows left behind", n)
	}
	if last, err := tg.LastChunk(bg, "legacy.items", 1); last != nil || err != nil {
		t.Errorf("ledger row left behind: %+v, %v", last, err)
	}
	c.Rows[20000][1] = "x"
	if res, err := tg.LoadChunk(bg, c); err != nil || res.Loaded != 50000 {
		t.Errorf("retry after the cancel = %+v, %v", res, err)
	}
}

func assertIDs(t *testing.T, conn *pgx.Conn, table string, want []int64) {
	t.Helper()
	rows, _ := conn.Query(context.Background(), "SELECT id FROM "+table+" ORDER BY id")
	got, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s holds ids %v, want %v", table, got, want)
	}
}

func TestLoadChunkConcurrentlyCommitsOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, conn := newTarget(t)
	mustExec(t, conn, "CREATE TABLE items (id bigint)")
	beginTable(t, tg, "legacy.items", "items")
	c := ChunkLoad{TableID: "legacy.items", Generation: 1, ChunkNo: 7, Schema: "public", Table: "items",
		Columns: []string{"id"}, RowsRead: 1000}
	for i := range 1000 {
		c.Rows = append(c.Rows, []any{int64(i)})
	}
	errs := make(chan error, 2)
	for range 2 {
		go func() { _, err := tg.LoadChunk(ctx, c); errs <- err }()
	}
	var ok, dup int
	for range 2 {
		var committed *ChunkCommittedError
		switch err := <-errs; {
		case err == nil:
			ok++
		case errors.As(err, &committed):
			dup++
		default:
			t.Errorf("load: %v", err)
		}
	}
	if ok != 1 || dup != 1 {
		t.Errorf("%d loads succeeded and %d found the chunk committed; want 1 and 1", ok, dup)
	}
	if n := queryInt(t, conn, "SELECT count(*) FROM items"); n != 1000 {
		t.Errorf("items has %d rows, want 1000", n)
	}
}
