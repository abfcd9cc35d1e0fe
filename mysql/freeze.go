package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/go-sql-driver/mysql"
	"github.com/sluicedb/sluice"
)

var _ sluice.Freezer = (*Source)(nil)

// The notes every MariaDB/MySQL freeze carries: read_only is a server-wide
// switch that privileged users pass through.
const (
	noteBypass    = "read_only does not stop users with READ_ONLY ADMIN (MariaDB 10.11 and later; SUPER before) or SUPER (MySQL without super_read_only), nor replication threads; their sessions are listed as writers"
	noteServer    = "read_only freezes the whole server, every database on it, not only the migrated one"
	noteInvisible = "sessions and privileges of other users are visible only with the PROCESS privilege and read access to the mysql schema"
)

// FrozenState reads read_only (and super_read_only where the server has
// it) and lists the sessions of users who may write through them.
func (s *Source) FrozenState(ctx context.Context) (sluice.FreezeState, error) {
	w, err := s.writer()
	if err != nil {
		return sluice.FreezeState{}, err
	}
	st, err := frozenState(ctx, w, s.own)
	if err != nil {
		return sluice.FreezeState{}, fmt.Errorf("read the read-only state of %s: %w", s.where, classify(err))
	}
	return st, nil
}

func frozenState(ctx context.Context, db *sql.DB, own *connIDs) (sluice.FreezeState, error) {
	settings, err := readOnlySettings(ctx, db)
	if err != nil {
		return sluice.FreezeState{}, err
	}
	st := sluice.FreezeState{Settings: settings, Frozen: isOn(settings["read_only"]),
		Notes: []string{noteBypass, noteServer, noteInvisible}}
	if isOn(settings["super_read_only"]) {
		st.Notes = st.Notes[1:] // nobody passes through super_read_only
		return st, nil
	}
	st.Writers, err = bypassSessions(ctx, db, own)
	return st, err
}

// readOnlySettings reads the server's read-only switches by name.
func readOnlySettings(ctx context.Context, db *sql.DB) (map[string]string, error) {
	rows, err := db.QueryContext(ctx, "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('read_only', 'super_read_only')")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, value string
		if err := rows.Scan(&name, &value); err != nil {
			return nil, err
		}
		out[strings.ToLower(name)] = strings.ToUpper(value)
	}
	return out, rows.Err()
}

func isOn(v string) bool { return v == "ON" || v == "1" }

// bypassSessions lists the other client sessions whose user holds a
// privilege that passes through read_only, except Sluice's own (own). A
// user is matched by name whatever its host part: listing a session too
// many is better than one too few.
func bypassSessions(ctx context.Context, db *sql.DB, own *connIDs) ([]sluice.Session, error) {
	users, err := bypassUsers(ctx, db)
	if err != nil || len(users) == 0 {
		return nil, err
	}
	const q = `SELECT ID, USER, HOST, TIME FROM information_schema.PROCESSLIST
		WHERE ID <> CONNECTION_ID() AND COMMAND NOT IN ('Daemon', 'Binlog Dump', 'Killed')
		AND USER NOT IN ('system user', 'event_scheduler') ORDER BY ID`
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sluice.Session
	for rows.Next() {
		var id, secs int64
		var user, host string
		if err := rows.Scan(&id, &user, &host, &secs); err != nil {
			return nil, err
		}
		if why, ok := users[user]; ok && !own.has(id) {
			out = append(out, sluice.Session{ID: fmt.Sprint(id), User: user, Host: host,
				Since: fmt.Sprintf("%ds in its current state", secs), Why: "user has " + why})
		}
	}
	return out, rows.Err()
}

// bypassUsers maps each user name that holds a privilege passing through
// read_only to that privilege.
func bypassUsers(ctx context.Context, db *sql.DB) (map[string]string, error) {
	privs, err := bypassPrivileges(ctx, db)
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, "SELECT GRANTEE, PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var grantee, priv string
		if err := rows.Scan(&grantee, &priv); err != nil {
			return nil, err
		}
		if slices.Contains(privs, strings.ToUpper(priv)) {
			out[granteeUser(grantee)] = strings.ToUpper(priv)
		}
	}
	return out, rows.Err()
}

// bypassPrivileges are the privileges that pass through read_only on this
// server: READ_ONLY ADMIN on MariaDB (and SUPER before 10.11, where SUPER
// still included it), SUPER on MySQL.
func bypassPrivileges(ctx context.Context, db *sql.DB) ([]string, error) {
	var version string
	if err := db.QueryRowContext(ctx, "SELECT VERSION()").Scan(&version); err != nil {
		return nil, err
	}
	if !strings.Contains(strings.ToLower(version), "mariadb") {
		return []string{"SUPER"}, nil
	}
	if older(version, 10, 11) {
		return []string{"READ_ONLY ADMIN", "SUPER"}, nil
	}
	return []string{"READ_ONLY ADMIN"}, nil
}

// older reports a version text "M.m.p-..." before major.minor.
func older(version string, major, minor int) bool {
	var m, n int
	if _, err := fmt.Sscanf(version, "%d.%d", &m, &n); err != nil {
		return false
	}
	return m < major || (m == major && n < minor)
}

// granteeUser is the user name of a grantee written 'user'@'host'.
func granteeUser(grantee string) string {
	user, _, _ := strings.Cut(grantee, "@")
	return strings.ReplaceAll(strings.Trim(user, "'"), "''", "'")
}

// Freeze sets read_only, and super_read_only where the server has it, ends
// the bypassing sessions when opts say so, and reads the binlog position
// after that: every write the server accepted is at or before it. While
// read_only is being set the server waits for open transactions and table
// locks; ctx bounds that wait.
func (s *Source) Freeze(ctx context.Context, opts sluice.FreezeOptions) (sluice.FreezeState, error) {
	w, err := s.writer()
	if err != nil {
		return sluice.FreezeState{}, err
	}
	st, err := s.freeze(ctx, w, opts)
	if err != nil {
		return sluice.FreezeState{}, fmt.Errorf("freeze writes on %s: %w", s.where, classify(err))
	}
	return st, nil
}

func (s *Source) freeze(ctx context.Context, w *sql.DB, opts sluice.FreezeOptions) (sluice.FreezeState, error) {
	settings, err := readOnlySettings(ctx, w)
	if err != nil {
		return sluice.FreezeState{}, err
	}
	if err := setReadOnly(ctx, w, settings); err != nil {
		return sluice.FreezeState{}, err
	}
	st, err := frozenState(ctx, w, s.own)
	if err != nil {
		return sluice.FreezeState{}, err
	}
	if opts.EndSessions {
		if err := endSessions(ctx, w, st.Writers); err != nil {
			return sluice.FreezeState{}, err
		}
	}
	st.Position, err = s.frozenPosition(ctx)
	return st, err
}

// setReadOnly sets super_read_only (which sets read_only too) where the
// server has it and the user may, else read_only alone.
func setReadOnly(ctx context.Context, w *sql.DB, settings map[string]string) error {
	if _, ok := settings["super_read_only"]; ok {
		_, err := w.ExecContext(ctx, "SET GLOBAL super_read_only = ON")
		if err == nil || !isAccessDenied(err) {
			return err
		}
	}
	if _, err := w.ExecContext(ctx, "SET GLOBAL read_only = ON"); err != nil {
		return fmt.Errorf("SET GLOBAL read_only = ON: %w", err)
	}
	return nil
}

// isAccessDenied is ER_SPECIFIC_ACCESS_DENIED_ERROR (1227): the user lacks
// the privilege a statement needs.
func isAccessDenied(err error) bool {
	var myErr *mysql.MySQLError
	return errors.As(err, &myErr) && myErr.Number == 1227
}

// endSessions kills the sessions that pass through read_only; a session
// that ended meanwhile is not an error.
func endSessions(ctx context.Context, w *sql.DB, sessions []sluice.Session) error {
	for i := range sessions {
		_, err := w.ExecContext(ctx, "KILL CONNECTION "+sessions[i].ID)
		if err != nil && !isUnknownThread(err) {
			return fmt.Errorf("end session %s of %s: %w", sessions[i].ID, sessions[i].User, err)
		}
		sessions[i].Ended = true
	}
	return nil
}

func isUnknownThread(err error) bool { return strings.Contains(err.Error(), "Unknown thread id") }

// frozenPosition is the binlog's end, nil when the server keeps no binlog.
func (s *Source) frozenPosition(ctx context.Context) (sluice.Position, error) {
	var logBin string
	if err := s.db.QueryRowContext(ctx, "SELECT @@global.log_bin").Scan(&logBin); err != nil {
		return nil, fmt.Errorf("read log_bin: %w", err)
	}
	if !isOn(strings.ToUpper(logBin)) {
		return nil, nil
	}
	p, err := s.head(ctx)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Unfreeze sets read_only (and super_read_only) back to prior's values;
// a setting prior does not hold is set OFF, the state of a server that
// took writes before the freeze.
func (s *Source) Unfreeze(ctx context.Context, prior sluice.FreezeState) error {
	w, err := s.writer()
	if err != nil {
		return err
	}
	now, err := readOnlySettings(ctx, w)
	if err != nil {
		return fmt.Errorf("unfreeze writes on %s: %w", s.where, classify(err))
	}
	// super_read_only first: read_only cannot go OFF while it is ON.
	for _, name := range []string{"super_read_only", "read_only"} {
		if _, ok := now[name]; !ok {
			continue
		}
		stmt := fmt.Sprintf("SET GLOBAL %s = %s", name, onOff(isOn(prior.Settings[name])))
		if _, err := w.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("unfreeze writes on %s: %s: %w", s.where, stmt, classify(err))
		}
	}
	return nil
}

func onOff(on bool) string {
	if on {
		return "ON"
	}
	return "OFF"
}

// CheckFreeze reports a user who cannot set read_only (READ_ONLY ADMIN or
// SUPER on MariaDB, SUPER or SYSTEM_VARIABLES_ADMIN on MySQL) and, with
// opts.EndSessions, cannot see and end other users' sessions; and the
// sessions connected now of other users whom read_only does not stop (if
// one is the application's, the freeze would not stop it). Sessions of the
// source URL's own user are not told from Sluice's.
func (s *Source) CheckFreeze(ctx context.Context, opts sluice.FreezeOptions) ([]sluice.CaptureProblem, error) {
	privs, err := s.privileges(ctx)
	if err != nil {
		return nil, fmt.Errorf("check freeze on %s: %w", s.where, classify(err))
	}
	out := freezeProblems(privs, opts)
	sessions, err := bypassSessions(ctx, s.db, s.own)
	if err != nil {
		return nil, fmt.Errorf("check freeze on %s: list the sessions read_only does not stop: %w", s.where, classify(err))
	}
	for _, se := range sessions {
		if se.User == s.cfg.User {
			continue
		}
		out = append(out, sluice.CaptureProblem{Check: "sessions read_only does not stop",
			Found: fmt.Sprintf("session %s of user %s from %s is connected and its %s passes through read_only", se.ID, se.User, se.Host, strings.TrimPrefix(se.Why, "user has ")),
			Fix:   "if it is the application's, run the application as a user without READ_ONLY ADMIN and SUPER (or stop it and use --freeze none); else close it, or let --end-sessions end it"})
	}
	return out, nil
}

func freezeProblems(privs []string, opts sluice.FreezeOptions) []sluice.CaptureProblem {
	var out []sluice.CaptureProblem
	if !containsAny(privs, "READ_ONLY ADMIN", "SUPER", "SYSTEM_VARIABLES_ADMIN") {
		out = append(out, sluice.CaptureProblem{Check: "privilege to set read_only", Found: "the user has neither READ_ONLY ADMIN nor SUPER",
			Fix: "GRANT READ_ONLY ADMIN ON *.* TO <user> (MariaDB 10.5.2 and later; SUPER on MySQL)"})
	}
	if opts.EndSessions && !containsAny(privs, "CONNECTION ADMIN", "SUPER") {
		out = append(out, sluice.CaptureProblem{Check: "privilege to end other sessions", Found: "the user has neither CONNECTION ADMIN nor SUPER",
			Fix: "GRANT CONNECTION ADMIN ON *.* TO <user>, or freeze without ending sessions"})
	}
	if opts.EndSessions && !slices.Contains(privs, "PROCESS") {
		out = append(out, sluice.CaptureProblem{Check: "privilege PROCESS", Found: "the user cannot see other users' sessions",
			Fix: "GRANT PROCESS ON *.* TO <user>"})
	}
	return out
}

func containsAny(list []string, want ...string) bool {
	for _, w := range want {
		if slices.Contains(list, w) {
			return true
		}
	}
	return false
}
