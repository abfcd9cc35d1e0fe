package mysql_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/mysql"
	"github.com/sluicedb/sluice/sluicetest"
)

// freezeFixture is a database on the private server with a table, an
// application user ("app", ordinary rights) and a user who passes through
// read_only ("boss", READ_ONLY ADMIN). The server is unfrozen at the end
// whatever the test did: the other tests of the package share it.
type freezeFixture struct {
	srv       *sluicetest.PrivateServer
	db        string
	src       *mysql.Source
	app, boss string
}

func newFreezeFixture(t *testing.T) freezeFixture {
	t.Helper()
	srv := privateServer(t)
	db, src := captureDB(t, srv, "CREATE TABLE t (id int PRIMARY KEY, v text)")
	app, boss := sluicetest.UniqueName("app"), sluicetest.UniqueName("boss")
	script := fmt.Sprintf(`CREATE USER '%[1]s'@'%%'; GRANT SELECT, INSERT, UPDATE, DELETE ON %[3]s.* TO '%[1]s'@'%%';
		CREATE USER '%[2]s'@'%%'; GRANT ALL ON %[3]s.* TO '%[2]s'@'%%'; GRANT READ_ONLY ADMIN ON *.* TO '%[2]s'@'%%';`, app, boss, db)
	if err := srv.ExecPrivate("mysql", script); err != nil {
		t.Fatalf("create users: %v", err)
	}
	t.Cleanup(func() {
		_ = srv.ExecPrivate("mysql", "SET GLOBAL read_only = OFF; DROP USER '"+app+"'@'%'; DROP USER '"+boss+"'@'%'")
	})
	return freezeFixture{srv: srv, db: db, src: src, app: app, boss: boss}
}

// userDB is a connection pool of user (no password) to db on srv.
func userDB(t *testing.T, srv *sluicetest.PrivateServer, user, db string) *sql.DB {
	t.Helper()
	h, err := sql.Open("mysql", fmt.Sprintf("%s@tcp(127.0.0.1:%d)/%s", user, srv.Port, db))
	if err != nil {
		t.Fatal(err)
	}
	h.SetMaxOpenConns(1)
	t.Cleanup(func() { h.Close() })
	if err := h.Ping(); err != nil {
		t.Fatalf("connect as %s: %v", user, err)
	}
	return h
}

func insert(h *sql.DB, id int) error {
	_, err := h.Exec("INSERT INTO t VALUES (?, 'x')", id)
	return err
}

func TestFreezeStopsOrdinaryWritesAndUnfreezeRestores(t *testing.T) {
	ctx := context.Background()
	f := newFreezeFixture(t)
	src := f.src
	app, boss := userDB(t, f.srv, f.app, f.db), userDB(t, f.srv, f.boss, f.db)

	prior, err := src.FrozenState(ctx)
	if err != nil {
		t.Fatalf("frozen state: %v", err)
	}
	if prior.Frozen || prior.Settings["read_only"] != "OFF" {
		t.Fatalf("before the freeze: %+v, want not frozen, read_only OFF", prior)
	}
	if err := insert(app, 1); err != nil {
		t.Fatalf("insert before the freeze: %v", err)
	}

	st, err := src.Freeze(ctx, sluice.FreezeOptions{})
	if err != nil {
		t.Fatalf("freeze: %v", err)
	}
	if !st.Frozen || st.Settings["read_only"] != "ON" {
		t.Fatalf("after the freeze: %+v, want frozen, read_only ON", st)
	}
	head, err := src.CaptureStatus(ctx, sluice.CaptureSpec{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := st.Position.Compare(head.Head); err != nil || c != 0 {
		t.Fatalf("freeze position %v, binlog head %v: want equal (nothing written since)", st.Position, head.Head)
	}
	if err := insert(app, 2); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("insert by an ordinary user after the freeze: %v, want the read-only refusal", err)
	}
	if !hasWriter(st.Writers, f.boss, "READ_ONLY ADMIN") {
		t.Fatalf("writers %+v: want the READ_ONLY ADMIN user's session", st.Writers)
	}
	if err := insert(boss, 3); err != nil { // what the note says: read_only does not stop it
		t.Fatalf("insert by a READ_ONLY ADMIN user: %v", err)
	}

	again, err := src.Freeze(ctx, sluice.FreezeOptions{})
	if err != nil || !again.Frozen {
		t.Fatalf("second freeze: %+v, %v; want frozen, no error", again, err)
	}
	if c, err := again.Position.Compare(st.Position); err != nil || c != 1 {
		t.Fatalf("second freeze position %v after the bypassing write, first %v: want later", again.Position, st.Position)
	}

	if err := src.Unfreeze(ctx, prior); err != nil {
		t.Fatalf("unfreeze: %v", err)
	}
	if err := insert(app, 4); err != nil {
		t.Fatalf("insert after unfreeze: %v", err)
	}
	if err := src.Unfreeze(ctx, prior); err != nil {
		t.Fatalf("unfreeze an unfrozen server: %v", err)
	}
}

func TestUnfreezeKeepsAServerThatWasReadOnlyBefore(t *testing.T) {
	ctx := context.Background()
	f := newFreezeFixture(t)
	src := f.src
	if err := f.srv.ExecPrivate("mysql", "SET GLOBAL read_only = ON"); err != nil {
		t.Fatal(err)
	}
	prior, err := src.FrozenState(ctx)
	if err != nil || !prior.Frozen {
		t.Fatalf("state of a read-only server: %+v, %v; want frozen", prior, err)
	}
	if _, err := src.Freeze(ctx, sluice.FreezeOptions{}); err != nil {
		t.Fatalf("freeze: %v", err)
	}
	if err := src.Unfreeze(ctx, prior); err != nil {
		t.Fatalf("unfreeze: %v", err)
	}
	now, err := src.FrozenState(ctx)
	if err != nil || !now.Frozen {
		t.Fatalf("after unfreeze to a read-only prior: %+v, %v; want still read-only", now, err)
	}
}

func TestFreezeEndsBypassingSessionsWhenAsked(t *testing.T) {
	ctx := context.Background()
	f := newFreezeFixture(t)
	src := f.src
	conn, id := pinnedSession(t, userDB(t, f.srv, f.boss, f.db))
	st, err := src.Freeze(ctx, sluice.FreezeOptions{EndSessions: true})
	if err != nil {
		t.Fatalf("freeze: %v", err)
	}
	ended := false
	for _, w := range st.Writers {
		ended = ended || (w.ID == fmt.Sprint(id) && w.Ended)
	}
	if !ended {
		t.Fatalf("writers %+v: want session %d ended", st.Writers, id)
	}
	if _, err := conn.ExecContext(ctx, "INSERT INTO t VALUES (9, 'x')"); err == nil {
		t.Fatalf("the ended session still wrote")
	}
}

func TestCheckFreezeNamesTheMissingPrivilege(t *testing.T) {
	ctx := context.Background()
	f := newFreezeFixture(t)
	src := f.src
	if problems, err := src.CheckFreeze(ctx, sluice.FreezeOptions{EndSessions: true}); err != nil || len(problems) != 0 {
		t.Fatalf("root: %+v, %v; want no problem", problems, err)
	}
	app := openSource(t, fmt.Sprintf("mysql://%s@127.0.0.1:%d/%s", f.app, f.srv.Port, f.db))
	defer app.Close()
	problems, err := app.CheckFreeze(ctx, sluice.FreezeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 1 || !strings.Contains(problems[0].Fix, "READ_ONLY ADMIN") {
		t.Fatalf("ordinary user: %+v, want one problem whose fix grants READ_ONLY ADMIN", problems)
	}
	if _, err := app.Freeze(ctx, sluice.FreezeOptions{}); err == nil {
		t.Fatalf("an ordinary user froze the server")
	}
}

func hasWriter(ws []sluice.Session, user, why string) bool {
	for _, w := range ws {
		if w.User == user && strings.Contains(w.Why, why) {
			return true
		}
	}
	return false
}

// A freeze that ends the sessions passing through read_only ends those of
// its own user (the application may share it) but never Sluice's own
// connections, reading or writing.
func TestFreezeEndsOnlyOtherSessionsOfItsUser(t *testing.T) {
	ctx := context.Background()
	f := newFreezeFixture(t)
	if err := f.srv.ExecPrivate("mysql", "GRANT BINLOG MONITOR ON *.* TO '"+f.boss+"'@'%'"); err != nil {
		t.Fatal(err) // to read the freeze position
	}
	src := openSource(t, fmt.Sprintf("mysql://%s@127.0.0.1:%d/%s", f.boss, f.srv.Port, f.db))
	defer src.Close()
	it, err := src.Read(ctx, sluice.ReadRequest{Table: "t", Columns: []string{"id"}})
	if err != nil {
		t.Fatal(err)
	}
	for it.Next() {
	}
	it.Close()
	if _, err := src.FrozenState(ctx); err != nil { // opens the write pool
		t.Fatal(err)
	}
	_, id := pinnedSession(t, userDB(t, f.srv, f.boss, f.db))
	st, err := src.Freeze(ctx, sluice.FreezeOptions{EndSessions: true})
	if err != nil {
		t.Fatalf("freeze: %v", err)
	}
	if len(st.Writers) != 1 || st.Writers[0].ID != fmt.Sprint(id) || !st.Writers[0].Ended {
		t.Fatalf("writers %+v: want only the application's session %d, ended", st.Writers, id)
	}
}

// cutover --check says when a session of another user whom read_only does
// not stop is connected: if it is the application's, the freeze would not
// stop it.
func TestCheckFreezeNamesSessionsReadOnlyDoesNotStop(t *testing.T) {
	ctx := context.Background()
	f := newFreezeFixture(t)
	boss := userDB(t, f.srv, f.boss, f.db)
	problems, err := f.src.CheckFreeze(ctx, sluice.FreezeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 1 || !strings.Contains(problems[0].Found, "user "+f.boss) || !strings.Contains(problems[0].Found, "READ_ONLY ADMIN") {
		t.Fatalf("problems %+v: want the session of %s, which has READ_ONLY ADMIN", problems, f.boss)
	}
	boss.Close()
	for try := 0; ; try++ { // the server ends the session a moment after the client leaves
		problems, err := f.src.CheckFreeze(ctx, sluice.FreezeOptions{})
		if err == nil && len(problems) == 0 {
			break
		}
		if try == 20 {
			t.Fatalf("once it is gone: %+v, %v; want no problem", problems, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// pinnedSession is one connection of h held for the test, so that its end
// is seen, and its server id.
func pinnedSession(t *testing.T, h *sql.DB) (*sql.Conn, int64) {
	t.Helper()
	conn, err := h.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	var id int64
	if err := conn.QueryRowContext(context.Background(), "SELECT CONNECTION_ID()").Scan(&id); err != nil {
		t.Fatal(err)
	}
	return conn, id
}
