package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice/sluicetest"
)

func TestSyncAddedColumnPostgres(t *testing.T) { testSyncAddedColumn(t, "postgres") }

func TestSyncAddedColumnMariaDB(t *testing.T) { testSyncAddedColumn(t, "mariadb") }

// A nullable column added to a source table while sync runs is added to the
// target table (its mapping takes the source's columns as they come) and
// written from then on, with an audit entry; a later sync goes on with it,
// and verify finds the table equal. A column added with a default stops
// its table (the source's existing rows hold the default, which the stream
// never carries), and status says why.
func testSyncAddedColumn(t *testing.T, engine string) {
	srv := startSyncSource(t, engine)
	db, err := srv.CreateDatabase("addcol")
	if err != nil {
		t.Fatal(err)
	}
	exec := func(script string) {
		t.Helper()
		if err := srv.ExecPrivate(db, script); err != nil {
			t.Fatal(err)
		}
	}
	exec(`CREATE TABLE a (id int PRIMARY KEY, v text); CREATE TABLE d (id int PRIMARY KEY, v text);
		INSERT INTO a VALUES (1, 'x'); INSERT INTO d VALUES (1, 'x')`)
	tgt := sluicetest.NewPostgresDB(t)
	in := invocation{dir: t.TempDir()}
	writeFile(t, in.dir, "sluice.yaml", fmt.Sprintf("version: 1\nsources:\n  src:\n    url: %s\ntarget:\n  url: %s\n", srv.URL(db), tgt))
	wantCode(t, in.run(t, "sync", "--catch-up", "--progress", "none"), 0)
	t.Cleanup(func() { in.run(t, "sync", "--drop-slot") })

	conn := pgConn(t, tgt)
	p := in.start(t, "sync", "--progress", "none")
	waitFor(t, p, func() bool {
		return pgInt(t, conn, "SELECT count(*) FROM sluice.streams WHERE state = 'streaming'") == 1
	})
	exec(`ALTER TABLE a ADD COLUMN z int; INSERT INTO a VALUES (2, 'y', 7); UPDATE a SET z = 8 WHERE id = 1;
		ALTER TABLE d ADD COLUMN w int DEFAULT 5; INSERT INTO d VALUES (2, 'y', 6)`)
	waitFor(t, p, func() bool { return pgInt(t, conn, "SELECT count(*) FROM a") == 2 })
	_ = p.signal(os.Interrupt)
	wantCode(t, p.wait(), 130)
	// A later sync goes on with the column: the table's mapping is the one
	// the target holds now.
	exec(`INSERT INTO a VALUES (3, 'z', 9)`)
	wantCode(t, in.run(t, "sync", "--catch-up", "--progress", "none"), 0)

	if got := strings.Join(pgLines(t, conn, "SELECT id || '=' || v || '=' || coalesce(z::text, '-') FROM a"), ","); got != "1=x=8,2=y=7,3=z=9" {
		t.Errorf("a holds %s, want 1=x=8,2=y=7,3=z=9 (the added column streamed)", got)
	}
	if n := pgInt(t, conn, "SELECT count(*) FROM sluice.audit WHERE operation = 'stream.schema' AND details->>'applied' LIKE 'added to the target table%'"); n != 1 {
		t.Errorf("%d audit entries of the added column, want 1", n)
	}
	wantCode(t, in.run(t, "verify", "--table", "src.a"), 0)
	if n := pgInt(t, conn, "SELECT count(*) FROM d"); n != 1 {
		t.Errorf("d holds %d rows, want 1: its stream stopped at the column added with a default", n)
	}
	st := in.run(t, "status")
	wantCode(t, st, 0)
	if !strings.Contains(st.stdout, "src.d: stream stopped:") || !strings.Contains(st.stdout, "added with a default") {
		t.Errorf("status does not say why d's stream stopped:\n%s", st.stdout)
	}
}

// waitFor waits up to 30 seconds for cond while p runs.
func waitFor(t *testing.T, p *process, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if p.exited() || time.Now().After(deadline) {
			t.Fatalf("gave up waiting:\n%s", p.kill())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
