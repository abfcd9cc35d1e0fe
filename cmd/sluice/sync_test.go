package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice/sluicetest"
)

// The end-to-end test of live sync, for each engine that captures: a
// private source server (so that it can be restarted), a seeded writer
// making inserts, updates (of keys too) and deletes in transactions of one
// to four statements while sync runs; sync killed with SIGKILL at random
// points (the first possibly during its initial copy), the source server
// killed and restarted once under a running sync; then sync --catch-up, and
// the target must equal the source through the mapping (keys: uuid with a
// renamed column, keys: keep, and a table without a key), verify and audit
// verify clean.
func TestSyncPostgres(t *testing.T) { testSync(t, "postgres") }

func TestSyncMariaDB(t *testing.T) { testSync(t, "mariadb") }

func testSync(t *testing.T, engine string) {
	srv := startSyncSource(t, engine)
	db, err := srv.CreateDatabase("sync")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.ExecPrivate(db, sluicetest.MixSchema); err != nil {
		t.Fatal(err)
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 2))
	w := &mixWriter{srv: srv, db: db, mix: sluicetest.NewMix(seed)}
	ctx, cancel := processContext(t)
	defer cancel()
	if err := w.write(ctx, 100); err != nil {
		t.Fatal(err)
	}
	tgtURL := sluicetest.NewPostgresDB(t)
	in := invocation{dir: t.TempDir()}
	writeFile(t, in.dir, "sluice.yaml", syncConfig(srv, db, tgtURL))
	conn, err := pgx.Connect(ctx, tgtURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())

	written := make(chan error, 1)
	go func() { written <- w.write(ctx, 1200) }()
	killSyncRepeatedly(t, in, conn, srv, rng, written)
	if err := <-written; err != nil {
		t.Fatal(err)
	}
	r := in.run(t, "sync", "--catch-up", "--progress", "none")
	wantCode(t, r, 0)
	checkSynced(t, srv, db, conn)
	wantCode(t, in.run(t, "verify"), 0)
	// Each killed sync's run was recorded as interrupted, with its run.end
	// entry, by the command after it: the trail is whole.
	wantCode(t, in.run(t, "audit", "verify"), 0)
}

func startSyncSource(t *testing.T, engine string) *sluicetest.PrivateServer {
	var srv *sluicetest.PrivateServer
	var err error
	if engine == "postgres" {
		srv, err = sluicetest.StartPrivatePostgres()
	} else {
		srv, err = sluicetest.StartPrivateMariaDB()
	}
	if err != nil {
		sluicetest.Unavailable(t, "a private "+engine+" server", err)
	}
	t.Cleanup(srv.Stop)
	return srv
}

func syncConfig(srv *sluicetest.PrivateServer, db, tgt string) string {
	capture := ""
	if srv.Engine == "postgres" {
		capture = "\n    capture:\n      replica_identity_full: true"
	}
	return fmt.Sprintf(`version: 1
sources:
  src:
    url: %s%s
target:
  url: %s
defaults:
  keys: uuid
tables:
  src.a:
    columns:
      v: {name: val}
  src.b:
    keys: keep
`, srv.URL(db), capture, tgt)
}

// killSyncRepeatedly starts sync and kills it three times: the first after
// a random moment (maybe during the copy), the others once the stream has
// applied a random number of changes more; during the second run it kills
// and restarts the source server, and that sync must ride it out.
func killSyncRepeatedly(t *testing.T, in invocation, conn *pgx.Conn, srv *sluicetest.PrivateServer, rng *rand.Rand, written chan error) {
	t.Helper()
	w := &watch{written: written}
	for i := range 3 {
		p := in.start(t, "sync", "--progress", "none")
		if i == 0 {
			time.Sleep(time.Duration(rng.IntN(1500)) * time.Millisecond)
		} else {
			w.waitForChanges(p, conn, int64(50+rng.IntN(300)))
		}
		if i == 1 && !p.exited() {
			srv.Kill()
			if err := srv.Start(); err != nil {
				t.Fatalf("restart the source: %v", err)
			}
			w.waitForChanges(p, conn, 20)
		}
		if p.exited() {
			t.Fatalf("sync ended by itself:\n%s", p.wait())
		}
		_ = p.signal(syscall.SIGKILL)
		if r := p.wait(); r.code != 128+int(syscall.SIGKILL) {
			t.Fatalf("sync killed with SIGKILL:\n%s", r)
		}
		waitForLockRelease(t, conn)
	}
}

// watch notices that the writer is done (and keeps its result).
type watch struct {
	written chan error
	done    bool
	err     error
}

func (w *watch) writing() bool {
	if !w.done {
		select {
		case w.err = <-w.written:
			w.done = true
			w.written <- w.err // for the test to read again
		default:
		}
	}
	return !w.done
}

// waitForChanges waits until the stream has applied n changes more than
// now, the process ended or the writer is done (no more changes come).
func (w *watch) waitForChanges(p *process, conn *pgx.Conn, n int64) {
	start := int64(-1)
	for !p.exited() && w.writing() {
		var changes int64
		err := conn.QueryRow(context.Background(), "SELECT coalesce(sum(changes), -1) FROM sluice.streams").Scan(&changes)
		if err == nil && changes >= 0 {
			if start < 0 {
				start = changes
			}
			if changes >= start+n {
				return
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// checkSynced compares every table of the source with the target through
// the mapping, and the stream's state.
func checkSynced(t *testing.T, srv *sluicetest.PrivateServer, db string, conn *pgx.Conn) {
	t.Helper()
	pairs := []struct{ source, target string }{
		{"SELECT CONCAT(id, '|', COALESCE(v, 'NULL')) FROM a", "SELECT CONCAT(legacy_id, '|', COALESCE(val, 'NULL')) FROM a"},
		{"SELECT CONCAT(k1, '|', k2, '|', COALESCE(v, -1)) FROM b", "SELECT CONCAT(k1, '|', k2, '|', COALESCE(v, -1)) FROM b"},
		{"SELECT CONCAT(x, '|', COALESCE(y, 'NULL')) FROM c", "SELECT CONCAT(x, '|', COALESCE(y, 'NULL')) FROM c"},
	}
	for _, p := range pairs {
		want := privateLines(t, srv, db, p.source)
		got := pgLines(t, conn, p.target)
		if !slices.Equal(got, want) {
			t.Errorf("%s: the target has %d rows, the source %d; first differences:\n%s", p.target, len(got), len(want), firstDiff(got, want))
		}
	}
	if t.Failed() {
		for _, line := range pgLines(t, conn, `SELECT seq || ' ' || operation || ' ' || details::text FROM sluice.audit
			WHERE operation LIKE 'stream.%' OR operation LIKE 'run.%' ORDER BY seq DESC LIMIT 40`) {
			t.Log(line)
		}
	}
	var state string
	var changes, stops int64
	err := conn.QueryRow(context.Background(), `SELECT state, changes, (SELECT count(*) FROM sluice.stream_stops) FROM sluice.streams`).Scan(&state, &changes, &stops)
	if err != nil || state != "caught up" || changes == 0 || stops != 0 {
		t.Errorf("stream state %q, %d changes, %d stopped tables, %v; want caught up, changes, none stopped", state, changes, stops, err)
	}
	// The UUID keys are the copy's: a row's key is computed from its legacy key.
	if n := pgInt(t, conn, "SELECT count(*) - count(DISTINCT legacy_id) FROM a"); n != 0 {
		t.Errorf("a has %d duplicate legacy keys", n)
	}
}

func pgLines(t *testing.T, conn *pgx.Conn, q string) []string {
	t.Helper()
	rows, _ := conn.Query(context.Background(), q)
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	slices.Sort(out)
	return out
}

func privateLines(t *testing.T, srv *sluicetest.PrivateServer, db, q string) []string {
	t.Helper()
	if srv.Engine == "postgres" {
		conn, err := pgx.Connect(context.Background(), srv.URL(db))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		return pgLines(t, conn, q)
	}
	h, err := sql.Open("mysql", fmt.Sprintf("root@tcp(127.0.0.1:%d)/%s", srv.Port, db))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	rows, err := h.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func firstDiff(got, want []string) string {
	var b strings.Builder
	only := func(a, b []string) []string {
		var out []string
		for _, x := range a {
			if _, found := slices.BinarySearch(b, x); !found {
				out = append(out, x)
			}
		}
		return out
	}
	fmt.Fprintf(&b, "only in the target: %v\nonly in the source: %v", head(only(got, want)), head(only(want, got)))
	return b.String()
}

func head(s []string) []string {
	if len(s) > 10 {
		return s[:10]
	}
	return s
}

// mixWriter applies a Mix's transactions to a private server, riding out
// its restart: a transaction that fails for a lost connection is tried
// again on a new one (a mix statement that then fails, such as an insert
// that had committed, is left: the test compares the source as it is).
type mixWriter struct {
	srv *sluicetest.PrivateServer
	db  string
	mix *sluicetest.Mix
	h   *sql.DB
	pg  *pgx.Conn
}

func (w *mixWriter) write(ctx context.Context, n int) error {
	defer w.close()
	for range n {
		tx := w.mix.Next()
		for attempt := 0; ; attempt++ {
			err := w.apply(ctx, tx.Statements)
			if err == nil || !lostConnection(err) {
				break
			}
			w.close()
			if attempt > 600 || ctx.Err() != nil {
				return fmt.Errorf("write to the source: %w", err)
			}
			time.Sleep(100 * time.Millisecond)
		}
		time.Sleep(time.Millisecond)
	}
	return nil
}

func lostConnection(err error) bool {
	msg := err.Error()
	for _, s := range []string{"connect", "closed", "EOF", "broken pipe", "reset", "shutting down", "terminating", "invalid connection", "bad connection", "starting up", "recovery"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

func (w *mixWriter) apply(ctx context.Context, stmts []string) error {
	if w.srv.Engine == "postgres" {
		return w.applyPostgres(ctx, stmts)
	}
	if w.h == nil {
		h, err := sql.Open("mysql", fmt.Sprintf("root@tcp(127.0.0.1:%d)/%s", w.srv.Port, w.db))
		if err != nil {
			return err
		}
		w.h = h
	}
	tx, err := w.h.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			tx.Rollback()
			return err
		}
	}
	return tx.Commit()
}

func (w *mixWriter) applyPostgres(ctx context.Context, stmts []string) error {
	if w.pg == nil {
		conn, err := pgx.Connect(ctx, w.srv.URL(w.db))
		if err != nil {
			return err
		}
		w.pg = conn
	}
	return pgx.BeginFunc(ctx, w.pg, func(tx pgx.Tx) error {
		for _, s := range stmts {
			if _, err := tx.Exec(ctx, s); err != nil {
				return err
			}
		}
		return nil
	})
}

func (w *mixWriter) close() {
	if w.h != nil {
		w.h.Close()
		w.h = nil
	}
	if w.pg != nil {
		w.pg.Close(context.Background())
		w.pg = nil
	}
}
