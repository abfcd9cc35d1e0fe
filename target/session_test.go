package target

import (
	"context"
	"crypto/ed25519"
	"errors"
	"path/filepath"
	"testing"

	"github.com/sluicedb/sluice/audit"
)

// A session records its run with the run.start entry, holds its lock for
// the run's life, and ends with the run.end entry, the run's status and the
// lock released; a second End does nothing.
func TestSessionRecordsTheRunFromStartToEnd(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, conn := newTarget(t)
	spec := RunSpec{Command: "migrate", ConfigHash: "abc", Version: "v1", Lock: "migrate", Details: map[string]any{"tables": 3}}
	s, err := tg.BeginSession(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	if got := pgStrings(t, conn, "SELECT status FROM sluice.runs WHERE run_id = $1", s.ID()); len(got) != 1 || got[0] != RunRunning {
		t.Fatalf("run %d is %q, want running", s.ID(), got)
	}
	if n := queryInt(t, conn, `SELECT count(*) FROM sluice.audit WHERE run_id = $1 AND operation = 'run.start'
		AND details->>'tables' = '3'`, s.ID()); n != 1 {
		t.Errorf("run.start entries with the details: %d, want 1", n)
	}
	var locked *LockedError
	if _, err := tg.BeginSession(ctx, spec); !errors.As(err, &locked) {
		t.Fatalf("a second session under the same lock began: %v", err)
	}
	if n := queryInt(t, conn, "SELECT count(*) FROM sluice.runs"); n != 1 {
		t.Errorf("a session refused its lock recorded a run: %d runs", n)
	}
	if _, err := s.End(ctx, RunInvalid, "2 findings", map[string]any{"loaded": 7}); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, conn, `SELECT count(*) FROM sluice.runs r JOIN sluice.audit a USING (run_id)
		WHERE run_id = $1 AND r.status = 'invalid' AND r.message = '2 findings' AND r.finished_at IS NOT NULL
		AND a.operation = 'run.end' AND a.details->>'status' = 'invalid' AND a.details->>'loaded' = '7'`, s.ID()); n != 1 {
		t.Errorf("run %d's end is not recorded with its run.end entry", s.ID())
	}
	if _, err := s.End(ctx, RunOK, "", nil); err == nil {
		t.Error("a second End succeeded")
	}
	next, err := tg.BeginSession(ctx, spec)
	if err != nil {
		t.Fatalf("the lock stayed taken after End: %v", err)
	}
	if _, err := next.End(ctx, RunOK, "", nil); err != nil {
		t.Fatal(err)
	}
}

// Prepare runs under the lock before the run is recorded: its error records
// no run and lets go of the lock.
func TestSessionPrepareFailureRecordsNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, conn := newTarget(t)
	spec := RunSpec{Command: "migrate", Lock: "migrate", Prepare: func(context.Context) error { return errors.New("not ready") }}
	if _, err := tg.BeginSession(ctx, spec); err == nil {
		t.Fatal("a failing Prepare began a session")
	}
	if n := queryInt(t, conn, "SELECT count(*) FROM sluice.runs"); n != 0 {
		t.Errorf("%d runs recorded", n)
	}
	spec.Prepare = nil
	s, err := tg.BeginSession(ctx, spec)
	if err != nil {
		t.Fatalf("the lock stayed taken after a failed Prepare: %v", err)
	}
	if _, err := s.End(ctx, RunOK, "", nil); err != nil {
		t.Fatal(err)
	}
}

// End signs and anchors the run's head; a trail cut behind the anchor's
// back refuses the next session, which records nothing.
func TestSessionAnchorsAndRefusesACutTrail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, conn := newTarget(t)
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	spec := RunSpec{Command: "verify", SigningKey: key, Anchor: audit.NewFile(filepath.Join(t.TempDir(), "heads.log"))}
	s, err := tg.BeginSession(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	head, err := s.End(ctx, RunOK, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if head.Seq == 0 || head.RunID != s.ID() {
		t.Fatalf("End anchored head %+v, want run %d's", head, s.ID())
	}
	if n := queryInt(t, conn, "SELECT count(*) FROM sluice.audit WHERE seq = $1 AND signature IS NOT NULL", head.Seq); n != 1 {
		t.Errorf("the run's head (entry %d) is not signed", head.Seq)
	}
	mustExec(t, conn, "DELETE FROM sluice.audit WHERE seq = $1", head.Seq)
	var tampered *audit.TamperError
	if _, err := tg.BeginSession(ctx, spec); !errors.As(err, &tampered) {
		t.Fatalf("a session began on a cut trail: %v", err)
	}
	if n := queryInt(t, conn, "SELECT count(*) FROM sluice.runs"); n != 1 {
		t.Errorf("the refused session recorded a run: %d runs", n)
	}
}
