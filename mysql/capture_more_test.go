package mysql_test

import (
	"context"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/mysql"
	"github.com/sluicedb/sluice/sluicetest"
)

// With log_bin_compress=ON, MariaDB writes row events of a type the
// stream does not read: the stream stops with an error naming it, and
// never skips the rows.
func TestCaptureStopsAtCompressedEvents(t *testing.T) {
	srv, err := sluicetest.StartPrivateMariaDB("--log-bin-compress=ON", "--log-bin-compress-min-len=10")
	if err != nil {
		sluicetest.Unavailable(t, "a private MariaDB with log_bin_compress", err)
	}
	defer srv.Stop()
	db, src := captureDB(t, srv, "CREATE TABLE t (id int PRIMARY KEY, v text)")
	spec := sluice.CaptureSpec{Name: "compressed", Tables: []string{"t"}}
	problems, err := src.CheckCapture(context.Background(), spec)
	if err != nil || len(problems) != 1 || problems[0].Check != "log_bin_compress" {
		t.Fatalf("problems %+v (%v), want log_bin_compress", problems, err)
	}
	status, err := src.CaptureStatus(context.Background(), spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	execOn(t, srv, db, "INSERT INTO t VALUES (1, REPEAT('compressible ', 100))")
	st := sluicetest.Changes(t, src, spec, status.Head)
	err = sluicetest.Drain(st)
	if err == nil || !strings.Contains(err.Error(), "compressed") || sluice.IsTransient(err) {
		t.Fatalf("stream over compressed events: %v, want a lasting error about compressed events", err)
	}
}

// What capture needs is checked with the fix for each problem: a server
// started without a binlog lacks it, and a user without replication
// privileges lacks them.
func TestCaptureChecksWhatTheServerNeeds(t *testing.T) {
	nolog, err := sluicetest.StartPrivateMariaDB("--skip-log-bin")
	if err != nil {
		sluicetest.Unavailable(t, "a private MariaDB without a binlog", err)
	}
	defer nolog.Stop()
	_, shared := captureDB(t, nolog, "CREATE TABLE t (id int PRIMARY KEY)")
	spec := sluice.CaptureSpec{Name: "check", Tables: []string{"t", "missing"}}
	problems, err := shared.CheckCapture(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string]string{}
	for _, p := range problems {
		checks[p.Check] = p.Fix
	}
	if !strings.Contains(checks["log_bin"], "restart") || checks["table missing"] == "" {
		t.Fatalf("problems %+v, want log_bin (with a restart) and the missing table", problems)
	}
	if _, err := shared.Snapshot(context.Background(), spec); err == nil || !strings.Contains(err.Error(), "log_bin") {
		t.Fatalf("snapshot without a binlog: %v, want a refusal naming log_bin", err)
	}

	srv := privateServer(t)
	db, _ := captureDB(t, srv, "CREATE TABLE t (id int PRIMARY KEY)")
	execOn(t, srv, "mysql", "CREATE USER IF NOT EXISTS reader@'%' IDENTIFIED BY 'pw'; GRANT SELECT ON "+db+".* TO reader@'%'")
	reader, err := mysql.Open(context.Background(), "reader", strings.Replace(srv.URL(db), "root@", "reader:pw@", 1))
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	problems, err = reader.CheckCapture(context.Background(), sluice.CaptureSpec{Name: "check", Tables: []string{"t"}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range problems {
		got = append(got, p.Check+": "+p.Fix)
	}
	want := []string{"privilege REPLICATION SLAVE: GRANT REPLICATION SLAVE ON *.* TO <user>", "privilege BINLOG MONITOR: GRANT BINLOG MONITOR ON *.* TO <user>"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("problems %q, want %q", got, want)
	}
}

// A binlog purged under a capture is found loudly: by Ack, and by a
// stream opened at a position in it.
func TestCaptureFailsLoudlyOnPurgedBinlog(t *testing.T) {
	srv, err := sluicetest.StartPrivateMariaDB()
	if err != nil {
		sluicetest.Unavailable(t, "a private MariaDB", err)
	}
	defer srv.Stop()
	db, src := captureDB(t, srv, "CREATE TABLE t (id int PRIMARY KEY)")
	spec := sluice.CaptureSpec{Name: "purge", Tables: []string{"t"}}
	pos := positionNow(t, src, spec)
	execOn(t, srv, db, "INSERT INTO t VALUES (1)")
	st := sluicetest.Changes(t, src, spec, pos)
	tx := sluicetest.Transactions(t, st, 1)
	execOn(t, srv, "mysql", "FLUSH BINARY LOGS; INSERT INTO "+db+".t VALUES (2); FLUSH BINARY LOGS")
	sluicetest.Transactions(t, st, 1)
	st.Close()                  // a binlog a reader is on is not purged; Ack still checks, through the source
	time.Sleep(2 * time.Second) // the server notices the reader is gone at its next heartbeat
	execOn(t, srv, "mysql", "PURGE BINARY LOGS TO 'binlog.000003'")
	err = st.Ack(context.Background(), tx[len(tx)-1].Position)
	if err == nil || !strings.Contains(err.Error(), "purged") {
		t.Fatalf("ack of a purged position: %v, want an error saying it was purged", err)
	}
	if _, err := src.Changes(context.Background(), spec, pos); err == nil || !strings.Contains(err.Error(), "purged") {
		t.Fatalf("stream from a purged position: %v, want an error saying it was purged", err)
	}
}

// MariaDB snapshots are per connection, so tables are copied each in its
// own snapshot, at its own position; the stream starts at the earliest,
// and a transaction applies to a table only when it is after that table's
// position. Two tables snapshotted at different moments under a writer
// end up exactly as the source.
func TestCaptureSnapshotPerTableMeetsTheStream(t *testing.T) {
	srv := privateServer(t)
	db, src := captureDB(t, srv, "CREATE TABLE p (id int PRIMARY KEY, n int); CREATE TABLE q (id int PRIMARY KEY, n int)")
	spec := sluice.CaptureSpec{Name: "pertable", Tables: []string{"p", "q"}}
	step := func(i int) { // changes both tables in one transaction
		execOn(t, srv, db, strings.NewReplacer("$i", strconv.Itoa(i)).Replace(
			"BEGIN; INSERT INTO p VALUES ($i, $i); UPDATE q SET n = n + 1; INSERT INTO q VALUES ($i, 0); DELETE FROM p WHERE id = $i - 3; COMMIT"))
	}
	for i := 1; i <= 5; i++ {
		step(i)
	}
	state := map[string]map[int64]int64{}
	positions := map[string]sluice.Position{}
	for i, table := range []string{"p", "q"} {
		snap := sluicetest.SnapshotOf(t, src, sluice.CaptureSpec{Name: "pertable", Tables: []string{table}})
		state[table] = map[int64]int64{}
		for _, row := range sluicetest.ReadRows(t, snap, table, []string{"id", "n"}, []string{"id"}) {
			state[table][row[0].(int64)] = row[1].(int64)
		}
		positions[table] = snap.Position()
		snap.Close()
		for j := 0; j < 3; j++ {
			step(10 + 10*i + j)
		}
	}
	start := positions["p"]
	if c, _ := positions["q"].Compare(start); c < 0 {
		start = positions["q"]
	}
	st := sluicetest.Changes(t, src, spec, start)
	var tx sluice.Change
	for _, c := range sluicetest.Transactions(t, st, 6) {
		if c.Kind == sluice.ChangeBegin {
			tx = c
			continue
		}
		if cmp, _ := tx.Position.Compare(positions[c.Table]); c.Table == "" || cmp <= 0 {
			continue // in that table's snapshot already
		}
		apply(state[c.Table], c)
	}
	for _, table := range []string{"p", "q"} {
		want := map[int64]int64{}
		for _, row := range sluicetest.ReadRows(t, src, table, []string{"id", "n"}, []string{"id"}) {
			want[row[0].(int64)] = row[1].(int64)
		}
		if !reflect.DeepEqual(state[table], want) {
			t.Errorf("%s: snapshot + stream = %v, source = %v", table, state[table], want)
		}
	}
}

func apply(rows map[int64]int64, c sluice.Change) {
	switch c.Kind {
	case sluice.ChangeInsert:
		rows[c.After[0].(int64)] = c.After[1].(int64)
	case sluice.ChangeUpdate:
		delete(rows, c.Before[0].(int64))
		rows[c.After[0].(int64)] = c.After[1].(int64)
	case sluice.ChangeDelete:
		delete(rows, c.Before[0].(int64))
	}
}
