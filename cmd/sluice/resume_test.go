package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice/sluicetest"
)

// The big source: MySQL Customers (300,000 rows) and Orders (200,000 rows,
// a foreign key to Customers), loaded in chunks of 5,000 by 2 workers, so
// that a run lasts seconds and can be stopped at chosen points.
func TestStopAndResume(t *testing.T) {
	t.Parallel()
	script, err := os.ReadFile(filepath.Join("testdata", "big_mysql.sql"))
	if err != nil {
		t.Fatalf("read the big source script: %v", err)
	}
	src := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, src, string(script))
	counts := sourceCounts(t, src)
	t.Run("kill -9 and resume", func(t *testing.T) {
		t.Parallel()
		testKillAndResume(t, src, counts)
	})
	t.Run("interrupt and resume", func(t *testing.T) {
		t.Parallel()
		testInterrupt(t, src, counts)
	})
}

// sourceCounts are the row counts of the big source, by target table.
func sourceCounts(t *testing.T, src string) map[string]string {
	t.Helper()
	got := sqlStrings(t, mysqlDB(t, src), `SELECT CONCAT('customers=', COUNT(*)) FROM Customers
		UNION ALL SELECT CONCAT('orders=', COUNT(*)) FROM Orders`)
	counts := map[string]string{}
	for _, kv := range got {
		k, v, _ := strings.Cut(kv, "=")
		counts[k] = v
	}
	if counts["customers"] != "300000" || counts["orders"] != "200000" {
		t.Fatalf("the big source holds %v, want 300000 customers and 200000 orders", counts)
	}
	return counts
}

// bigConfig writes the config migrating src into target, in its own
// directory, and returns how to run sluice there.
func bigConfig(t *testing.T, src, target string) invocation {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, dir, "sluice.yaml", `version: 1
sources:
  shop:
    url: `+src+`
target:
  url: `+target+`
defaults:
  keys: uuid
  chunk_rows: 5000
  workers: 2
`)
	return invocation{dir: dir}
}

// runProgress is what the target's state schema shows of a run.
type runProgress struct {
	tables, chunks, loaded, indexed, done int64
}

func readProgress(conn *pgx.Conn) (runProgress, bool) {
	var p runProgress
	err := conn.QueryRow(context.Background(), `SELECT
		(SELECT count(*) FROM sluice.tables), (SELECT count(*) FROM sluice.chunks),
		(SELECT count(*) FROM sluice.tables WHERE state = 'loaded'),
		(SELECT count(*) FROM sluice.tables WHERE state = 'indexed'),
		(SELECT count(*) FROM sluice.tables WHERE state = 'done')`).
		Scan(&p.tables, &p.chunks, &p.loaded, &p.indexed, &p.done)
	return p, err == nil // before the state schema exists, nothing to see
}

// killPoint is a moment to kill the run at: fire says it has come; passed
// says it can no longer come in this migration, so it is skipped.
type killPoint struct {
	name   string
	must   bool // the run is slow enough that this point is always reached
	fire   func(runProgress) bool
	passed func(runProgress) bool
}

var killPoints = []killPoint{
	{name: "tables created, no chunk committed yet",
		fire:   func(p runProgress) bool { return p.tables > 0 && p.chunks == 0 },
		passed: func(p runProgress) bool { return p.chunks > 0 }},
	{name: "after the first chunks", must: true,
		fire:   func(p runProgress) bool { return p.chunks >= 3 },
		passed: func(runProgress) bool { return false }},
	{name: "in the middle of both tables", must: true,
		fire:   func(p runProgress) bool { return p.chunks >= 45 },
		passed: func(runProgress) bool { return false }},
	{name: "a table loaded, building its keys and indexes",
		fire:   func(p runProgress) bool { return p.loaded > 0 },
		passed: func(p runProgress) bool { return p.indexed+p.done == 2 }},
	{name: "every table indexed, adding foreign keys",
		fire:   func(p runProgress) bool { return p.indexed == 2 },
		passed: func(p runProgress) bool { return p.done > 0 }},
}

// Kill -9 at several points of a migration, rerun each time, and the target
// ends identical to an uninterrupted migration's: the same tables,
// constraints and indexes, the same rows byte for byte, the same ledger
// with chunks 1..n and no gap or duplicate.
func testKillAndResume(t *testing.T, src string, counts map[string]string) {
	targetA, targetB := sluicetest.NewPostgresDB(t), sluicetest.NewPostgresDB(t)
	runA := bigConfig(t, src, targetA).start(t, "migrate", "--progress", "none")
	inB := bigConfig(t, src, targetB)
	connB := pgConn(t, targetB)
	killed := killRepeatedly(t, inB, connB)
	final := inB.run(t, "migrate", "--progress", "none")
	wantCode(t, final, 0)
	t.Logf("killed at: %s", strings.Join(killed, "; "))
	for _, kp := range killPoints {
		if kp.must && !slices.Contains(killed, kp.name) {
			t.Errorf("the run was never killed %s", kp.name)
		}
	}
	runs := pgRows(t, connB, "SELECT status FROM sluice.runs ORDER BY run_id")
	want := append(slices.Repeat([]string{"interrupted"}, len(killed)), "ok")
	if !slices.Equal(runs, want) {
		t.Errorf("after %d kills and a run to the end, sluice.runs holds %q, want %q", len(killed), runs, want)
	}
	a := runA.wait()
	wantCode(t, a, 0)
	connA := pgConn(t, targetA)
	checkAgainstSource(t, src, connA)
	checkLedger(t, connB, counts)
	checkSameTarget(t, connA, connB)
}

// killRepeatedly runs migrate and kills it at each kill point in turn; a run
// that finishes before the next point is reached ends the sequence. It
// returns the points where a run was killed.
func killRepeatedly(t *testing.T, in invocation, conn *pgx.Conn) []string {
	t.Helper()
	var killed []string
	points := killPoints
	for len(points) > 0 {
		p := in.start(t, "migrate", "--progress", "none")
		var kp killPoint
		kp, points = waitForPoint(p, conn, points)
		if p.exited() {
			wantCode(t, p.wait(), 0)
			t.Logf("the run finished before: %s", kp.name)
			return killed
		}
		_ = p.signal(syscall.SIGKILL)
		if r := p.wait(); r.code == 128+int(syscall.SIGKILL) {
			killed = append(killed, kp.name)
			waitForLockRelease(t, conn)
			checkKilledRunInterrupted(t, in)
		} else {
			wantCode(t, r, 0) // it finished just before the signal
			waitForLockRelease(t, conn)
		}
	}
	return killed
}

// waitForPoint polls the target until the first of points fires (skipping
// those that have passed) or the process ends. It returns the point and
// the points after it.
func waitForPoint(p *process, conn *pgx.Conn, points []killPoint) (killPoint, []killPoint) {
	for !p.exited() {
		if pr, ok := readProgress(conn); ok {
			for len(points) > 1 && points[0].passed(pr) {
				points = points[1:]
			}
			if points[0].fire(pr) {
				return points[0], points[1:]
			}
		}
		time.Sleep(3 * time.Millisecond)
	}
	return points[0], points[1:]
}

// checkRunCounts asserts that the summary of run runID gives, for each
// table, the rows read and the chunks that run committed in the ledger, not
// nothing (an interrupted run) and not the whole table (a resumed one); a
// table it stopped in says stopped.
func checkRunCounts(t *testing.T, out string, conn *pgx.Conn, runID int, stopped string) {
	t.Helper()
	lines := tableLines(out, "shop.")
	ledger := pgRows(t, conn, `SELECT table_id || ' ' || coalesce(sum(rows_read), 0) || ' ' || count(*)
		FROM sluice.chunks WHERE run_id = $1 GROUP BY table_id`, runID)
	if len(ledger) == 0 {
		t.Fatalf("run %d committed no chunk", runID)
	}
	for _, l := range ledger {
		f := strings.Fields(l)
		got := lines[f[0]]
		// source table, target, source rows, read, loaded, rejected, filtered, chunks, time
		if len(got) < 9 || got[3] != f[1] || got[4] != f[1] || got[7] != f[2] {
			t.Errorf("run %d: the summary line of %s is %q; its ledger holds %s rows in %s chunks of this run\n%s", runID, f[0], got, f[1], f[2], out)
		}
		if stopped != "" && got[len(got)-1] != stopped && !strings.HasSuffix(got[len(got)-1], "s") {
			t.Errorf("run %d: %s ends %q, want %s or its time", runID, f[0], got[len(got)-1], stopped)
		}
	}
	if stopped != "" && !strings.Contains(out, " "+stopped) {
		t.Errorf("run %d: no table of the interrupted run says %s:\n%s", runID, stopped, out)
	}
}

// checkKilledRunInterrupted: once its session is gone, status shows a
// killed run as interrupted (and says so once), not as running.
func checkKilledRunInterrupted(t *testing.T, in invocation) {
	t.Helper()
	s := in.run(t, "status")
	wantCode(t, s, 0)
	first, _, _ := strings.Cut(s.stdout, "\n")
	if !strings.Contains(first, ": interrupted, finished ") || strings.Contains(first, "running") {
		t.Errorf("status of a run killed with SIGKILL begins %q, want it interrupted:\n%s", first, s.stdout)
	}
}

// waitForLockRelease waits until the server has noticed that the killed
// process is gone and dropped its migration lock: sluice refuses to start
// while the lock is held rather than wait, as documented.
func waitForLockRelease(t *testing.T, conn *pgx.Conn) {
	t.Helper()
	for range 1000 {
		if pgInt(t, conn, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted
			AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`) == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the killed run's migration lock is still held after 10s")
}

// checkLedger asserts that the ledger of every table is chunks 1..n of one
// generation, each starting after the previous one's last key, that the
// loaded rows add up to the source's and every table is done.
func checkLedger(t *testing.T, conn *pgx.Conn, counts map[string]string) {
	t.Helper()
	got := pgRows(t, conn, `SELECT target_table, state, rows_source, rows_loaded, rows_rejected, chunks_done,
			(SELECT count(*) FROM sluice.chunks c WHERE c.table_id = t.id),
			(SELECT count(DISTINCT generation) FROM sluice.chunks c WHERE c.table_id = t.id),
			(SELECT min(chunk_no) || '..' || max(chunk_no) FROM sluice.chunks c WHERE c.table_id = t.id),
			(SELECT sum(rows_loaded) FROM sluice.chunks c WHERE c.table_id = t.id)
		FROM sluice.tables t ORDER BY target_table`)
	want := []string{
		"customers | done | " + counts["customers"] + " | " + counts["customers"] + " | 0 | 60 | 60 | 1 | 1..60 | " + counts["customers"],
		"orders | done | " + counts["orders"] + " | " + counts["orders"] + " | 0 | 40 | 40 | 1 | 1..40 | " + counts["orders"],
	}
	if !slices.Equal(got, want) {
		t.Errorf("the ledger shows\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	gaps := pgInt(t, conn, `SELECT count(*) FROM sluice.chunks c
		LEFT JOIN sluice.chunks p ON p.table_id = c.table_id AND p.generation = c.generation AND p.chunk_no = c.chunk_no - 1
		WHERE c.chunk_no > 1 AND c.after_key IS DISTINCT FROM p.last_key`)
	if gaps != 0 {
		t.Errorf("%d chunks do not start where the previous one ended", gaps)
	}
}

// checkSameTarget asserts that two targets hold the same tables, columns,
// constraints, indexes, rows and ledger.
func checkSameTarget(t *testing.T, a, b *pgx.Conn) {
	t.Helper()
	queries := []string{
		`SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
			WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
		`SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated FROM pg_constraint
			WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`,
		`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`,
		`SELECT table_id, generation, chunk_no, after_key, last_key, rows_read, rows_loaded, rows_rejected
			FROM sluice.chunks ORDER BY 1, 2, 3`,
		`SELECT 'customers', count(*), md5(string_agg(t::text, '|' ORDER BY legacy_id)) FROM customers t`,
		`SELECT 'orders', count(*), md5(string_agg(t::text, '|' ORDER BY legacy_id)) FROM orders t`,
	}
	for _, q := range queries {
		ra, rb := pgRows(t, a, q), pgRows(t, b, q)
		if len(ra) == 0 {
			t.Errorf("the uninterrupted target has nothing for %s", q)
		}
		if !slices.Equal(ra, rb) {
			t.Errorf("the targets differ for %s\nonly uninterrupted:\n%s\nonly killed and resumed:\n%s", q,
				strings.Join(without(ra, rb), "\n"), strings.Join(without(rb, ra), "\n"))
		}
	}
}

// without is the rows of a that are not in b.
func without(a, b []string) []string {
	var out []string
	for _, r := range a {
		if !slices.Contains(b, r) {
			out = append(out, r)
		}
	}
	return out
}

// checkAgainstSource compares a digest of every value of every row, and the
// foreign keys' legacy values, between the MySQL source and a target, so
// the comparison of two targets cannot pass on two equally wrong copies.
func checkAgainstSource(t *testing.T, src string, conn *pgx.Conn) {
	t.Helper()
	db := mysqlDB(t, src)
	const mysqlDigest = `BIT_XOR(CAST(CONV(SUBSTR(MD5(CONCAT_WS('|', %s)), 1, 15), 16, 10) AS UNSIGNED))`
	const pgDigest = `bit_xor(('x' || substr(md5(concat_ws('|', %s)), 1, 15))::bit(60)::bigint)`
	customers := []string{
		"CustomerID", "Name", "COALESCE(Notes, '<null>')", "COALESCE(Balance, '<null>')",
		"COALESCE(CreatedAt, '<null>')", "IsActive",
	}
	pgCustomers := []string{
		"legacy_id", "name", "coalesce(notes, '<null>')", "coalesce(balance::text, '<null>')",
		"coalesce(created_at::text, '<null>')", "is_active::int",
	}
	orders := []string{"OrderID", "COALESCE(CustomerID, '<null>')", "Item", "Quantity", "COALESCE(Comment, '<null>')"}
	pgOrders := []string{"o.legacy_id", "coalesce(c.legacy_id::text, '<null>')", "item", "quantity", "coalesce(comment, '<null>')"}
	got := pgRows(t, conn, `SELECT count(*), `+sprintf(pgDigest, pgCustomers)+` FROM customers
		UNION ALL SELECT count(*), `+sprintf(pgDigest, pgOrders)+` FROM orders o LEFT JOIN customers c USING (customer_id)`)
	want := sqlStrings(t, db, `SELECT CONCAT(COUNT(*), ' | ', `+sprintf(mysqlDigest, customers)+`) FROM Customers
		UNION ALL SELECT CONCAT(COUNT(*), ' | ', `+sprintf(mysqlDigest, orders)+`) FROM Orders`)
	if !slices.Equal(got, want) {
		t.Errorf("the target's rows differ from the source's: target %q, source %q", got, want)
	}
}

func sprintf(format string, cols []string) string {
	return strings.Replace(format, "%s", strings.Join(cols, ", "), 1)
}

// A first Ctrl-C stops the run gracefully: exit code 130, the "rerun to
// resume" line, the run recorded as interrupted; the rerun completes it.
func testInterrupt(t *testing.T, src string, counts map[string]string) {
	target := sluicetest.NewPostgresDB(t)
	in := bigConfig(t, src, target)
	conn := pgConn(t, target)
	p := in.start(t, "migrate", "--progress", "log")
	mid := killPoint{name: "after 5 chunks", fire: func(p runProgress) bool { return p.chunks >= 5 }}
	if waitForPoint(p, conn, []killPoint{mid}); p.exited() {
		t.Fatalf("the run ended before 5 chunks were loaded: %s", p.wait())
	}
	_ = p.signal(syscall.SIGINT)
	r := p.wait()
	wantCode(t, r, 130)
	if !strings.Contains(r.stderr, "sluice: interrupted; committed chunks are kept, run the same command again to resume") {
		t.Errorf("no rerun-to-resume line:\n%s", r)
	}
	runs := pgRows(t, conn, "SELECT status FROM sluice.runs ORDER BY run_id")
	if !slices.Equal(runs, []string{"interrupted"}) {
		t.Errorf("sluice.runs holds %q, want one interrupted run", runs)
	}
	if n := pgInt(t, conn, "SELECT count(*) FROM sluice.chunks"); n >= 100 {
		t.Errorf("the interrupted run committed all %d chunks: it was not interrupted mid-load", n)
	}
	checkRunCounts(t, r.stdout, conn, 1, "stopped")
	again := in.run(t, "migrate", "--progress", "none")
	wantCode(t, again, 0)
	checkRunCounts(t, again.stdout, conn, 2, "")
	if !strings.Contains(again.stdout, "by earlier runs") {
		t.Errorf("the resumed run does not say what earlier runs had committed:\n%s", again.stdout)
	}
	checkLedger(t, conn, counts)
}
