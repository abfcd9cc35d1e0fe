package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice/sluicetest"
)

// The end-to-end test of cutover and rollback on each engine that can be
// frozen, with an application writer (a user the freeze stops) inserting
// and updating while cutover runs: sync, cutover --check, cutover --freeze
// source; then every write the source accepted is in the target, the
// source refuses the writer, status says the target is authoritative;
// rollback proves the source equals the target and unfreezes it; the
// writer writes again, sync catches up, and a second cutover works.
func TestCutoverMariaDB(t *testing.T) { testCutover(t, "mariadb") }

func TestCutoverPostgres(t *testing.T) { testCutover(t, "postgres") }

// cutoverRig is a private source with one table, a target, and the
// binary's directory.
type cutoverRig struct {
	srv    *sluicetest.PrivateServer
	db     string
	tgtURL string
	in     invocation
	conn   *pgx.Conn
}

func newCutoverRig(t *testing.T, engine string, tables string) *cutoverRig {
	r := &cutoverRig{srv: startSyncSource(t, engine)}
	var err error
	if r.db, err = r.srv.CreateDatabase("cutover"); err != nil {
		t.Fatal(err)
	}
	schema := "CREATE TABLE a (id int AUTO_INCREMENT PRIMARY KEY, v varchar(50));" +
		"CREATE USER app IDENTIFIED BY 'app'; GRANT SELECT, INSERT, UPDATE, DELETE ON " + r.db + ".* TO app;"
	if engine == "postgres" {
		schema = "CREATE TABLE a (id serial PRIMARY KEY, v varchar(50));"
	}
	if err := r.srv.ExecPrivate(r.db, schema+"INSERT INTO a (v) VALUES ('one'), ('two'), ('three');"); err != nil {
		t.Fatal(err)
	}
	r.tgtURL = sluicetest.NewPostgresDB(t)
	ctx := context.Background()
	if r.conn, err = pgx.Connect(ctx, r.tgtURL); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// The reverse stream's slot on the shared server must not outlive
		// the test (it would keep WAL and block dropping the database).
		_, _ = r.conn.Exec(ctx, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = current_database()")
		_, _ = r.conn.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{r.conn.Config().Database}.Sanitize()+" RESET default_transaction_read_only")
		r.conn.Close(ctx)
	})
	capture := ""
	if engine == "postgres" {
		capture = "\n    capture:\n      replica_identity_full: true"
	}
	r.in = invocation{dir: t.TempDir()}
	writeFile(t, r.in.dir, "sluice.yaml", fmt.Sprintf("version: 1\nsources:\n  src:\n    url: %s%s\ntarget:\n  url: %s\ndefaults:\n  keys: uuid\ntables:\n  src.a: {}\n%s",
		r.srv.URL(r.db), capture, r.tgtURL, tables))
	return r
}

// appWriter writes as the application would: as a user the freeze stops
// (on PostgreSQL every new session is read-only, and --end-sessions ends
// the old ones), counting what the source accepted and what it refused.
// With pooled set it keeps one PostgreSQL session open, as a connection
// pool does, and opens a new one after an error.
type appWriter struct {
	r                 *cutoverRig
	accepted, refused atomic.Int64
	pooled            bool
	conn              *pgx.Conn
}

func (w *appWriter) exec(ctx context.Context, stmt string) (err error) {
	if w.pooled {
		if w.conn == nil {
			cfg, err := pgx.ParseConfig(w.r.srv.URL(w.r.db))
			if err != nil {
				return err
			}
			cfg.RuntimeParams["application_name"] = "app"
			if w.conn, err = pgx.ConnectConfig(ctx, cfg); err != nil {
				return err
			}
		}
		if _, err = w.conn.Exec(ctx, stmt); err != nil {
			w.conn.Close(context.Background())
			w.conn = nil
		}
		return err
	}
	if w.r.srv.Engine == "postgres" {
		conn, err := pgx.Connect(ctx, w.r.srv.URL(w.r.db))
		if err != nil {
			return err
		}
		defer conn.Close(context.Background())
		_, err = conn.Exec(ctx, stmt)
		return err
	}
	h, err := sql.Open("mysql", fmt.Sprintf("app:app@tcp(127.0.0.1:%d)/%s", w.r.srv.Port, w.r.db))
	if err != nil {
		return err
	}
	defer h.Close()
	_, err = h.ExecContext(ctx, stmt)
	return err
}

// run writes until ctx ends, a statement every 2 ms at most: an
// application the stream can keep up with, as cutover needs.
func (w *appWriter) run(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	for i := 0; ctx.Err() == nil; i, _ = i+1, sleepCtx(ctx, 2*time.Millisecond) {
		stmt := fmt.Sprintf("INSERT INTO a (v) VALUES ('w%d')", i)
		if i%3 == 2 {
			stmt = fmt.Sprintf("UPDATE a SET v = 'u%d' WHERE id = %d", i, 1+i%5)
		}
		if err := w.exec(ctx, stmt); err != nil {
			if ctx.Err() == nil {
				w.refused.Add(1)
			}
			continue
		}
		w.accepted.Add(1)
	}
}

// checkEqual compares the source with the target through the mapping.
func (r *cutoverRig) checkEqual(t *testing.T) {
	t.Helper()
	want := privateLines(t, r.srv, r.db, "SELECT CONCAT(id, '|', COALESCE(v, 'NULL')) FROM a")
	got := pgLines(t, r.conn, "SELECT CONCAT(legacy_id, '|', COALESCE(v, 'NULL')) FROM a")
	if !slices.Equal(got, want) {
		t.Fatalf("the target has %d rows, the source %d; first differences:\n%s", len(got), len(want), firstDiff(got, want))
	}
}

func (r *cutoverRig) phase(t *testing.T) string {
	t.Helper()
	var phase, side string
	err := r.conn.QueryRow(context.Background(), "SELECT phase || '/' || authoritative, '' FROM sluice.cutovers ORDER BY cutover_id DESC LIMIT 1").Scan(&phase, &side)
	if err != nil {
		t.Fatal(err)
	}
	return phase
}

func (r *cutoverRig) freezeArgs() []string {
	args := []string{"--freeze", "source", "--max-lag", "1h"}
	if r.srv.Engine == "postgres" {
		args = append(args, "--end-sessions")
	}
	return args
}

// syncAndVerify brings the target up to date and records a clean
// verification, as cutover's readiness wants.
func (r *cutoverRig) syncAndVerify(t *testing.T) {
	t.Helper()
	wantCode(t, r.in.run(t, "sync", "--catch-up", "--progress", "none"), 0)
	wantCode(t, r.in.run(t, "verify"), 0)
}

func testCutover(t *testing.T, engine string) {
	r := newCutoverRig(t, engine, "")
	r.syncAndVerify(t)
	check := r.in.run(t, "cutover", "--check", "--max-lag", "1h")
	wantCode(t, check, 0)
	if !strings.Contains(check.stdout, "ready for cutover") || strings.Contains(check.stdout, "FAIL") {
		t.Fatalf("checklist:\n%s", check)
	}

	ctx, cancel := processContext(t)
	defer cancel()
	// Two writers run through the freeze: one opening a session per
	// statement (on PostgreSQL, sessions starting while the freeze is set),
	// one keeping its session (which --end-sessions ends).
	w, pooled := &appWriter{r: r}, &appWriter{r: r, pooled: engine == "postgres"}
	wctx, stop := context.WithCancel(ctx)
	done, pooledDone := make(chan struct{}), make(chan struct{})
	go w.run(wctx, done)
	go pooled.run(wctx, pooledDone)
	for start := time.Now(); w.accepted.Load() < 20 || pooled.accepted.Load() < 20; time.Sleep(5 * time.Millisecond) {
		if time.Since(start) > 30*time.Second {
			t.Fatalf("the writers did not get going: %d and %d writes accepted, %d and %d refused",
				w.accepted.Load(), pooled.accepted.Load(), w.refused.Load(), pooled.refused.Load())
		}
	}
	res := r.in.run(t, append([]string{"cutover"}, r.freezeArgs()...)...)
	stop()
	<-done
	<-pooledDone
	wantCode(t, res, 0)
	if !strings.Contains(res.stdout, "the application may now point at it") || !strings.Contains(res.stdout, "write freeze: ") {
		t.Fatalf("cutover output:\n%s", res)
	}
	t.Logf("writers: %d+%d accepted, %d+%d refused; %s", w.accepted.Load(), pooled.accepted.Load(), w.refused.Load(), pooled.refused.Load(), strings.TrimSpace(res.stdout))
	if !strings.Contains(res.stderr, "proof before the freeze, pass 1: every row") {
		t.Errorf("cutover did not prove the rows before the freeze:\n%s", res.stderr)
	}
	if n := pgInt(t, r.conn, "SELECT count(*) FROM sluice.cutovers WHERE verify ? 'keys_read_under_freeze'"); n != 1 {
		t.Errorf("the cutover record does not say how many keys its proof read under the freeze")
	}
	if engine == "postgres" && !strings.Contains(res.stderr, "(app, ") {
		t.Errorf("cutover did not say it ended the application's session:\n%s", res.stderr)
	}
	r.checkEqual(t)
	if p := r.phase(t); p != "switched/target" {
		t.Fatalf("cutover record %q, want switched/target", p)
	}
	if err := w.exec(ctx, "INSERT INTO a (v) VALUES ('after')"); err == nil {
		t.Fatalf("the source accepted the application's write after the cutover")
	}
	status := r.in.run(t, "status")
	if !strings.Contains(status.stdout, "authoritative: the target") || !strings.Contains(status.stdout, "sources frozen by Sluice") {
		t.Fatalf("status after cutover:\n%s", status)
	}
	if n := pgInt(t, r.conn, "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"); n != 1 {
		t.Fatalf("%d slots on the target after cutover, want the reverse stream's", n)
	}

	r.writeOnTarget(t)
	wantCode(t, r.in.run(t, "sync", "--catch-up"), 0)
	r.checkEqual(t)
	if n := pgInt(t, r.conn, "SELECT count(*) FROM a WHERE legacy_id IS NULL"); n != 0 {
		t.Fatalf("%d rows inserted on the target got no legacy key from the source", n)
	}

	// More writes, which rollback itself writes back before its proof;
	// then a difference on the source, which the full proof finds.
	// The difference is on the row the application inserted on the target
	// first: its UUID is its own, and the proof pairs it by legacy key.
	own := pgLines(t, r.conn, "SELECT legacy_id::text FROM a WHERE v = 'on the target'")[0]
	r.writeOnTarget(t)
	r.setSource(t, own, "tampered")
	refused := r.in.run(t, "rollback", "--verify", "all")
	wantCode(t, refused, 7)
	if !strings.Contains(refused.stdout, "tampered") || !strings.Contains(refused.stderr, "both sides stay frozen") {
		t.Fatalf("rollback over a source that differs:\n%s", refused)
	}
	if p := r.phase(t); p != "rolling back/target" {
		t.Fatalf("a refused rollback left the record at %q", p)
	}
	r.setSource(t, own, "on the target")
	rb := r.in.run(t, "rollback", "--verify", "all")
	wantCode(t, rb, 0)
	if !strings.Contains(rb.stdout, "may point back") {
		t.Fatalf("rollback output:\n%s", rb)
	}
	if p := r.phase(t); p != "rolled back/sources" {
		t.Fatalf("after rollback the record says %q", p)
	}
	r.checkEqual(t)
	if n := pgInt(t, r.conn, "SELECT count(*) FROM a WHERE legacy_id IS NULL"); n != 0 {
		t.Fatalf("%d rows inserted on the target got no legacy key from the source", n)
	}
	if err := w.exec(ctx, "INSERT INTO a (v) VALUES ('back')"); err != nil {
		t.Fatalf("the source refuses the application after rollback: %v", err)
	}
	if err := w.exec(ctx, "UPDATE a SET v = 'updated on the source' WHERE id = "+own); err != nil {
		t.Fatalf("the source refuses the application after rollback: %v", err)
	}
	// Every level, the rows the application inserted on the target paired
	// by their legacy keys; then a second cutover, with its default proof.
	wantCode(t, r.in.run(t, "sync", "--catch-up", "--progress", "none"), 0)
	wantCode(t, r.in.run(t, "verify"), 0)
	r.checkEqual(t)
	wantCode(t, r.in.run(t, append([]string{"cutover"}, r.freezeArgs()...)...), 0)
	r.checkEqual(t)
	if p := r.phase(t); p != "switched/target" {
		t.Fatalf("second cutover: the record says %q", p)
	}
	if n := pgInt(t, r.conn, "SELECT count(*) FROM sluice.audit WHERE operation LIKE 'cutover.%'"); n < 10 {
		t.Errorf("%d cutover audit entries after two cutovers and a rollback", n)
	}
	wantCode(t, r.in.run(t, "rollback"), 0)
}

// setSource sets, as an administrator whom the freeze does not stop, the
// value of the source row with key id.
func (r *cutoverRig) setSource(t *testing.T, id, v string) {
	t.Helper()
	stmt := "UPDATE a SET v = '" + v + "' WHERE id = " + id
	if r.srv.Engine == "postgres" {
		stmt = "BEGIN READ WRITE; " + stmt + "; COMMIT"
	}
	if err := r.srv.ExecPrivate(r.db, stmt); err != nil {
		t.Fatal(err)
	}
}

// A cutover killed (SIGKILL) after each of its steps is recorded leaves a
// state from which both cutover (resume) and rollback work: no write the
// source accepted is lost, and no source is left frozen without status
// saying so.
func TestCutoverKilledAtEachStep(t *testing.T) {
	r := newCutoverRig(t, "mariadb", "")
	ctx, cancel := processContext(t)
	defer cancel()
	w := &appWriter{r: r}
	phases := []string{"checking", "frozen", "drained", "proven", "finished"}
	for i, phase := range phases {
		if err := w.exec(ctx, fmt.Sprintf("INSERT INTO a (v) VALUES ('before %s')", phase)); err != nil {
			t.Fatal(err)
		}
		r.syncAndVerify(t)
		killed := r.in.run(t, append([]string{"cutover", "--stop-after", phase}, r.freezeArgs()...)...)
		wantCode(t, killed, 128+9)
		if p := r.phase(t); p != phase+"/sources" {
			t.Fatalf("killed after %s: the record says %q", phase, p)
		}
		status := r.in.run(t, "status")
		frozen := phase != "checking"
		if strings.Contains(status.stdout, "sources frozen by Sluice") != frozen || !strings.Contains(status.stdout, "cutover stopped before its switch") {
			t.Fatalf("status after a kill at %s (frozen: %v):\n%s", phase, frozen, status)
		}
		if i%2 == 0 {
			res := r.in.run(t, append([]string{"cutover"}, r.freezeArgs()...)...)
			wantCode(t, res, 0)
			r.checkEqual(t)
			if p := r.phase(t); p != "switched/target" {
				t.Fatalf("resumed after %s: %q", phase, p)
			}
		}
		wantCode(t, r.in.run(t, "rollback"), 0)
		if err := w.exec(ctx, fmt.Sprintf("INSERT INTO a (v) VALUES ('after %s')", phase)); err != nil {
			t.Fatalf("after the kill at %s and rollback, the source refuses writes: %v", phase, err)
		}
	}
	r.syncAndVerify(t)
	r.checkEqual(t)
}

// A rollback killed (SIGKILL) after each of its steps is finished by
// running it again: each run is killed one step further, status meanwhile
// says which side is authoritative and that a rollback is unfinished, and
// cutover refuses; the last run finishes. Then every write the application
// made on the target is in the source, the source takes writes again and
// no source stays frozen. The same before the switch.
func TestRollbackKilledAtEachStep(t *testing.T) {
	r := newCutoverRig(t, "mariadb", "")
	w := &appWriter{r: r}
	r.syncAndVerify(t)
	wantCode(t, r.in.run(t, append([]string{"cutover"}, r.freezeArgs()...)...), 0)
	r.writeOnTarget(t)
	r.killRollbackAtEachStep(t, "the target", "rolling back", "target frozen", "reverse drained", "proven", "sources unfrozen")
	r.checkEqual(t)
	if n := pgInt(t, r.conn, "SELECT count(*) FROM a WHERE legacy_id IS NULL"); n != 0 {
		t.Fatalf("%d rows inserted on the target got no legacy key from the source", n)
	}
	r.wantWritable(t, w, "after the switch")
	status := r.in.run(t, "status")
	if !strings.Contains(status.stdout, "authoritative: the sources (cutover") || !strings.Contains(status.stdout, "rolled back since") ||
		!strings.Contains(status.stdout, "target frozen by Sluice since") || strings.Contains(status.stdout, "sources frozen by Sluice") {
		t.Fatalf("status after the rollback:\n%s", status)
	}

	r.syncAndVerify(t)
	wantCode(t, r.in.run(t, append([]string{"cutover", "--stop-after", "frozen"}, r.freezeArgs()...)...), 128+9)
	r.killRollbackAtEachStep(t, "the sources", "rolling back", "sources unfrozen")
	r.wantWritable(t, w, "before the switch")
	r.syncAndVerify(t)
	r.checkEqual(t)
}

// killRollbackAtEachStep runs rollback killed after each step in turn, then
// once to its end.
func (r *cutoverRig) killRollbackAtEachStep(t *testing.T, side string, steps ...string) {
	t.Helper()
	for _, step := range steps {
		wantCode(t, r.in.run(t, "rollback", "--stop-after", step), 128+9)
		status := r.in.run(t, "status")
		if !strings.Contains(status.stdout, "authoritative: "+side+" (cutover") || !strings.Contains(status.stdout, "a rollback stopped before it finished") {
			t.Fatalf("status after rollback was killed at %s:\n%s", step, status)
		}
		res := r.in.run(t, append([]string{"cutover"}, r.freezeArgs()...)...)
		wantCode(t, res, 7)
		if !strings.Contains(res.stderr, "run sluice rollback to finish it") {
			t.Fatalf("cutover after rollback was killed at %s:\n%s", step, res)
		}
	}
	wantCode(t, r.in.run(t, "rollback"), 0)
	if p := r.phase(t); p != "rolled back/sources" {
		t.Fatalf("after rollback the record says %q", p)
	}
}

// wantWritable checks that no source is left frozen and that the
// application writes to the source again.
func (r *cutoverRig) wantWritable(t *testing.T, w *appWriter, when string) {
	t.Helper()
	if n := pgInt(t, r.conn, "SELECT count(*) FROM sluice.freezes WHERE status <> 'thawed' AND source <> '(target)'"); n != 0 {
		t.Fatalf("rollback %s: %d sources still frozen", when, n)
	}
	if err := w.exec(context.Background(), "INSERT INTO a (v) VALUES ('after rollback')"); err != nil {
		t.Fatalf("rollback %s: the source refuses the application: %v", when, err)
	}
}

// Cutover refuses, changing nothing, when a table cannot be written back,
// and when the stream lags more than --max-lag; --check says the same.
func TestCutoverRefuses(t *testing.T) {
	r := newCutoverRig(t, "mariadb", "")
	if err := r.srv.ExecPrivate(r.db, "CREATE TABLE nokey (x int, y text); INSERT INTO nokey VALUES (1, 'a')"); err != nil {
		t.Fatal(err)
	}
	r.syncAndVerify(t)
	check := r.in.run(t, "cutover", "--check", "--max-lag", "1h")
	wantCode(t, check, 7)
	if !strings.Contains(check.stdout, "[FAIL] every table can be written back") || !strings.Contains(check.stdout, "src.nokey") {
		t.Fatalf("checklist with a table without a key:\n%s", check)
	}
	res := r.in.run(t, append([]string{"cutover"}, r.freezeArgs()...)...)
	wantCode(t, res, 7)
	if p := r.phase(t); p != "checking/sources" {
		t.Fatalf("a refused cutover recorded %q", p)
	}
	if n := pgInt(t, r.conn, "SELECT count(*) FROM sluice.freezes"); n != 0 {
		t.Fatalf("a refused cutover froze %d sources", n)
	}

	writeFile(t, r.in.dir, "sluice.yaml", strings.Replace(readFile(t, r.in.dir, "sluice.yaml"), "  src.a: {}\n", "  src.a: {}\n  src.nokey: {rollback: false}\n", 1))
	wantCode(t, r.in.run(t, "cutover", "--check", "--max-lag", "1h"), 0)
	if err := r.srv.ExecPrivate(r.db, "INSERT INTO a (v) VALUES ('late')"); err != nil {
		t.Fatal(err)
	}
	lag := r.in.run(t, "cutover", "--check", "--max-lag", "1ms")
	wantCode(t, lag, 7)
	if !strings.Contains(lag.stdout, "[FAIL] the lag is under 1ms") {
		t.Fatalf("checklist with a lagging stream:\n%s", lag)
	}
}

// Cutover and cutover --check refuse with exit 7, each naming the reason,
// and change nothing on either side (no source frozen, the cutover record
// no further than its readiness, the source writable), when a table failed,
// a conflict waits for a person, the source URL's user may not write back
// (SELECT and REPLICATION only), or a source column feeds only a computed
// column (its value cannot be written back).
func TestCutoverRefusesWhenNotReady(t *testing.T) {
	r := newCutoverRig(t, "mariadb", "")
	err := r.srv.ExecPrivate(r.db, "CREATE TABLE b (id int AUTO_INCREMENT PRIMARY KEY, w varchar(20)); "+
		"CREATE USER reader IDENTIFIED BY 'reader'; GRANT SELECT ON "+r.db+".* TO reader; GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO reader")
	if err != nil {
		t.Fatal(err)
	}
	r.syncAndVerify(t)
	config := readFile(t, r.in.dir, "sluice.yaml")
	readerURL := fmt.Sprintf("mysql://reader:reader@127.0.0.1:%d/%s", r.srv.Port, r.db)
	state := pgLines(t, r.conn, "SELECT state FROM sluice.tables WHERE id = 'src.a'")[0]
	w := &appWriter{r: r}
	for _, c := range []struct {
		name, want string
		set, undo  func()
	}{
		{"failed table", "[FAIL] no table failed",
			func() {
				r.exec(t, "UPDATE sluice.tables SET state = 'failed', message = 'broken by the test' WHERE id = 'src.a'")
			},
			func() { r.exec(t, "UPDATE sluice.tables SET state = '"+state+"', message = NULL WHERE id = 'src.a'") }},
		{"open conflict", "[FAIL] no open manual conflict",
			func() {
				r.exec(t, `INSERT INTO sluice.conflicts (target_schema, target_table, entity_column, entity, column_name,
					owner_source, owner_key, other_source, other_key, status) VALUES ('public', 'a', 'id', gen_random_uuid(), 'v', 'src', '1', 'src', '2', 'open')`)
			},
			func() { r.exec(t, "DELETE FROM sluice.conflicts") }},
		{"no write privilege", "[FAIL] the sources' users may write the target's changes back",
			func() { writeFile(t, r.in.dir, "sluice.yaml", strings.Replace(config, r.srv.URL(r.db), readerURL, 1)) },
			func() { writeFile(t, r.in.dir, "sluice.yaml", config) }},
		{"computed-only column", "source column w feeds only computed column shout",
			func() {
				writeFile(t, r.in.dir, "sluice.yaml", config+"  src.b:\n    columns:\n      w: {drop: true}\n    computed:\n      shout: {expr: 'w + \"!\"'}\n")
			},
			func() { writeFile(t, r.in.dir, "sluice.yaml", config) }},
	} {
		c.set()
		check := r.in.run(t, "cutover", "--check", "--max-lag", "1h")
		wantCode(t, check, 7)
		res := r.in.run(t, append([]string{"cutover"}, r.freezeArgs()...)...)
		wantCode(t, res, 7)
		for _, out := range []string{check.stdout, res.stdout} {
			if !strings.Contains(out, c.want) {
				t.Fatalf("%s: the checklist does not say %q:\n%s\n%s", c.name, c.want, check, res)
			}
		}
		if !strings.Contains(res.stderr, "nothing was changed on the sources") {
			t.Fatalf("%s: cutover's refusal:\n%s", c.name, res)
		}
		r.wantUnchanged(t, w, c.name)
		c.undo()
	}
	wantCode(t, r.in.run(t, "cutover", "--check", "--max-lag", "1h"), 0)
}

// exec runs SQL on the target.
func (r *cutoverRig) exec(t *testing.T, stmt string) {
	t.Helper()
	if _, err := r.conn.Exec(context.Background(), stmt); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}

// wantUnchanged checks that a refused cutover froze nothing, went no
// further than its readiness, and left the source writable.
func (r *cutoverRig) wantUnchanged(t *testing.T, w *appWriter, why string) {
	t.Helper()
	if n := pgInt(t, r.conn, "SELECT count(*) FROM sluice.freezes"); n != 0 {
		t.Fatalf("%s: a refused cutover froze %d sources", why, n)
	}
	if p := r.phase(t); p != "checking/sources" {
		t.Fatalf("%s: a refused cutover recorded %q", why, p)
	}
	if err := w.exec(context.Background(), "INSERT INTO a (v) VALUES ('after a refusal')"); err != nil {
		t.Fatalf("%s: the source refuses the application after a refused cutover: %v", why, err)
	}
}

func readFile(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// writeOnTarget writes as the application does after the cutover: an
// insert without a legacy key, an update, a delete.
func (r *cutoverRig) writeOnTarget(t *testing.T) {
	t.Helper()
	for _, stmt := range []string{
		"INSERT INTO a (id, v) VALUES (gen_random_uuid(), 'on the target')",
		"UPDATE a SET v = 'changed on the target ' || (random() * 1000000)::int WHERE legacy_id = 1",
		"DELETE FROM a WHERE legacy_id = (SELECT min(legacy_id) FROM a WHERE legacy_id > 1)",
	} {
		if _, err := r.conn.Exec(context.Background(), stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
}

// A PostgreSQL freeze without --end-sessions waits --session-wait for the
// sessions opened before it to end; one that stays open makes the cutover
// refuse, naming it (pid, application, client), and unfreeze the source.
// Once the session is gone the same command goes through.
func TestCutoverPostgresRefusesOpenSessions(t *testing.T) {
	r := newCutoverRig(t, "postgres", "")
	r.syncAndVerify(t)
	ctx, cancel := processContext(t)
	defer cancel()
	app := &appWriter{r: r, pooled: true}
	if err := app.exec(ctx, "INSERT INTO a (v) VALUES ('open session')"); err != nil {
		t.Fatal(err)
	}
	var pid int
	if err := app.conn.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}
	args := []string{"cutover", "--freeze", "source", "--max-lag", "1h", "--session-wait", "1s"}
	res := r.in.run(t, args...)
	wantCode(t, res, 7)
	for _, want := range []string{fmt.Sprintf("pid %d", pid), `application "app"`, "--end-sessions", "unfrozen"} {
		if !strings.Contains(res.stdout+res.stderr, want) {
			t.Fatalf("the refusal does not say %q:\n%s", want, res)
		}
	}
	if p := r.phase(t); p != "checking/sources" {
		t.Fatalf("after the refusal the record says %q", p)
	}
	if err := (&appWriter{r: r}).exec(ctx, "INSERT INTO a (v) VALUES ('new session after the refusal')"); err != nil {
		t.Fatalf("a new session cannot write after the refusal: %v", err)
	}
	if err := app.exec(ctx, "INSERT INTO a (v) VALUES ('old session after the refusal')"); err != nil {
		t.Fatalf("the open session cannot write after the refusal: %v", err)
	}
	app.conn.Close(ctx)
	r.syncAndVerify(t)
	wantCode(t, r.in.run(t, args...), 0)
	r.checkEqual(t)
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}
