package target

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
)

func TestEnsureStateIsIdempotentAndConcurrentSafe(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := sluicetest.NewPostgresDB(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			tg, err := Open(ctx, url) // a process of its own
			if err == nil {
				defer tg.Close()
				err = tg.EnsureState(ctx)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("concurrent EnsureState: %v", err)
	}
	tg, conn := newTarget(t) // a second database: EnsureState twice on it
	if err := tg.EnsureState(ctx); err != nil {
		t.Fatalf("second EnsureState: %v", err)
	}
	if v := queryInt(t, conn, "SELECT schema_version FROM sluice.meta"); v != int64(SchemaVersion) {
		t.Errorf("schema_version = %d, want %d", v, SchemaVersion)
	}
	if n := queryInt(t, conn, "SELECT count(*) FROM sluice.meta"); n != 1 {
		t.Errorf("sluice.meta has %d rows", n)
	}
	mustExec(t, conn, "UPDATE sluice.meta SET schema_version = 999")
	if err := tg.EnsureState(ctx); err == nil || !strings.Contains(err.Error(), "upgrade sluice") {
		t.Errorf("EnsureState on a newer schema: %v", err)
	}
}

func TestStatusWithoutStateIsErrNoState(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, err := Open(ctx, sluicetest.NewPostgresDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	if _, err := tg.Status(ctx); !errors.Is(err, ErrNoState) {
		t.Errorf("status of a fresh database: %v, want ErrNoState", err)
	}
}

func TestOpenUnreachableHidesPassword(t *testing.T) {
	t.Parallel()
	_, err := Open(context.Background(), "postgres://sluice:s3cr3tpw@127.0.0.1:1/db?sslmode=disable&connect_timeout=2")
	var ce *sluice.ConnectError
	if !errors.As(err, &ce) {
		t.Fatalf("open unreachable: %v, want a ConnectError", err)
	}
	if strings.Contains(err.Error(), "s3cr3tpw") || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Errorf("error = %q: want the host and no password", err)
	}
}

func TestOpenMissingDatabaseNamesIt(t *testing.T) {
	t.Parallel()
	url := strings.Replace(sluicetest.PostgresURL(), "/postgres?", "/no_such_db_x?", 1)
	if !strings.Contains(url, "no_such_db_x") {
		t.Skipf("cannot rewrite the database of %s", sluice.RedactURL(url))
	}
	_, err := Open(context.Background(), url)
	var ce *sluice.ConnectError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), `database "no_such_db_x" does not exist`) {
		t.Errorf("open missing database: %v", err)
	}
}

func TestExecNamesTheFailingStatement(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, conn := newTarget(t)
	err := tg.Exec(ctx, "CREATE TABLE a (id int)", "CREATE TABLE b (\n id nosuchtype\n)", "CREATE TABLE c (id int)")
	if err == nil || !strings.Contains(err.Error(), `"CREATE TABLE b ( ..."`) {
		t.Errorf("exec: %v", err)
	}
	if n := queryInt(t, conn, "SELECT count(*) FROM pg_tables WHERE tablename IN ('a', 'c')"); n != 1 {
		t.Errorf("%d of tables a, c exist; want only a", n)
	}
	cols, err := tg.Columns(ctx, "public", "a")
	if err != nil || len(cols) != 1 || cols[0] != (Column{Name: "id", Type: "integer"}) {
		t.Errorf("columns of a = %+v, %v", cols, err)
	}
	if cols, err := tg.Columns(ctx, "public", "c"); cols != nil || err != nil {
		t.Errorf("columns of a missing table = %+v, %v", cols, err)
	}
}
