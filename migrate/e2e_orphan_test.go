package migrate_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
)

// A Sluice killed while the target ran one of its statements leaves that
// statement running. Here a process named as Sluice names its sessions
// starts an index build that never ends on a table a run was loading, and
// is killed; the rerun finds the statement, ends it, and finishes. Without
// that it would wait on the build's lock until the test's deadline.
func TestRerunEndsStatementsOfAKilledSluice(t *testing.T) {
	t.Parallel()
	psql, err := exec.LookPath("psql")
	if err != nil {
		sluicetest.Unavailable(t, "psql", err)
	}
	ctx, cancel := testContext(t)
	defer cancel()
	source := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, source, faultScript())
	direct := sluicetest.NewPostgresDB(t)
	e := newEnv(t, fmt.Sprintf("version: 1\nsources:\n  legacy: {url: %q}\ntarget: {url: %q}\ndefaults: {chunk_rows: 500}\n", source, direct))

	interruptAfterChunks(t, e, 4)
	sluicetest.ExecPostgres(t, direct, `CREATE FUNCTION public.never_done(int) RETURNS int LANGUAGE plpgsql IMMUTABLE
		AS $$ BEGIN PERFORM pg_sleep(3600); RETURN $1; END $$;`)
	pid := startAndKill(t, ctx, e, psql, direct, `CREATE INDEX orphan_idx ON public.children (public.never_done(id))`)

	var mu sync.Mutex
	var said []string
	p := &probe{onPhase: func(msg string) { mu.Lock(); said = append(said, msg); mu.Unlock() }}
	if _, err := e.run(ctx, migrate.Options{Observer: p, OrphanWait: 500 * time.Millisecond}); err != nil {
		t.Fatalf("the rerun failed: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(strings.Join(said, "\n"), fmt.Sprintf("backend %d of", pid)) {
		t.Errorf("the run did not say that it ended backend %d; it said:\n%s", pid, strings.Join(said, "\n"))
	}
	if n := e.int64(t, "SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid); n != 0 {
		t.Errorf("backend %d still runs", pid)
	}
	compareTable(t, e, e.table(t, "parents"))
	compareTable(t, e, e.table(t, "children"))
	checkLedger(t, e, "legacy.children", faultChildren)
}

// testContext ends a little before the test's deadline, so that a run that
// hangs fails the test with a message rather than the whole binary.
func testContext(t *testing.T) (context.Context, context.CancelFunc) {
	deadline, ok := t.Deadline()
	if !ok {
		return context.WithCancel(context.Background())
	}
	return context.WithDeadline(context.Background(), deadline.Add(-30*time.Second))
}

// interruptAfterChunks runs the migration and cancels it once n chunks
// committed: children is left loading.
func interruptAfterChunks(t *testing.T, e *env, n int64) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := &probe{onChunk: func(id string, done int64) {
		if done >= n {
			cancel()
		}
	}}
	if _, err := e.run(ctx, migrate.Options{Observer: p, Workers: 1}); !errors.Is(err, sluice.ErrInterrupted) {
		t.Fatalf("the interrupted run returned %v, want sluice.ErrInterrupted", err)
	}
	if st, err := e.tgt.TableState(context.Background(), "legacy.children"); err != nil || st == nil || st.State == "done" {
		t.Fatalf("children after the interrupted run: %+v, %v; want it unfinished", st, err)
	}
}

// startAndKill runs stmt with psql under a Sluice session name, waits until
// the target runs it, kills psql with SIGKILL and returns the backend's pid,
// which still runs the statement.
func startAndKill(t *testing.T, ctx context.Context, e *env, psql, dbURL, stmt string) int {
	t.Helper()
	host, _ := os.Hostname()
	// exec keeps the shell's pid, so the name holds psql's own pid.
	script := fmt.Sprintf(`PGAPPNAME="sluice pid=$$ host=%s" exec %s -X -q -d "$1" -c "$2"`, host, psql)
	cmd := exec.Command("sh", "-c", script, "sh", dbURL, stmt)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start psql: %v", err)
	}
	var pid int
	for pid == 0 {
		err := e.db.QueryRow(ctx, `SELECT coalesce(max(pid), 0) FROM pg_stat_activity
			WHERE application_name = $1 AND state = 'active'`, fmt.Sprintf("sluice pid=%d host=%s", cmd.Process.Pid, host)).Scan(&pid)
		if err != nil {
			t.Fatalf("wait for the statement to start: %v", err)
		}
		if pid == 0 {
			time.Sleep(50 * time.Millisecond)
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatalf("kill psql: %v", err)
	}
	_ = cmd.Wait()
	if n := e.int64(t, "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND state = 'active'", pid); n != 1 {
		t.Fatalf("backend %d stopped with its client; the test needs it running", pid)
	}
	return pid
}
