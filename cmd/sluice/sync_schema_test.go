package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice/sluicetest"
)

// Schema changes and rejects during sync, on the shared PostgreSQL (which
// has wal_level=logical): a column added to a source table is absorbed and
// its stream goes on; a value that cannot be cast is a reject with the
// source position and the stream goes on; a column dropped that the
// mapping reads stops that table's stream (the others go on), status says
// why; --drop-slot removes the slot and the stream.
func TestSyncSchemaChangeAndRejects(t *testing.T) {
	src := sluicetest.NewPostgresDB(t)
	sluicetest.ExecPostgres(t, src, `CREATE TABLE a (id int PRIMARY KEY, v text); CREATE TABLE t2 (id int PRIMARY KEY, w text);
		INSERT INTO a VALUES (1, '10'); INSERT INTO t2 VALUES (1, 'one')`)
	tgt := sluicetest.NewPostgresDB(t)
	in := invocation{dir: t.TempDir()}
	writeFile(t, in.dir, "sluice.yaml", fmt.Sprintf(`version: 1
sources:
  src:
    url: %s
target:
  url: %s
tables:
  src.a:
    columns:
      v: {type: integer}
`, src, tgt))
	wantCode(t, in.run(t, "sync", "--catch-up", "--progress", "none"), 0)
	t.Cleanup(func() { in.run(t, "sync", "--drop-slot") })

	sluicetest.ExecPostgres(t, src, `ALTER TABLE a ADD COLUMN z int; INSERT INTO a VALUES (2, '20', 7);
		INSERT INTO a VALUES (3, 'abc', 8); ALTER TABLE t2 DROP COLUMN w; INSERT INTO t2 VALUES (2); INSERT INTO a VALUES (4, '40', 9)`)
	wantCode(t, in.run(t, "sync", "--catch-up", "--progress", "none"), 0)

	conn, err := pgx.Connect(context.Background(), tgt)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if got := strings.Join(pgLines(t, conn, "SELECT id || '=' || v FROM a"), ","); got != "1=10,2=20,4=40" {
		t.Errorf("a holds %s, want 1=10,2=20,4=40 (3 rejected, the added column absorbed)", got)
	}
	if n := pgInt(t, conn, "SELECT count(*) FROM sluice.rejects WHERE row_key = '3' AND position IS NOT NULL AND column_name = 'v'"); n != 1 {
		t.Errorf("%d rejects of row 3 with its position, want 1", n)
	}
	if n := pgInt(t, conn, "SELECT count(*) FROM t2"); n != 1 {
		t.Errorf("t2 holds %d rows, want 1: its stream stopped at the dropped column", n)
	}
	if n := pgInt(t, conn, "SELECT count(*) FROM sluice.audit WHERE operation = 'stream.schema'"); n < 1 {
		t.Errorf("no stream.schema audit entry for the added column")
	}
	st := in.run(t, "status")
	wantCode(t, st, 0)
	if !strings.Contains(st.stdout, "src.t2: stream stopped:") || !strings.Contains(st.stdout, "column(s) w") {
		t.Errorf("status does not say why t2's stream stopped:\n%s", st.stdout)
	}
	checkStatusJSON(t, in)
	checkVerifyDuringSync(t, in, conn)
	drop := in.run(t, "sync", "--drop-slot")
	wantCode(t, drop, 0)
	if n := pgInt(t, conn, "SELECT count(*) FROM sluice.streams"); n != 0 {
		t.Errorf("--drop-slot left %d streams", n)
	}
}

func checkStatusJSON(t *testing.T, in invocation) {
	t.Helper()
	r := in.run(t, "status", "--json")
	wantCode(t, r, 0)
	var got statusJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("status --json: %v\n%s", err, r.stdout)
	}
	if len(got.Streams) != 1 || got.Streams[0].State != "caught up" || got.Streams[0].Rejects != 1 || got.Streams[0].Stopped["src.t2"] == "" {
		t.Errorf("status --json streams: %+v", got.Streams)
	}
}

// checkVerifyDuringSync: verify refuses to compare while a sync runs
// (changes in flight would read as differences), and SIGINT stops the sync
// cleanly with exit code 130, its stream stopped.
func checkVerifyDuringSync(t *testing.T, in invocation, conn *pgx.Conn) {
	t.Helper()
	p := in.start(t, "sync", "--progress", "none")
	for !p.exited() && pgInt(t, conn, "SELECT count(*) FROM sluice.streams WHERE state = 'streaming'") == 0 {
		time.Sleep(10 * time.Millisecond)
	}
	v := in.run(t, "verify")
	if v.code != 1 || !strings.Contains(v.stderr, "a sync is applying changes") {
		t.Errorf("verify during sync:\n%s", v)
	}
	_ = p.signal(os.Interrupt)
	r := p.wait()
	wantCode(t, r, 130)
	if n := pgInt(t, conn, "SELECT count(*) FROM sluice.streams WHERE state = 'stopped'"); n != 1 {
		t.Errorf("the stream is not stopped after SIGINT:\n%s", r)
	}
}
