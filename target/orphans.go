package target

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"syscall"
	"time"
)

// A Sluice killed while the target built an index or validated a foreign key
// leaves that statement running: the server notices that its client is gone
// only when the statement ends. The next run would then wait on its locks,
// or race it for the index's name ("duplicate key value violates unique
// constraint pg_class_relname_nsp_index"). So a run that holds the migration
// lock first ends such sessions.

// Orphan is a statement a dead Sluice left running on the target.
type Orphan struct {
	PID   int    // the backend's process id
	App   string // its application_name: "sluice pid=... host=..."
	Query string // the start of the statement
	Ended bool   // terminated, rather than finished on its own while waited for
}

func (o Orphan) String() string {
	return fmt.Sprintf("backend %d of %q running %q", o.PID, o.App, o.Query)
}

// orphansSQL finds the sessions of this database named by another Sluice
// process (nameSession) that are running a statement that writes, and
// whose process holds no advisory lock here: a live migrate holds the
// migration lock and its run's, and this run holds the migration lock, so
// no other live migrate can be writing.
const orphansSQL = `SELECT a.pid, a.application_name, left(a.query, 120)
	FROM pg_stat_activity a
	WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
	  AND a.backend_type = 'client backend' AND a.state <> 'idle'
	  AND a.application_name LIKE 'sluice pid=%' AND a.application_name <> $1
	  AND a.query ~* '^\s*(CREATE|ALTER|DROP|TRUNCATE|INSERT|UPDATE|DELETE|COPY|MERGE)\M'
	  AND NOT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_stat_activity h ON h.pid = l.pid
		WHERE l.locktype = 'advisory' AND l.granted AND h.application_name = a.application_name)
	ORDER BY a.pid`

// EndOrphans finds the statements dead Sluice processes left running on
// the target, waits up to wait for them to finish, then terminates those
// still running, and returns them all. Call it holding the migration lock.
// A session whose process still runs on this host is never touched.
func (t *Target) EndOrphans(ctx context.Context, wait time.Duration) ([]Orphan, error) {
	found, err := t.orphans(ctx)
	if err != nil || len(found) == 0 {
		return nil, err
	}
	deadline := time.Now().Add(wait)
	left := found
	for len(left) > 0 && time.Now().Before(deadline) {
		if err := sleep(ctx, 250*time.Millisecond); err != nil {
			return found, err
		}
		if left, err = t.orphans(ctx); err != nil {
			return found, err
		}
	}
	for _, o := range left {
		if _, err := t.exec(ctx, "SELECT pg_terminate_backend($1, 10000)", o.PID); err != nil {
			return found, fmt.Errorf("end %s on %s: %w", o, t.where, err)
		}
		markEnded(found, o.PID)
	}
	return found, nil
}

func markEnded(found []Orphan, pid int) {
	for i := range found {
		if found[i].PID == pid {
			found[i].Ended = true
		}
	}
}

func (t *Target) orphans(ctx context.Context) ([]Orphan, error) {
	var out []Orphan
	err := t.do(ctx, func() error {
		out = nil
		rows, err := t.pool.Query(ctx, orphansSQL, t.pool.Config().ConnConfig.RuntimeParams["application_name"])
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var o Orphan
			if err := rows.Scan(&o.PID, &o.App, &o.Query); err != nil {
				return err
			}
			if !aliveHere(o.App) {
				out = append(out, o)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("look for statements a killed sluice left running on %s: %w", t.where, err)
	}
	return out, nil
}

var appName = regexp.MustCompile(`^sluice pid=(\d+) host=(.*)$`)

// aliveHere reports whether the process an application_name names runs on
// this host still.
func aliveHere(app string) bool {
	m := appName.FindStringSubmatch(app)
	host, _ := os.Hostname()
	if m == nil || m[2] != host {
		return false
	}
	pid, err := strconv.Atoi(m[1])
	if err != nil {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || err == syscall.EPERM
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
