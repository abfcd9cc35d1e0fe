package target

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// LockedError says that another process holds the migration lock.
type LockedError struct {
	Name   string
	Holder string // application_name and backend of the holder, when visible
}

func (e *LockedError) Error() string {
	msg := fmt.Sprintf("another sluice process is migrating this target (lock %q is taken", e.Name)
	if e.Holder != "" {
		msg += " by " + e.Holder
	}
	return msg + "); wait for it to finish or stop it, then run again"
}

// Lock takes the session advisory lock name on a connection of its own, held
// until release is called (or the process dies), so that two migrations on
// the same target never overlap. A lock held elsewhere is a *LockedError,
// after a short wait: the session of a process that just ended or was killed
// lets go of its locks a moment after the process is gone.
func (t *Target) Lock(ctx context.Context, name string) (release func(), err error) {
	pc, err := t.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock %q on %s: %w", name, t.where, err)
	}
	conn := pc.Hijack() // the pool must neither reuse nor wait for this session
	err = tryLock(ctx, conn, name)
	if err != nil {
		closeQuietly(conn)
		return nil, fmt.Errorf("lock %q on %s: %w", name, t.where, err)
	}
	var once sync.Once
	return func() { once.Do(func() { unlock(conn, name) }) }, nil
}

// lockReleaseWait bounds the unlock and close of a lock's session.
const lockReleaseWait = 5 * time.Second

// lockWait is how long Lock waits for a lock another session holds.
const lockWait = 3 * time.Second

func tryLock(ctx context.Context, conn *pgx.Conn, name string) error {
	deadline := time.Now().Add(lockWait)
	for {
		var got bool
		err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock(hashtextextended($1, 0))", lockKeyText(name)).Scan(&got)
		if err != nil || got {
			return err
		}
		if time.Now().After(deadline) {
			return &LockedError{Name: name, Holder: lockHolder(ctx, conn, name)}
		}
		select {
		case <-time.After(100 * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// unlock releases the lock before ending the session: closing alone lets the
// server release it only once the backend has exited, a moment later, and a
// run that follows at once would find it still taken.
func unlock(conn *pgx.Conn, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), lockReleaseWait)
	defer cancel()
	_, _ = conn.Exec(ctx, "SELECT pg_advisory_unlock(hashtextextended($1, 0))", lockKeyText(name))
	closeQuietly(conn)
}

func lockKeyText(name string) string { return "sluice.lock:" + name }

// closeQuietly ends the session, which releases its advisory locks.
func closeQuietly(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = conn.Close(ctx)
}

// lockHolder describes the session that holds the lock, best effort: a role
// without pg_read_all_stats sees no application_name of other users.
// pg_locks lists the advisory locks of every database, and an advisory lock
// is one database's: the same lock held in another database of the server
// is another migration's.
func lockHolder(ctx context.Context, conn *pgx.Conn, name string) string {
	var app, client string
	var pid int
	var since time.Time
	err := conn.QueryRow(ctx, `
		SELECT coalesce(a.application_name, ''), a.pid, coalesce(host(a.client_addr), 'local'), a.backend_start
		FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
		WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
		  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
		  AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended($1, 0)
		LIMIT 1`, lockKeyText(name)).Scan(&app, &pid, &client, &since)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%q (backend pid %d from %s, connected %s)", app, pid, client, since.UTC().Format(time.RFC3339))
}
