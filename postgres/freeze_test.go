package postgres

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
)

// freezeDB is a database on the private server with a table t and a role
// "app" that may write it but owns nothing.
func freezeDB(t *testing.T) (url string, src *Source, app string) {
	t.Helper()
	srv := privateServer(t)
	url, src = captureDB(t, srv, "CREATE TABLE t (id int PRIMARY KEY, v text)")
	app = sluicetest.UniqueName("app")
	execURL(t, url, "CREATE ROLE "+app+" LOGIN; GRANT SELECT, INSERT ON t TO "+app)
	t.Cleanup(func() { _ = srv.ExecPrivate("postgres", "DROP OWNED BY "+app+" CASCADE; DROP ROLE IF EXISTS "+app) })
	return url, src, app
}

func connectAs(t *testing.T, url, role string) *pgx.Conn {
	t.Helper()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.User = role
	conn, err := pgx.ConnectConfig(context.Background(), cfg)
	if err != nil {
		t.Fatalf("connect as %s: %v", role, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func insertRow(conn *pgx.Conn, id int) error {
	_, err := conn.Exec(context.Background(), "INSERT INTO t VALUES ($1, 'x')", id)
	return err
}

func TestFreezeMakesNewSessionsReadOnlyAndReportsOldOnes(t *testing.T) {
	ctx := context.Background()
	url, src, app := freezeDB(t)
	before := connectAs(t, url, app)
	if err := insertRow(before, 1); err != nil {
		t.Fatalf("insert before the freeze: %v", err)
	}
	prior, err := src.FrozenState(ctx)
	if err != nil || prior.Frozen || prior.Settings[readOnlySetting] != "" {
		t.Fatalf("before the freeze: %+v, %v; want not frozen and no database setting", prior, err)
	}

	st, err := src.Freeze(ctx, sluice.FreezeOptions{})
	if err != nil {
		t.Fatalf("freeze: %v", err)
	}
	if !st.Frozen || st.Settings[readOnlySetting] != "on" {
		t.Fatalf("after the freeze: %+v, want frozen", st)
	}
	if !hasSession(st.Writers, app) {
		t.Fatalf("writers %+v: want the session of %s opened before the freeze", st.Writers, app)
	}
	var head string
	if err := before.QueryRow(ctx, "SELECT pg_current_wal_insert_lsn()::text").Scan(&head); err != nil {
		t.Fatal(err)
	}
	if lsn, _ := ParseLSN(head); st.Position == nil || st.Position.(LSN) > lsn {
		t.Fatalf("freeze position %v, WAL now %s: want a position at or before now", st.Position, head)
	}
	after := connectAs(t, url, app)
	if err := insertRow(after, 2); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("insert in a session opened after the freeze: %v, want the read-only refusal", err)
	}
	if err := insertRow(before, 3); err != nil { // what the note says: old sessions keep writing
		t.Fatalf("insert in a session opened before the freeze: %v", err)
	}

	if again, err := src.Freeze(ctx, sluice.FreezeOptions{}); err != nil || !again.Frozen {
		t.Fatalf("second freeze: %+v, %v; want frozen, no error", again, err)
	}
	if err := src.Unfreeze(ctx, prior); err != nil {
		t.Fatalf("unfreeze: %v", err)
	}
	if now, err := src.FrozenState(ctx); err != nil || now.Frozen || now.Settings[readOnlySetting] != "" {
		t.Fatalf("after unfreeze: %+v, %v; want the database's setting gone", now, err)
	}
	if err := insertRow(connectAs(t, url, app), 4); err != nil {
		t.Fatalf("insert in a new session after unfreeze: %v", err)
	}
}

func TestFreezeEndsOldSessionsWhenAsked(t *testing.T) {
	ctx := context.Background()
	url, src, app := freezeDB(t)
	before := connectAs(t, url, app)
	prior, err := src.FrozenState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Unfreeze(ctx, prior)
	st, err := src.Freeze(ctx, sluice.FreezeOptions{EndSessions: true})
	if err != nil {
		t.Fatalf("freeze: %v", err)
	}
	if len(st.Writers) == 0 || !st.Writers[0].Ended {
		t.Fatalf("writers %+v: want the old session ended", st.Writers)
	}
	if err := insertRow(before, 1); err == nil {
		t.Fatalf("the ended session still wrote")
	}
}

// A settled freeze waits for the sessions opened before it: one that ends
// within the wait lets it through, one that stays makes it fail with a
// *sluice.WritersLeft naming its pid and application.
func TestSettledFreezeWaitsForOldSessions(t *testing.T) {
	ctx := context.Background()
	url, src, app := freezeDB(t)
	prior, err := src.FrozenState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Unfreeze(ctx, prior)
	going := connectAs(t, url, app)
	go func() { time.Sleep(300 * time.Millisecond); going.Close(ctx) }()
	opts := sluice.FreezeOptions{Settled: true, Wait: 5 * time.Second}
	if st, err := src.Freeze(ctx, opts); err != nil || len(st.Writers) != 0 {
		t.Fatalf("freeze while the only old session ends: %+v, %v; want through, nothing ended", st, err)
	}
	if err := src.Unfreeze(ctx, prior); err != nil {
		t.Fatal(err)
	}
	staying := connectAs(t, url, app)
	var pid int
	if err := staying.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}
	opts.Wait = 300 * time.Millisecond
	_, err = src.Freeze(ctx, opts)
	var left *sluice.WritersLeft
	if !errors.As(err, &left) || len(left.Sessions) != 1 || left.Sessions[0].ID != strconv.Itoa(pid) || left.Sessions[0].User != app {
		t.Fatalf("freeze with an old session staying: %v; want WritersLeft naming pid %d of %s", err, pid, app)
	}
	if msg := err.Error(); !strings.Contains(msg, `application "`) || !strings.Contains(msg, "client ") {
		t.Fatalf("the refusal does not name the session's application and client: %v", err)
	}
}

func TestUnfreezeRestoresAPriorSetting(t *testing.T) {
	ctx := context.Background()
	url, src, _ := freezeDB(t)
	execURL(t, url, "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET default_transaction_read_only = off', current_database()); END $$")
	prior, err := src.FrozenState(ctx)
	if err != nil || prior.Settings[readOnlySetting] != "off" {
		t.Fatalf("prior: %+v, %v; want the database's own off", prior, err)
	}
	if _, err := src.Freeze(ctx, sluice.FreezeOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := src.Unfreeze(ctx, prior); err != nil {
		t.Fatal(err)
	}
	if now, err := src.FrozenState(ctx); err != nil || now.Settings[readOnlySetting] != "off" {
		t.Fatalf("after unfreeze: %+v, %v; want off as before", now, err)
	}
}

func TestCheckFreezeNamesTheMissingPrivilege(t *testing.T) {
	ctx := context.Background()
	url, src, app := freezeDB(t)
	if problems, err := src.CheckFreeze(ctx, sluice.FreezeOptions{EndSessions: true}); err != nil || len(problems) != 0 {
		t.Fatalf("superuser: %+v, %v; want no problem", problems, err)
	}
	cfg, _ := pgx.ParseConfig(url)
	appSrc := openURL(t, strings.Replace(url, "postgres://"+cfg.User+"@", "postgres://"+app+"@", 1))
	defer appSrc.Close()
	problems, err := appSrc.CheckFreeze(ctx, sluice.FreezeOptions{EndSessions: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 2 || !strings.Contains(problems[0].Check, "ALTER DATABASE") || !strings.Contains(problems[1].Fix, "pg_signal_backend") {
		t.Fatalf("ordinary role: %+v, want the database ownership and pg_signal_backend", problems)
	}
	if _, err := appSrc.Freeze(ctx, sluice.FreezeOptions{}); err == nil {
		t.Fatalf("an ordinary role froze the database")
	}
}

func hasSession(ws []sluice.Session, user string) bool {
	for _, w := range ws {
		if w.User == user {
			return true
		}
	}
	return false
}
