package sqlserver_test

import (
	"context"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/sqlserver"
)

// trackingScript builds the mix's tables in a database with Change
// Tracking (and snapshot isolation), tracking a and b (c has no key, which
// Change Tracking needs).
func trackingScript(track ...string) string {
	s := `CREATE DATABASE Tracked
GO
ALTER DATABASE Tracked SET ALLOW_SNAPSHOT_ISOLATION ON
GO
ALTER DATABASE Tracked SET CHANGE_TRACKING = ON (CHANGE_RETENTION = 2 DAYS, AUTO_CLEANUP = ON)
GO
USE Tracked
GO
` + sluicetest.MixSchema + "\nGO\n"
	for _, t := range track {
		s += "ALTER TABLE dbo." + t + " ENABLE CHANGE_TRACKING\nGO\n"
	}
	return s
}

var trackedSpec = sluice.CaptureSpec{Name: "tracked", Tables: []string{"a", "b"}}

func TestCaptureTracking(t *testing.T) {
	for _, c := range trackingTests {
		t.Run(c.name, func(t *testing.T) { c.run(t, server{}) })
	}
}

func TestCaptureTrackingRealServer(t *testing.T) {
	if sluicetest.SQLServerURL() == "" {
		t.Skip("SLUICE_TEST_SQLSERVER_URL is not set: no real SQL Server to run against")
	}
	for _, c := range trackingTests {
		t.Run(c.name, func(t *testing.T) { c.run(t, server{real: true}) })
	}
}

var trackingTests = []struct {
	name string
	run  func(t *testing.T, sv server)
}{
	{"Check", testTrackingCheck},
	{"StreamsRowsAsTheyAreNow", testTrackingStream},
	{"SnapshotMeetsTheStream", func(t *testing.T, sv server) {
		meetsTheStream(t, sv, trackingScript("a", "b"), trackedSpec)
	}},
}

// CheckCapture, on a database with Change Tracking and not CDC, checks
// Change Tracking: an untracked table and a table without a key are
// problems; its keys-only nature is a warning.
func testTrackingCheck(t *testing.T, sv server) {
	src, _ := sv.fixture(t, trackingScript("a"))
	problems, err := src.CheckCapture(context.Background(), sluice.CaptureSpec{Name: "ct", Tables: []string{"a", "b", "c"}})
	if err != nil {
		t.Fatal(err)
	}
	var stops, warnings []string
	for _, p := range problems {
		line := p.Check + " | " + p.Found + " | " + p.Fix
		if p.Warning {
			warnings = append(warnings, line)
		} else {
			stops = append(stops, line)
		}
	}
	got := strings.Join(stops, "\n")
	if len(stops) != 2 || !strings.Contains(got, "ALTER TABLE [dbo].[b] ENABLE CHANGE_TRACKING") || !strings.Contains(got, "table c: Change Tracking | the table has no primary key") {
		t.Errorf("problems:\n%s", got)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "rows are read as they are now") {
		t.Errorf("warnings: %v", warnings)
	}
	if _, err := src.Snapshot(context.Background(), trackedSpec); err == nil || !strings.Contains(err.Error(), "ENABLE CHANGE_TRACKING") {
		t.Errorf("snapshot with table b untracked: %v", err)
	}
}

// Change Tracking is synchronous (no capture job), so the stream, opened
// after the writes, sees them all in its first poll, on a real server too.
// A poll delivers each changed key once, at its last change's version,
// with its row as it is now: an insert, then an update and a delete
// between polls, arrive as one change each; an update has no before
// image and a delete only the key.
func testTrackingStream(t *testing.T, sv server) {
	defer sqlserver.SetPageRows(1)()
	src, w := sv.fixture(t, trackingScript("a", "b"))
	pos := positionNow(t, src, trackedSpec)
	if _, ok := pos.(sqlserver.TrackingPosition); !ok {
		t.Fatalf("position %v (%T), want a Change Tracking version", pos, pos)
	}
	execAll(t, w, "INSERT INTO a VALUES (1, 'one'), (2, 'two'), (3, 'three')",
		"BEGIN TRANSACTION; UPDATE a SET v = 'deux' WHERE id = 2; INSERT INTO b VALUES (5, 'k', 50); COMMIT TRANSACTION",
		"DELETE FROM a WHERE id = 1")
	st := sluicetest.Changes(t, src, trackedSpec, pos)
	got := sluicetest.Transactions(t, st, 2)
	u := sluice.Unchanged{}
	want := []sluice.Change{{Kind: sluice.ChangeBegin}, {Kind: sluice.ChangeInsert, Table: "a", After: []any{int64(3), "three"}},
		{Kind: sluice.ChangeCommit}, {Kind: sluice.ChangeBegin},
		{Kind: sluice.ChangeInsert, Table: "a", After: []any{int64(2), "deux"}}, {Kind: sluice.ChangeInsert, Table: "b", After: []any{int64(5), "k", int64(50)}},
		{Kind: sluice.ChangeCommit}}
	sluicetest.CompareChanges(t, got, want)
	more := sluicetest.Transactions(t, st, 1)
	sluicetest.CompareChanges(t, more, []sluice.Change{{Kind: sluice.ChangeBegin}, {Kind: sluice.ChangeDelete, Table: "a", Before: []any{int64(1), u}}, {Kind: sluice.ChangeCommit}})
	execAll(t, w, "UPDATE a SET v = 'zwei' WHERE id = 2")
	last := sluicetest.Transactions(t, st, 1)
	sluicetest.CompareChanges(t, last, []sluice.Change{{Kind: sluice.ChangeBegin}, {Kind: sluice.ChangeUpdate, Table: "a", After: []any{int64(2), "zwei"}}, {Kind: sluice.ChangeCommit}})
	text := last[0].Position.String()
	if back, err := src.ParsePosition(text); err != nil || back != last[0].Position {
		t.Fatalf("position %q reads back as %v (%v)", text, back, err)
	}
}
