package sqlserver_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/sluicetest/tds"
	"github.com/sluicedb/sluice/sqlserver"
)

// A window read in pages of two rows (transactions, and updates' before
// and after images, split across pages and tables) streams the same.
func TestCaptureMergesPages(t *testing.T) {
	defer sqlserver.SetPageRows(2)()
	src, w := server{}.fixture(t, captureScript(true, ""))
	pos := positionNow(t, src, mixSpec)
	want := runMix(t, w, sluicetest.NewMix(23), 16)
	sluicetest.CompareChanges(t, sluicetest.Transactions(t, sluicetest.Changes(t, src, mixSpec, pos), 16), want)
}

// Once the cleanup job has purged changes after a stream's position, the
// stream fails and names the table to copy again; it never skips them.
func TestCapturePurgedPositionFails(t *testing.T) {
	dbs, err := tds.LoadScript(captureScript(true, ""))
	if err != nil {
		t.Fatal(err)
	}
	srv := sluicetest.StartTDSServer(t, dbs...)
	src := openSource(t, sluicetest.TDSURL(srv.Addr(), dbs[0].Name))
	defer src.Close()
	pos := positionNow(t, src, mixSpec)
	w, err := sql.Open("sqlserver", sluicetest.TDSURL(srv.Addr(), dbs[0].Name))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	runMix(t, w, sluicetest.NewMix(3), 3)
	srv.Mutate(dbs[0].CleanupCDC)
	st := sluicetest.Changes(t, src, mixSpec, pos)
	_, err = st.Next(context.Background())
	if err == nil || !strings.Contains(err.Error(), "purged") || !strings.Contains(err.Error(), "copy a again") {
		t.Fatalf("a stream from before the cleanup: %v", err)
	}
}

// Without snapshot isolation the copy reads the source itself under READ
// COMMITTED, from after the position: a change made during the copy is
// streamed (and may be copied too); closing the snapshot leaves the
// source open.
func TestCaptureSnapshotWithoutSnapshotIsolation(t *testing.T) {
	script := strings.Replace(captureScript(true, ""), "ALTER DATABASE Capture SET ALLOW_SNAPSHOT_ISOLATION ON", "", 1)
	src, w := server{}.fixture(t, script)
	if src.SnapshotIsolation() {
		t.Fatal("the fixture allows snapshot isolation")
	}
	execAll(t, w, "INSERT INTO a VALUES (1, 'before')")
	spec := sluice.CaptureSpec{Name: "rc", Tables: []string{"a"}}
	snap := sluicetest.SnapshotOf(t, src, spec)
	execAll(t, w, "INSERT INTO a VALUES (2, 'during')")
	copied := sluicetest.ReadRows(t, snap, "a", []string{"id"}, []string{"id"})
	pos := snap.Position()
	if err := snap.Close(); err != nil {
		t.Fatal(err)
	}
	if len(copied) != 2 {
		t.Fatalf("copied %v, want both rows", copied)
	}
	got := sluicetest.Transactions(t, sluicetest.Changes(t, src, spec, pos), 1)
	if len(got) != 3 || got[1].After[0] != int64(2) {
		t.Fatalf("streamed %v, want the insert of row 2 only", sluicetest.ChangeKinds(got))
	}
}

// A login that may not read the cdc schema is told the grant it needs;
// the check does not fail.
func TestCaptureCheckNamesTheMissingPrivilege(t *testing.T) {
	dbs, err := tds.LoadScript(captureScript(true, ""))
	if err != nil {
		t.Fatal(err)
	}
	dbs[0].Denied = []string{"cdc.change_tables"}
	src := openSource(t, sluicetest.StartTDS(t, dbs[0].Name, dbs...))
	defer src.Close()
	problems, err := src.CheckCapture(context.Background(), mixSpec)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 1 || problems[0].Warning || !strings.Contains(problems[0].Fix, "GRANT SELECT ON SCHEMA::cdc") {
		t.Fatalf("problems: %+v", problems)
	}
}

// A server gone mid-stream is a transient error: a new stream from the
// last committed position may succeed.
func TestCaptureLostServerIsTransient(t *testing.T) {
	dbs, err := tds.LoadScript(captureScript(true, ""))
	if err != nil {
		t.Fatal(err)
	}
	srv := sluicetest.StartTDSServer(t, dbs...)
	url := sluicetest.TDSURL(srv.Addr(), dbs[0].Name)
	src := openSource(t, url)
	defer src.Close()
	pos := positionNow(t, src, mixSpec)
	runMix(t, openWriter(t, url), sluicetest.NewMix(5), 2)
	st := sluicetest.Changes(t, src, mixSpec, pos)
	sluicetest.Transactions(t, st, 1)
	srv.Close()
	if err := sluicetest.Drain(st); !sluice.IsTransient(err) {
		t.Fatalf("after the server went: %v, want a transient error", err)
	}
}
