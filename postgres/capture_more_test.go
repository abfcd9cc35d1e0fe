package postgres

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
)

// An UPDATE that leaves a TOASTed value alone sends it as unchanged: the
// stream marks it sluice.Unchanged, never NULL. With REPLICA IDENTITY
// FULL the old row has the value.
func TestCaptureMarksUnchangedToast(t *testing.T) {
	srv := privateServer(t)
	url, src := captureDB(t, srv, `CREATE TABLE doc (id int PRIMARY KEY, n int, body text);
		CREATE TABLE docf (id int, n int, body text); ALTER TABLE docf REPLICA IDENTITY FULL;`)
	spec := sluice.CaptureSpec{Name: "toast", Tables: []string{"doc", "docf"}}
	snap := sluicetest.SnapshotOf(t, src, spec)
	pos := snap.Position()
	snap.Close()
	// 40 kB of hex digests: too large to stay inline, too random to compress.
	big := `(SELECT string_agg(md5(g::text), '') FROM generate_series(1, 1250) g)`
	execURL(t, url, "INSERT INTO doc VALUES (1, 0, "+big+"); INSERT INTO docf VALUES (1, 0, "+big+")")
	execURL(t, url, "UPDATE doc SET n = 1; UPDATE docf SET n = 1")

	changes := sluicetest.Transactions(t, sluicetest.Changes(t, src, spec, pos), 2)
	var updates []sluice.Change
	for _, c := range changes {
		if c.Kind == sluice.ChangeUpdate {
			updates = append(updates, c)
		}
	}
	if len(updates) != 2 {
		t.Fatalf("updates: %v", sluicetest.ChangeKinds(changes))
	}
	for _, c := range updates {
		if c.After[1] != int64(1) || c.After[2] != (sluice.Unchanged{}) {
			t.Errorf("%s: after = %v, want n = 1 and the body Unchanged", c.Table, c.After[:2])
		}
	}
	if updates[0].Before != nil {
		t.Errorf("doc: an update that kept the key sent an old row %v", updates[0].Before)
	}
	if body, _ := updates[1].Before[2].(string); len(body) != 40000 {
		t.Errorf("docf: the full old row's body has %d characters, want 40000", len(body))
	}
}

// Columns added or dropped, and a renamed table, are schema changes:
// before the first row laid out the new way.
func TestCaptureReportsSchemaChanges(t *testing.T) {
	srv := privateServer(t)
	url, src := captureDB(t, srv, "CREATE TABLE s (id int PRIMARY KEY, v text);")
	spec := sluice.CaptureSpec{Name: "schema", Tables: []string{"s"}}
	snap := sluicetest.SnapshotOf(t, src, spec)
	pos := snap.Position()
	snap.Close()
	st := sluicetest.Changes(t, src, spec, pos) // its layout is the table's before the DDL below
	execURL(t, url, "INSERT INTO s VALUES (1, 'a')")
	execURL(t, url, "ALTER TABLE s ADD COLUMN w integer; INSERT INTO s VALUES (2, 'b', 20)")
	execURL(t, url, "ALTER TABLE s DROP COLUMN v; INSERT INTO s VALUES (3, 30)")
	execURL(t, url, "ALTER TABLE s RENAME TO s2; INSERT INTO s2 VALUES (4, 40)")

	changes := sluicetest.Transactions(t, st, 4)
	var got []string
	for _, c := range changes {
		switch c.Kind {
		case sluice.ChangeSchema:
			got = append(got, "schema "+c.Table+": "+c.Detail+" "+sluicetest.ColumnNames(c.Columns))
		case sluice.ChangeInsert:
			got = append(got, "insert "+c.Table+" "+strings.TrimSpace(strings.Repeat("x ", len(c.After))))
		}
	}
	want := []string{
		"insert s x x",
		"schema s: columns (id integer, v text) are now (id integer, v text, w integer) id,v,w",
		"insert s x x x",
		"schema s: columns (id integer, v text, w integer) are now (id integer, w integer) id,w",
		"insert s x x",
		"schema s: renamed to s2 ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A column added after the reader introspected the table and before the
// stream started is a schema change too: the stream starts from the
// columns the reader knows (spec.Columns), not from the table as it is by
// then, which would lay out the new rows the reader cannot place.
func TestCaptureStartsFromTheReadersColumns(t *testing.T) {
	srv := privateServer(t)
	url, src := captureDB(t, srv, "CREATE TABLE s (id int PRIMARY KEY, v text);")
	schema, err := src.Introspect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	spec := sluice.CaptureSpec{Name: "known", Tables: []string{"s"}, Columns: map[string][]sluice.Column{"s": schema.Table("s").Columns}}
	snap := sluicetest.SnapshotOf(t, src, spec)
	pos := snap.Position()
	snap.Close()
	execURL(t, url, "ALTER TABLE s ADD COLUMN w integer; INSERT INTO s VALUES (1, 'a', 10)")
	st := sluicetest.Changes(t, src, spec, pos) // starts after the DDL

	var got []string
	for _, c := range sluicetest.Transactions(t, st, 1) {
		switch c.Kind {
		case sluice.ChangeSchema:
			got = append(got, "schema "+sluicetest.ColumnNames(c.Columns))
		case sluice.ChangeInsert:
			got = append(got, fmt.Sprintf("insert of %d values", len(c.After)))
		}
	}
	if want := "schema id,v,w; insert of 3 values"; strings.Join(got, "; ") != want {
		t.Fatalf("got %q, want %q: the added column first, as a schema change", strings.Join(got, "; "), want)
	}
}

// Status shows the WAL the slot retains; while nothing is pending, the
// stream confirms the server's keepalive positions by itself, so an idle
// slot does not hold back WAL written for other tables.
func TestCaptureStatusAndIdleConfirmation(t *testing.T) {
	srv := privateServer(t)
	url, src := captureDB(t, srv, "CREATE TABLE t (id int PRIMARY KEY); CREATE TABLE other (id int);")
	spec := sluice.CaptureSpec{Name: "status", Tables: []string{"t"}}
	snap := sluicetest.SnapshotOf(t, src, spec)
	pos := snap.Position()
	snap.Close()
	execURL(t, url, "INSERT INTO t VALUES (1); INSERT INTO other SELECT generate_series(1, 20000)")
	ctx := context.Background()
	waitFor(t, "the WAL of 20000 rows retained and behind", 10*time.Second, func() bool {
		status, err := src.CaptureStatus(ctx, spec, nil)
		if err != nil {
			t.Fatal(err)
		}
		return status.RetainedBytes > 100000 && status.BehindBytes > 100000
	})
	st := sluicetest.Changes(t, src, spec, pos)
	tx := sluicetest.Transactions(t, st, 1)
	if err := st.Ack(ctx, tx[len(tx)-1].Position); err != nil {
		t.Fatal(err)
	}
	execURL(t, url, "INSERT INTO other SELECT generate_series(1, 20000)")
	head, _ := src.CaptureStatus(ctx, spec, nil)
	waitFor(t, "the slot confirms the idle position", 60*time.Second, func() bool {
		s, err := src.CaptureStatus(ctx, spec, nil)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := s.Confirmed.Compare(head.Head)
		return c >= 0
	})
}

// The server killed mid-stream: Next fails with a transient error, and a
// stream opened again at the last acknowledged position delivers every
// transaction after it, those committed before the crash and after.
func TestCaptureResumesAfterServerRestart(t *testing.T) {
	srv, err := sluicetest.StartPrivatePostgres()
	if err != nil {
		sluicetest.Unavailable(t, "a private PostgreSQL", err)
	}
	defer srv.Stop()
	url, src := captureDB(t, srv, mixSchema)
	spec := sluice.CaptureSpec{Name: "restart", Tables: []string{"a", "b", "c"}, ReplicaIdentityFull: true}
	snap := sluicetest.SnapshotOf(t, src, spec)
	pos := snap.Position()
	snap.Close()
	mix := sluicetest.NewMix(3)
	want := runMore(t, url, mix, 8)

	ctx := context.Background()
	st, err := src.Changes(ctx, spec, pos)
	if err != nil {
		t.Fatal(err)
	}
	first := sluicetest.Transactions(t, st, 3)
	acked := first[len(first)-1].Position
	if err := st.Ack(ctx, acked); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * pollInterval) // the ack reaches the server
	srv.Kill()
	if err := sluicetest.Drain(st); !sluice.IsTransient(err) {
		t.Fatalf("after the server died: %v, want a transient error", err)
	}
	st.Close()
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	more := runMore(t, url, mix, 4)
	again := sluicetest.Transactions(t, sluicetest.Changes(t, src, spec, acked), 9)
	sluicetest.CompareChanges(t, append(first, again...), append(want, more...))
}

// Once the slot exists, a new snapshot (to copy a table again) comes from
// a temporary slot at a later position: the stream's transactions at or
// before it are exactly those the new snapshot holds.
func TestCaptureLaterSnapshotMeetsTheStream(t *testing.T) {
	srv := privateServer(t)
	url, src := captureDB(t, srv, "CREATE TABLE t (id int PRIMARY KEY);")
	spec := sluice.CaptureSpec{Name: "later", Tables: []string{"t"}}
	first := sluicetest.SnapshotOf(t, src, spec)
	p1 := first.Position()
	first.Close()
	execURL(t, url, "INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)")
	execURL(t, url, "INSERT INTO t VALUES (3)")
	second := sluicetest.SnapshotOf(t, src, spec)
	p2 := second.Position()
	rows := sluicetest.ReadRows(t, second, "t", []string{"id"}, []string{"id"})
	second.Close()
	execURL(t, url, "INSERT INTO t VALUES (4)")
	if c, _ := p2.Compare(p1); c <= 0 || len(rows) != 3 {
		t.Fatalf("second snapshot at %s after %s with %d rows, want later with 3", p2, p1, len(rows))
	}
	var inSnapshot, after []any
	var tx sluice.Change
	for _, c := range sluicetest.Transactions(t, sluicetest.Changes(t, src, spec, p1), 3) {
		switch c.Kind {
		case sluice.ChangeBegin:
			tx = c
		case sluice.ChangeInsert:
			if cmp, _ := tx.Position.Compare(p2); cmp <= 0 {
				inSnapshot = append(inSnapshot, c.After[0])
			} else {
				after = append(after, c.After[0])
			}
		}
	}
	if !reflect.DeepEqual(inSnapshot, []any{int64(1), int64(2), int64(3)}) || !reflect.DeepEqual(after, []any{int64(4)}) {
		t.Fatalf("transactions at or before the second snapshot inserted %v, after it %v; want 1 2 3, then 4", inSnapshot, after)
	}
}

// DropCapture removes the slot and the publication, and dropping again is
// not an error.
func TestCaptureDropRemovesSlotAndPublication(t *testing.T) {
	srv := privateServer(t)
	_, src := captureDB(t, srv, "CREATE TABLE t (id int PRIMARY KEY);")
	spec := sluice.CaptureSpec{Name: "drop", Slot: "sluice_drop_test", Tables: []string{"t"}}
	sluicetest.SnapshotOf(t, src, spec).Close()
	ctx := context.Background()
	count := func() int {
		var n int
		q := `SELECT (SELECT count(*) FROM pg_replication_slots WHERE slot_name = $1) + (SELECT count(*) FROM pg_publication WHERE pubname = $1)`
		if err := src.pool.QueryRow(ctx, q, "sluice_drop_test").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 2 {
		t.Fatalf("after the snapshot: %d of the slot and publication named sluice_drop_test, want both", n)
	}
	for range 2 {
		if err := src.DropCapture(ctx, spec); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(); n != 0 {
		t.Fatalf("after DropCapture: %d of the slot and publication left", n)
	}
}

// A SQL_ASCII database with a declared encoding streams its text as Read
// yields it: converted from the declared encoding, or Undecodable.
func TestCaptureStreamsDeclaredEncodingAsReadDoes(t *testing.T) {
	srv := privateServer(t)
	name := sluicetest.UniqueName("ascii")
	if err := srv.ExecPrivate("postgres", "CREATE DATABASE "+name+" ENCODING 'SQL_ASCII' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'"); err != nil {
		t.Fatal(err)
	}
	defer srv.ExecPrivate("postgres", "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	if err := srv.ExecPrivate(name, "CREATE TABLE t (id int PRIMARY KEY, v text)"); err != nil {
		t.Fatal(err)
	}
	src := openURL(t, srv.URL(name))
	defer src.Close()
	ctx := context.Background()
	if err := src.DeclareEncoding(ctx, "cp1252"); err != nil {
		t.Fatal(err)
	}
	spec := sluice.CaptureSpec{Name: "ascii", Tables: []string{"t"}}
	defer src.DropCapture(ctx, spec)
	snap := sluicetest.SnapshotOf(t, src, spec)
	pos := snap.Position()
	snap.Close()
	if err := srv.ExecPrivate(name, `INSERT INTO t VALUES (1, E'caf\351'), (2, E'\201'), (3, 'plain')`); err != nil {
		t.Fatal(err)
	}
	want := sluicetest.ReadRows(t, src, "t", []string{"id", "v"}, []string{"id"})
	st := sluicetest.Changes(t, src, spec, pos)
	var got [][]any
	for _, c := range sluicetest.Transactions(t, st, 1) {
		if c.Kind == sluice.ChangeInsert {
			got = append(got, c.After)
		}
	}
	st.Close()
	if !reflect.DeepEqual(got, want) || len(want) != 3 || want[0][1] != "café" {
		t.Fatalf("streamed %#v, read %#v", got, want)
	}
	if _, ok := got[1][1].(sluice.Undecodable); !ok {
		t.Fatalf("byte 0x81, which cp1252 has no character for, streamed as %#v", got[1][1])
	}
}
