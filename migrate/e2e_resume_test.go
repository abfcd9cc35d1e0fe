package migrate_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
)

const smallChunks = `tables:
  chinook.PlaylistTrack: {chunk_rows: 100}
  chinook.Track: {chunk_rows: 100}
`

// TestResumeAfterInterrupt stops a run (in the middle of PlaylistTrack and
// Track, or while it adds the foreign keys), runs it again, and proves the
// target is identical to an uninterrupted run's and the ledger has every
// chunk exactly once.
func TestResumeAfterInterrupt(t *testing.T) {
	t.Parallel()
	src := sluicetest.ChinookSQLite(t)
	ref := newEnv(t, chinookYAML(src, sluicetest.NewPostgresDB(t), config.KeysUUID, smallChunks))
	ref.mustRun(t, migrate.Options{})
	want := fingerprints(t, ref)

	t.Run("mid_table", func(t *testing.T) {
		e := newEnv(t, chinookYAML(src, sluicetest.NewPostgresDB(t), config.KeysUUID, smallChunks))
		interrupt(t, e, func(cancel func()) *probe {
			var seen int64
			return &probe{onChunk: func(id string, _ int64) {
				if id == "chinook.PlaylistTrack" { // only that table's loader goroutine gets here
					if seen++; seen == 5 {
						cancel()
					}
				}
			}}
		})
		if n := e.int64(t, "SELECT count(*) FROM sluice.chunks WHERE table_id = 'chinook.PlaylistTrack'"); n < 5 || n >= 88 {
			t.Fatalf("the interrupted run committed %d chunks of PlaylistTrack; the test needs a partial load", n)
		}
		p := &probe{}
		checkResumed(t, e, e.mustRun(t, migrate.Options{Observer: p}), want)
		if _, ok := p.resumedTables()["chinook.PlaylistTrack"]; !ok {
			t.Errorf("the second run did not resume PlaylistTrack (resumed: %v)", p.resumedTables())
		}
		if n := e.int64(t, "SELECT count(DISTINCT run_id) FROM sluice.chunks WHERE table_id = 'chinook.PlaylistTrack'"); n != 2 {
			t.Errorf("PlaylistTrack's chunks were committed by %d runs, want 2", n)
		}
	})
	t.Run("reconcile", func(t *testing.T) {
		e := newEnv(t, chinookYAML(src, sluicetest.NewPostgresDB(t), config.KeysUUID, smallChunks))
		orig := e.srcs["chinook"]
		interrupt(t, e, func(cancel func()) *probe {
			e.srcs["chinook"] = countHook{Source: orig, before: func(table string) {
				if table == "PlaylistTrack" {
					cancel()
				}
			}}
			return &probe{}
		})
		e.srcs["chinook"] = orig
		// Every PlaylistTrack row is loaded: an interruption while counting
		// them must not throw that load away.
		if s := e.text(t, "SELECT state FROM sluice.tables WHERE id = 'chinook.PlaylistTrack'"); s != "loaded" {
			t.Errorf("PlaylistTrack, interrupted while reconciling, is in state %q, want loaded", s)
		}
		p := &probe{}
		checkResumed(t, e, e.mustRun(t, migrate.Options{Observer: p}), want)
	})
	t.Run("foreign_keys", func(t *testing.T) {
		e := newEnv(t, chinookYAML(src, sluicetest.NewPostgresDB(t), config.KeysUUID, smallChunks))
		interrupt(t, e, func(cancel func()) *probe {
			return &probe{onPhase: func(msg string) {
				if strings.Contains(msg, "foreign keys") {
					cancel()
				}
			}}
		})
		p := &probe{}
		checkResumed(t, e, e.mustRun(t, migrate.Options{Observer: p}), want)
		if n := p.chunks.Load(); n != 0 {
			t.Errorf("the rerun loaded %d chunks; every table was loaded already", n)
		}
	})
}

// checkResumed proves a resumed run finished the job: the counts, the
// content, the ledger and the foreign keys are those of an uninterrupted run.
func checkResumed(t *testing.T, e *env, sum *migrate.Summary, want map[string]string) {
	t.Helper()
	for _, r := range sum.Tables {
		if n := chinookRows()[r.Target]; r.Loaded != n || r.Read != n || r.SourceRows != n {
			t.Errorf("%s: %+v, want %d rows", r.Target, r, n)
		}
	}
	sameContent(t, "resumed target", fingerprints(t, e), want)
	for name, rows := range sluicetest.ChinookRows {
		checkLedger(t, e, "chinook."+name, rows)
	}
	if s := e.text(t, "SELECT string_agg(concat_ws(' ', id, 'generation', generation, state), ', ') FROM sluice.tables WHERE generation <> 1 OR state <> 'done'"); s != "" {
		t.Errorf("tables not done in generation 1: %s", s)
	}
	checkForeignKeysValidated(t, e, len(chinookFKs))
}

// interrupt runs e's migration with the probe newProbe makes, which calls
// cancel at the moment it chooses; the run must report sluice.ErrInterrupted.
func interrupt(t *testing.T, e *env, newProbe func(cancel func()) *probe) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := e.run(ctx, migrate.Options{Observer: newProbe(cancel)})
	if !errors.Is(err, sluice.ErrInterrupted) {
		t.Fatalf("an interrupted run returned %v, want sluice.ErrInterrupted", err)
	}
	run := e.int64(t, "SELECT max(run_id) FROM sluice.runs")
	if s := e.text(t, "SELECT status FROM sluice.runs WHERE run_id = $1", run); s != "interrupted" {
		t.Errorf("the interrupted run is recorded as %q", s)
	}
}
