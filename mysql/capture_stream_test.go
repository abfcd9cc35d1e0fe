package mysql_test

import (
	"context"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
)

// A seeded mix streams in commit order with whole before and after images.
func TestCaptureStreamsTransactionsInOrderWithImages(t *testing.T) {
	srv := privateServer(t)
	db, src := captureDB(t, srv, sluicetest.MixSchema)
	spec := sluice.CaptureSpec{Name: "mix", Tables: []string{"a", "b", "c"}}
	pos := positionNow(t, src, spec)
	const n = 60
	want := runMix(t, srv, db, sluicetest.NewMix(7), n)
	sluicetest.CompareChanges(t, sluicetest.Transactions(t, sluicetest.Changes(t, src, spec, pos), n), want)
}

// Transactions on tables not captured, and in other databases, are not
// delivered; the position still moves on, in heartbeats.
func TestCaptureSkipsOtherTables(t *testing.T) {
	srv := privateServer(t)
	db, src := captureDB(t, srv, sluicetest.MixSchema)
	other, _ := captureDB(t, srv, "CREATE TABLE a (id int PRIMARY KEY, v text)")
	spec := sluice.CaptureSpec{Name: "skip", Tables: []string{"a"}}
	pos := positionNow(t, src, spec)
	execOn(t, srv, other, "INSERT INTO a VALUES (1, 'other database')")
	execOn(t, srv, db, "INSERT INTO b VALUES (1, 'x', 1)")
	execOn(t, srv, db, "INSERT INTO a VALUES (2, 'captured')")
	got := sluicetest.Transactions(t, sluicetest.Changes(t, src, spec, pos), 1)
	if len(got) != 3 || got[1].Kind != sluice.ChangeInsert || got[1].After[0] != int64(2) {
		t.Fatalf("got %v, want only the insert of a row 2", sluicetest.ChangeKinds(got))
	}
}

// Stopped after some acks, a stream opened at the acked position delivers
// the transactions after it and none before.
func TestCaptureResumesAfterTheAckedPosition(t *testing.T) {
	srv := privateServer(t)
	db, src := captureDB(t, srv, sluicetest.MixSchema)
	spec := sluice.CaptureSpec{Name: "resume", Tables: []string{"a", "b", "c"}}
	pos := positionNow(t, src, spec)
	want := runMix(t, srv, db, sluicetest.NewMix(11), 10)
	st, err := src.Changes(context.Background(), spec, pos)
	if err != nil {
		t.Fatal(err)
	}
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
	again := sluicetest.Transactions(t, sluicetest.Changes(t, src, spec, reread), 6)
	sluicetest.CompareChanges(t, again, want[len(first):])
	if _, err := src.Changes(context.Background(), spec, nil); err == nil {
		t.Fatalf("a stream without a start position was opened: MariaDB keeps none")
	}
}

// The server killed mid-stream: Next fails with a transient error, and a
// stream opened again at the last acknowledged position delivers every
// transaction after it.
func TestCaptureResumesAfterServerRestart(t *testing.T) {
	srv, err := sluicetest.StartPrivateMariaDB()
	if err != nil {
		sluicetest.Unavailable(t, "a private MariaDB", err)
	}
	defer srv.Stop()
	db, src := captureDB(t, srv, sluicetest.MixSchema)
	spec := sluice.CaptureSpec{Name: "restart", Tables: []string{"a", "b", "c"}}
	pos := positionNow(t, src, spec)
	mix := sluicetest.NewMix(3)
	want := runMix(t, srv, db, mix, 8)
	st, err := src.Changes(context.Background(), spec, pos)
	if err != nil {
		t.Fatal(err)
	}
	first := sluicetest.Transactions(t, st, 3)
	acked := first[len(first)-1].Position
	if err := st.Ack(context.Background(), acked); err != nil {
		t.Fatal(err)
	}
	srv.Kill()
	if err := sluicetest.Drain(st); !sluice.IsTransient(err) {
		t.Fatalf("after the server died: %v, want a transient error", err)
	}
	st.Close()
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	more := runMix(t, srv, db, mix, 4)
	again := sluicetest.Transactions(t, sluicetest.Changes(t, src, spec, acked), 9)
	sluicetest.CompareChanges(t, append(first, again...), append(want, more...))
}

// DDL on a captured table is a schema change with the table's columns
// after it (nil once it is gone); TRUNCATE is a truncate.
func TestCaptureReportsSchemaChanges(t *testing.T) {
	srv := privateServer(t)
	db, src := captureDB(t, srv, "CREATE TABLE s (id int PRIMARY KEY, v text); CREATE TABLE s2 (id int PRIMARY KEY)")
	spec := sluice.CaptureSpec{Name: "schema", Tables: []string{"s", "s2"}}
	pos := positionNow(t, src, spec)
	st := sluicetest.Changes(t, src, spec, pos) // its layout is the tables' before the DDL below
	execOn(t, srv, db, "INSERT INTO s VALUES (1, 'a')")
	execOn(t, srv, db, "ALTER TABLE s ADD COLUMN w int")
	execOn(t, srv, db, "INSERT INTO s VALUES (2, 'b', 20)")
	execOn(t, srv, db, "TRUNCATE TABLE s")
	execOn(t, srv, db, "DROP TABLE s2")
	var got []string
	for _, c := range sluicetest.Transactions(t, st, 5) {
		switch c.Kind {
		case sluice.ChangeSchema:
			got = append(got, "schema "+c.Table+" ("+sluicetest.ColumnNames(c.Columns)+"): "+c.Detail)
		case sluice.ChangeInsert, sluice.ChangeTruncate:
			got = append(got, c.Kind.String()+" "+c.Table+" "+strings.TrimSpace(strings.Repeat("x ", len(c.After))))
		}
	}
	want := []string{
		"insert s x x",
		"schema s (id,v,w): ALTER TABLE s ADD COLUMN w int",
		"insert s x x x",
		"truncate s ",
		"schema s2 (): DROP TABLE `s2` /* generated by server */",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Rows written before a DDL that the stream did not see (it was opened
// after it) do not fit the table's columns now: the TABLE_MAP check says
// the table cannot be decoded, never decodes them wrongly; the DDL, once
// reached, gives the columns back.
func TestCaptureChecksTableMapAgainstColumns(t *testing.T) {
	srv := privateServer(t)
	db, src := captureDB(t, srv, "CREATE TABLE s (id int PRIMARY KEY, v text)")
	spec := sluice.CaptureSpec{Name: "tablemap", Tables: []string{"s"}}
	pos := positionNow(t, src, spec)
	execOn(t, srv, db, "INSERT INTO s VALUES (1, 'a')")
	execOn(t, srv, db, "ALTER TABLE s ADD COLUMN w int")
	execOn(t, srv, db, "INSERT INTO s VALUES (2, 'b', 20)")
	var got []string
	for _, c := range sluicetest.Transactions(t, sluicetest.Changes(t, src, spec, pos), 3) {
		switch c.Kind {
		case sluice.ChangeSchema:
			got = append(got, "schema ("+sluicetest.ColumnNames(c.Columns)+")")
		case sluice.ChangeInsert:
			got = append(got, "insert "+strings.TrimSpace(strings.Repeat("x ", len(c.After))))
		}
	}
	want := "schema () schema (id,v,w) insert x x x"
	if strings.Join(got, " ") != want {
		t.Fatalf("got %q, want %q", strings.Join(got, " "), want)
	}
}
