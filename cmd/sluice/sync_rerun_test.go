package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice/sluicetest"
)

// Tables the stream cannot follow row by row are kept current by reruns of
// their load, on the shared PostgreSQL: pat is filtered with where: (rows
// move into and out of the filter, are inserted and deleted), log has no
// key and no consent to REPLICA IDENTITY FULL. visit streams, and
// references pat: its foreign key is not enforced while sync runs (a
// streamed visit may reference a patient the next rerun brings). After
// sync --catch-up the target equals a fresh migrate, verify is clean, the
// foreign key is back, and plan, status and status --json say which table
// is synced how.
func TestSyncReruns(t *testing.T) {
	src := sluicetest.NewPostgresDB(t)
	sluicetest.ExecPostgres(t, src, `CREATE TABLE pat (id int PRIMARY KEY, ward text NOT NULL, name text);
		CREATE TABLE visit (id int PRIMARY KEY, pat_id int NOT NULL REFERENCES pat (id), note text);
		CREATE TABLE log (msg text, n int);
		INSERT INTO pat VALUES (1, 'icu', 'ann'), (2, 'icu', 'bob'), (3, 'gen', 'cy'), (4, 'icu', 'dee');
		INSERT INTO visit VALUES (1, 1, 'first');
		INSERT INTO log VALUES ('boot', 1), ('boot', 1)`)
	in, tgt := rerunSetup(t, src)
	wantCode(t, in.run(t, "sync", "--catch-up", "--progress", "none"), 0)
	t.Cleanup(func() { in.run(t, "sync", "--drop-slot") })

	sluicetest.ExecPostgres(t, src, `INSERT INTO pat VALUES (5, 'icu', 'eve'); INSERT INTO visit VALUES (2, 5, 'new patient');
		UPDATE pat SET ward = 'icu' WHERE id = 3; UPDATE pat SET ward = 'gen' WHERE id = 2;
		UPDATE pat SET name = 'annie' WHERE id = 1; DELETE FROM pat WHERE id = 4;
		INSERT INTO log VALUES ('boot', 1), ('run', 2); UPDATE log SET n = 3 WHERE msg = 'run'`)
	r := in.run(t, "sync", "--catch-up", "--progress", "none")
	wantCode(t, r, 0)
	if !strings.Contains(r.stderr, "brought up to date by a rerun (catch-up)") {
		t.Errorf("sync --catch-up did not rerun:\n%s", r)
	}
	conn := pgConn(t, tgt)
	checkSameAsMigrate(t, src, conn)
	wantCode(t, in.run(t, "verify"), 0)
	if n := pgInt(t, conn, `SELECT count(*) FROM pg_constraint WHERE conrelid = 'visit'::regclass AND contype = 'f'`); n != 1 {
		t.Errorf("visit has %d foreign keys after sync, want its one back", n)
	}
	if n := pgInt(t, conn, "SELECT count(*) FROM sluice.audit WHERE operation = 'stream.rerun'"); n < 2 {
		t.Errorf("%d stream.rerun audit entries, want one per catch-up", n)
	}
	checkRerunStatus(t, in)
	checkRerunPlan(t, in)
	checkRerunEvery(t, in, src, conn)
}

func rerunSetup(t *testing.T, src string) (invocation, string) {
	t.Helper()
	tgt := sluicetest.NewPostgresDB(t)
	in := invocation{dir: t.TempDir()}
	writeFile(t, in.dir, "sluice.yaml", rerunConfig(src, tgt))
	return in, tgt
}

func rerunConfig(src, tgt string) string {
	return fmt.Sprintf(`version: 1
sources:
  src:
    url: %s
target:
  url: %s
defaults:
  keys: uuid
tables:
  src.pat:
    where: "ward = 'icu'"
    strategy: merge
`, src, tgt)
}

// rerunTables are the target's rows, as text, of the test's tables.
var rerunTables = map[string]string{
	"pat":   "SELECT id || '|' || legacy_id || '|' || ward || '|' || coalesce(name, '') FROM pat",
	"visit": "SELECT id || '|' || pat_id || '|' || note FROM visit",
	"log":   "SELECT msg || '|' || n FROM log",
}

// checkSameAsMigrate compares the synced target with a fresh migrate of the
// source into another database.
func checkSameAsMigrate(t *testing.T, src string, conn *pgx.Conn) {
	t.Helper()
	fresh, tgt := rerunSetup(t, src)
	wantCode(t, fresh.run(t, "migrate", "--progress", "none"), 0)
	want := pgConn(t, tgt)
	for table, q := range rerunTables {
		if got, exp := pgLines(t, conn, q), pgLines(t, want, q); strings.Join(got, ",") != strings.Join(exp, ",") {
			t.Errorf("%s after sync: %v; a fresh migrate: %v", table, got, exp)
		}
	}
}

func checkRerunStatus(t *testing.T, in invocation) {
	t.Helper()
	st := in.run(t, "status")
	wantCode(t, st, 0)
	if !strings.Contains(st.stdout, "src.pat: kept current by reruns, last rerun") || !strings.Contains(st.stdout, "src.log: kept current by reruns") {
		t.Errorf("status does not say which tables are kept current by reruns:\n%s", st.stdout)
	}
	r := in.run(t, "status", "--json")
	wantCode(t, r, 0)
	var got statusJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || len(got.Streams) != 1 {
		t.Fatalf("status --json: %v\n%s", err, r.stdout)
	}
	modes := map[string]streamTable{}
	for _, tb := range got.Streams[0].Tables {
		modes[tb.Table] = tb
	}
	pat, log, visit := modes["src.pat"], modes["src.log"], modes["src.visit"]
	if pat.Mode != "rerun" || pat.LastRerun == nil || pat.Skipped == 0 || pat.Reruns < 2 || pat.Changes != 0 {
		t.Errorf("status --json src.pat: %+v; want rerun, rerun twice, its stream changes skipped", pat)
	}
	if log.Mode != "rerun" || log.LastRerun == nil || !strings.Contains(log.Reason, "no primary key") {
		t.Errorf("status --json src.log: %+v", log)
	}
	if visit.Mode != "streaming" || visit.Changes != 1 {
		t.Errorf("status --json src.visit: %+v; want streaming, 1 change", visit)
	}
}

func checkRerunPlan(t *testing.T, in invocation) {
	t.Helper()
	r := in.run(t, "plan")
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, "reruns the load of 2 tables") || !strings.Contains(r.stdout, "src.pat -> pat: its rows are filtered by where:") ||
		!strings.Contains(r.stdout, "src.log -> log: it has no primary key") {
		t.Errorf("plan does not list the tables sync reruns:\n%s", r.stdout)
	}
}

// checkRerunEvery: a sync that runs reruns the tables every --every, under
// its own migration lock, while the source takes writes (each rerun reads in
// a snapshot, so its counts reconcile), and SIGINT stops it cleanly.
func checkRerunEvery(t *testing.T, in invocation, src string, conn *pgx.Conn) {
	t.Helper()
	p := in.start(t, "sync", "--progress", "none", "--every", "200ms")
	for id := 10; id < 60; id++ {
		sluicetest.ExecPostgres(t, src, fmt.Sprintf(`INSERT INTO pat VALUES (%d, 'icu', 'p%d'); INSERT INTO log VALUES ('w', %d);
			UPDATE pat SET ward = 'gen' WHERE id = %d AND id >= 10`, id, id, id, id-5))
		time.Sleep(20 * time.Millisecond)
	}
	waitFor(t, p, func() bool { return pgInt(t, conn, "SELECT count(*) FROM pat WHERE legacy_id = 59") == 1 })
	_ = p.signal(os.Interrupt)
	r := p.wait()
	wantCode(t, r, 130)
	if strings.Contains(r.stderr, "did it change during the load") {
		t.Errorf("a rerun did not reconcile while the source took writes:\n%s", r)
	}
	wantCode(t, in.run(t, "sync", "--catch-up", "--progress", "none"), 0)
	checkSameAsMigrate(t, src, conn)
}

// Cutover's drain reruns, on the frozen sources, the tables sync keeps
// current by reruns, so that its proof finds them equal: a filtered table
// whose rows moved into and out of its filter since the last sync.
func TestCutoverReruns(t *testing.T) {
	r := newCutoverRig(t, "postgres", "  src.f: {where: \"v <> 'hidden'\", rollback: false}\n")
	if err := r.srv.ExecPrivate(r.db, "CREATE TABLE f (id int PRIMARY KEY, v text); INSERT INTO f VALUES (1, 'shown'), (2, 'hidden')"); err != nil {
		t.Fatal(err)
	}
	r.syncAndVerify(t)
	if err := r.srv.ExecPrivate(r.db, "INSERT INTO f VALUES (3, 'shown'); UPDATE f SET v = 'hidden' WHERE id = 1; UPDATE f SET v = 'shown' WHERE id = 2"); err != nil {
		t.Fatal(err)
	}
	res := r.in.run(t, append([]string{"cutover"}, r.freezeArgs()...)...)
	wantCode(t, res, 0)
	if got := strings.Join(pgLines(t, r.conn, "SELECT legacy_id || '=' || v FROM f"), ","); got != "2=shown,3=shown" {
		t.Errorf("f after cutover: %s, want 2=shown,3=shown", got)
	}
	if n := pgInt(t, r.conn, "SELECT count(*) FROM sluice.audit WHERE operation = 'stream.rerun' AND details->>'why' LIKE 'cutover drain%'"); n != 1 {
		t.Errorf("%d reruns recorded by the drain, want 1:\n%s", n, res)
	}
}

// On MariaDB too, a filtered table is kept current by reruns (read in a
// snapshot per table): rows moved into and out of the filter, inserted and
// deleted, arrive with sync --catch-up, and verify is clean.
func TestSyncRerunsMariaDB(t *testing.T) {
	srv := startSyncSource(t, "mariadb")
	db, err := srv.CreateDatabase("rerun")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.ExecPrivate(db, "CREATE TABLE f (id int PRIMARY KEY, v varchar(20)); INSERT INTO f VALUES (1, 'shown'), (2, 'hidden'), (3, 'shown')"); err != nil {
		t.Fatal(err)
	}
	tgt := sluicetest.NewPostgresDB(t)
	in := invocation{dir: t.TempDir()}
	writeFile(t, in.dir, "sluice.yaml", fmt.Sprintf("version: 1\nsources:\n  src:\n    url: %s\ntarget:\n  url: %s\ntables:\n  src.f: {where: \"v <> 'hidden'\"}\n", srv.URL(db), tgt))
	wantCode(t, in.run(t, "sync", "--catch-up", "--progress", "none"), 0)
	if err := srv.ExecPrivate(db, "UPDATE f SET v = 'hidden' WHERE id = 1; UPDATE f SET v = 'shown' WHERE id = 2; DELETE FROM f WHERE id = 3; INSERT INTO f VALUES (4, 'shown')"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, in.run(t, "sync", "--catch-up", "--progress", "none"), 0)
	conn := pgConn(t, tgt)
	if got := strings.Join(pgLines(t, conn, "SELECT id || '=' || v FROM f"), ","); got != "2=shown,4=shown" {
		t.Errorf("f after sync: %s, want 2=shown,4=shown", got)
	}
	wantCode(t, in.run(t, "verify"), 0)
}
