package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sluicedb/sluice"
)

var _ sluice.Freezer = (*Source)(nil)

// readOnlySetting is the database setting a freeze turns on.
const readOnlySetting = "default_transaction_read_only"

// The notes every PostgreSQL freeze carries: the setting is a default that
// new sessions take, not a lock.
const (
	noteNewSessions = "ALTER DATABASE ... SET default_transaction_read_only = on applies to sessions opened after it: sessions opened before keep writing (listed as writers) unless they are ended"
	noteOverride    = "a session can still write after SET default_transaction_read_only = off or SET TRANSACTION READ WRITE, and a role or role-and-database setting of it overrides the database's"
	noteThaw        = "sessions opened during the freeze stay read-only after it until they reconnect"
)

// FrozenState reads the database's default_transaction_read_only setting
// ("" when it has none) and lists the other client sessions of the
// database, which keep the default they began with.
func (s *Source) FrozenState(ctx context.Context) (sluice.FreezeState, error) {
	w, err := s.writer(ctx)
	if err != nil {
		return sluice.FreezeState{}, err
	}
	st, err := s.frozenState(ctx, w, time.Time{})
	if err != nil {
		return sluice.FreezeState{}, classify(fmt.Errorf("read the read-only state of source %s: %w", s.name, err))
	}
	return st, nil
}

// frozenState lists as writers the sessions begun before since (every
// other session when since is zero).
func (s *Source) frozenState(ctx context.Context, w *pgxpool.Pool, since time.Time) (sluice.FreezeState, error) {
	value, err := databaseSetting(ctx, w)
	if err != nil {
		return sluice.FreezeState{}, err
	}
	st := sluice.FreezeState{Settings: map[string]string{readOnlySetting: value}, Frozen: isTrue(value),
		Notes: []string{noteNewSessions, noteOverride, noteThaw}}
	st.Writers, err = s.otherSessions(ctx, w, since)
	return st, err
}

// databaseSetting is the database's own value of default_transaction_read_only,
// "" when the database sets none.
func databaseSetting(ctx context.Context, w *pgxpool.Pool) (string, error) {
	const q = `SELECT coalesce((SELECT substr(c, length($1) + 2) FROM pg_db_role_setting s, unnest(s.setconfig) c
		WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
		AND s.setrole = 0 AND c LIKE $1 || '=%'), '')`
	var value string
	if err := w.QueryRow(ctx, q, readOnlySetting).Scan(&value); err != nil {
		return "", fmt.Errorf("read the database's %s: %w", readOnlySetting, err)
	}
	return value, nil
}

func isTrue(v string) bool {
	switch strings.ToLower(v) {
	case "on", "true", "yes", "1", "t", "y":
		return true
	}
	return false
}

// otherSessions lists the database's client sessions begun before since
// (all when zero), except Sluice's own (its application names).
func (s *Source) otherSessions(ctx context.Context, w *pgxpool.Pool, since time.Time) ([]sluice.Session, error) {
	const q = `SELECT pid::text, coalesce(usename, ''), coalesce(host(client_addr), 'local'), application_name, backend_start,
		backend_xid IS NOT NULL
		FROM pg_stat_activity
		WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
		AND application_name <> ALL ($1) AND ($2::timestamptz IS NULL OR backend_start < $2)
		ORDER BY backend_start`
	var before *time.Time
	if !since.IsZero() {
		before = &since
	}
	rows, err := w.Query(ctx, q, s.ownApplications(), before)
	if err != nil {
		return nil, fmt.Errorf("list the database's sessions: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (sluice.Session, error) {
		var se sluice.Session
		var started time.Time
		var writing bool
		err := r.Scan(&se.ID, &se.User, &se.Host, &se.Application, &started, &writing)
		se.Since = started.UTC().Format(time.RFC3339)
		se.Why = "opened before the freeze"
		if writing {
			se.Why += ", in a transaction that has written"
		}
		return se, err
	})
}

// ownApplications are the application names of Sluice's own sessions on
// the source, which read only or are the freeze's.
func (s *Source) ownApplications() []string {
	return []string{s.pool.Config().ConnConfig.RuntimeParams["application_name"], s.wcfg.ConnConfig.RuntimeParams["application_name"]}
}

// Freeze sets default_transaction_read_only on the database, lists the
// sessions opened before (which keep writing), ends them when opts say so
// (with opts.Settled: until none is left, or refuses), and reads
// pg_current_wal_insert_lsn after that: every transaction committed before the
// freeze has a Position at or before it.
func (s *Source) Freeze(ctx context.Context, opts sluice.FreezeOptions) (sluice.FreezeState, error) {
	w, err := s.writer(ctx)
	if err != nil {
		return sluice.FreezeState{}, err
	}
	st, err := s.freeze(ctx, w, opts)
	if err != nil {
		return sluice.FreezeState{}, classify(fmt.Errorf("freeze writes on source %s: %w", s.name, err))
	}
	return st, nil
}

func (s *Source) freeze(ctx context.Context, w *pgxpool.Pool, opts sluice.FreezeOptions) (sluice.FreezeState, error) {
	if err := alterDatabase(ctx, w, "SET "+readOnlySetting+" = on"); err != nil {
		return sluice.FreezeState{}, err
	}
	// The sessions that may write are those begun before the ALTER
	// committed, read after it: a session forked before it reads the
	// database's settings later, so a time read before the ALTER misses
	// one that started in between with the old setting (the cutover test
	// caught such an insert committing after the freeze position).
	var at time.Time
	if err := w.QueryRow(ctx, "SELECT clock_timestamp()").Scan(&at); err != nil {
		return sluice.FreezeState{}, err
	}
	st, err := s.frozenState(ctx, w, at)
	if err != nil {
		return sluice.FreezeState{}, err
	}
	if opts.Settled {
		if st.Writers, err = s.settle(ctx, w, at, opts); err != nil {
			return sluice.FreezeState{}, err
		}
	} else if opts.EndSessions {
		if err := endSessions(ctx, w, st.Writers); err != nil {
			return sluice.FreezeState{}, err
		}
	}
	// The insert position, not pg_current_wal_lsn (what is written): with
	// synchronous_commit off a transaction is visible, and done, before its
	// commit record is written, and the freeze position must be after it.
	var lsn string
	if err := w.QueryRow(ctx, "SELECT pg_current_wal_insert_lsn()::text").Scan(&lsn); err != nil {
		return sluice.FreezeState{}, fmt.Errorf("read the WAL position: %w", err)
	}
	st.Position, err = ParseLSN(lsn)
	return st, err
}

// settleGap is how long settle waits between two looks at the sessions.
const settleGap = 100 * time.Millisecond

// settle returns once no session opened before at is left, ending each with
// opts.EndSessions, else waiting for them up to opts.Wait, and returns the
// sessions it ended. It wants two looks in a row without one: a backend
// forked before the freeze reads the database's settings during its
// start-up but shows in pg_stat_activity only at its end, so one look can
// miss a session that still writes.
func (s *Source) settle(ctx context.Context, w *pgxpool.Pool, at time.Time, opts sluice.FreezeOptions) ([]sluice.Session, error) {
	var ended []sluice.Session
	start, quiet := time.Now(), 0
	for quiet < 2 {
		left, err := s.otherSessions(ctx, w, at)
		if err != nil {
			return nil, err
		}
		waited := time.Since(start)
		switch {
		case len(left) == 0:
			quiet++
		case opts.EndSessions && waited < max(opts.Wait, endWait):
			if err := endSessions(ctx, w, left); err != nil {
				return nil, err
			}
			ended, quiet = append(ended, left...), 0
			continue
		case waited >= opts.Wait:
			return nil, &sluice.WritersLeft{Source: s.name, Sessions: left, Waited: waited.Round(time.Millisecond)}
		default:
			quiet = 0
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(settleGap):
		}
	}
	return ended, nil
}

// endWait bounds how long settle keeps ending sessions that come back (a
// backend that does not exit when told).
const endWait = 10 * time.Second

// alterDatabase runs ALTER DATABASE <the current database> action.
func alterDatabase(ctx context.Context, w *pgxpool.Pool, action string) error {
	var db string
	if err := w.QueryRow(ctx, "SELECT current_database()").Scan(&db); err != nil {
		return err
	}
	stmt := "ALTER DATABASE " + QuoteIdent(db) + " " + action
	if _, err := w.Exec(ctx, stmt); err != nil {
		return fmt.Errorf("%s: %w", stmt, err)
	}
	return nil
}

// endSessions terminates the sessions and waits for each to end (up to
// ctx), so that none writes after Freeze returns.
func endSessions(ctx context.Context, w *pgxpool.Pool, sessions []sluice.Session) error {
	for i := range sessions {
		var ended bool
		err := w.QueryRow(ctx, "SELECT pg_terminate_backend($1::int, 60000)", sessions[i].ID).Scan(&ended)
		if err != nil {
			return fmt.Errorf("end session %s of %s: %w", sessions[i].ID, sessions[i].User, err)
		}
		sessions[i].Ended = true // false only when it had ended already
	}
	return nil
}

// Unfreeze gives the database its prior default_transaction_read_only
// back: RESET when it had none.
func (s *Source) Unfreeze(ctx context.Context, prior sluice.FreezeState) error {
	w, err := s.writer(ctx)
	if err != nil {
		return err
	}
	action := "RESET " + readOnlySetting
	if v := prior.Settings[readOnlySetting]; v != "" {
		action = "SET " + readOnlySetting + " = " + map[bool]string{true: "on", false: "off"}[isTrue(v)]
	}
	if err := alterDatabase(ctx, w, action); err != nil {
		return classify(fmt.Errorf("unfreeze writes on source %s: %w", s.name, err))
	}
	return nil
}

// CheckFreeze reports a role that may not ALTER the database (its owner,
// or a superuser) and, with opts.EndSessions, may not end other sessions
// (superuser or pg_signal_backend).
func (s *Source) CheckFreeze(ctx context.Context, opts sluice.FreezeOptions) ([]sluice.CaptureProblem, error) {
	const q = `SELECT current_user, current_database(), r.rolsuper, pg_has_role(d.datdba, 'USAGE'),
		pg_has_role('pg_signal_backend', 'USAGE')
		FROM pg_roles r, pg_database d WHERE r.rolname = current_user AND d.datname = current_database()`
	var user, db string
	var super, owner, signal bool
	if err := s.pool.QueryRow(ctx, q).Scan(&user, &db, &super, &owner, &signal); err != nil {
		return nil, classify(fmt.Errorf("check freeze on source %s: %w", s.name, err))
	}
	var out []sluice.CaptureProblem
	if !super && !owner {
		out = append(out, sluice.CaptureProblem{Check: "privilege to ALTER DATABASE " + db, Found: "role " + user + " neither owns the database nor is a superuser",
			Fix: "ALTER DATABASE " + QuoteIdent(db) + " OWNER TO " + QuoteIdent(user) + ", or freeze as its owner"})
	}
	if opts.EndSessions && !super && !signal {
		out = append(out, sluice.CaptureProblem{Check: "privilege to end other sessions", Found: "role " + user + " is not a member of pg_signal_backend",
			Fix: "GRANT pg_signal_backend TO " + QuoteIdent(user) + ", or freeze without ending sessions"})
	}
	return out, nil
}
