package migrate_test

import (
	"context"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
)

// A changed mapping between runs must never leave a table holding rows of
// two mappings: a finished table (strategy create) and a table interrupted
// in the middle of its load are both loaded again, in a new generation,
// under the new mapping; the tables whose mapping did not change are kept.
func TestChangedMappingReloadsTheTable(t *testing.T) {
	t.Parallel()
	src, tgt := sluicetest.ChinookSQLite(t), sluicetest.NewPostgresDB(t)
	before := newEnv(t, chinookYAML(src, tgt, config.KeysUUID, smallChunks))
	interrupt(t, before, func(cancel func()) *probe {
		var seen int64
		return &probe{onChunk: func(id string, _ int64) {
			if id == "chinook.Track" {
				if seen++; seen == 3 {
					cancel()
				}
			}
		}}
	})
	if n := before.int64(t, "SELECT count(*) FROM sluice.chunks WHERE table_id = 'chinook.Track'"); n < 3 || n >= 36 {
		t.Fatalf("the interrupted run committed %d chunks of Track; the test needs a partial load", n)
	}
	renamed := `tables:
  chinook.PlaylistTrack: {chunk_rows: 100}
  chinook.Track:
    chunk_rows: 100
    columns:
      Name: {name: title}
`
	after := newEnv(t, chinookYAML(src, tgt, config.KeysUUID, renamed))
	sum := after.mustRun(t, migrate.Options{})
	for _, r := range sum.Tables {
		if want := chinookRows()[r.Target]; r.Loaded != want {
			t.Errorf("%s: %d rows loaded, want %d", r.ID, r.Loaded, want)
		}
	}
	if n := after.int64(t, `SELECT count(*) FROM information_schema.columns WHERE table_name = 'track' AND column_name = 'title'`); n != 1 {
		t.Error("track was not rebuilt with the renamed column")
	}
	if g := after.int64(t, `SELECT generation FROM sluice.tables WHERE id = 'chinook.Track'`); g != 2 {
		t.Errorf("track is in generation %d, want 2 (reloaded under the new mapping)", g)
	}
	checkLedger(t, after, "chinook.Track", sluicetest.ChinookRows["Track"])
	kept := after.int64(t, `SELECT count(*) FROM sluice.tables WHERE id <> 'chinook.Track' AND generation <> 1`)
	if kept != 0 {
		t.Errorf("%d tables with an unchanged mapping were reloaded", kept)
	}

	// Finished, then the mapping changes back: strategy create reloads only Track.
	sum = before.mustRun(t, migrate.Options{})
	for _, r := range sum.Tables {
		if r.Skipped == (r.ID == "chinook.Track") {
			t.Errorf("%s: skipped = %v after only Track's mapping changed", r.ID, r.Skipped)
		}
	}
	if g := before.int64(t, `SELECT generation FROM sluice.tables WHERE id = 'chinook.Track'`); g != 3 {
		t.Errorf("track is in generation %d, want 3", g)
	}
	checkLedger(t, before, "chinook.Track", sluicetest.ChinookRows["Track"])
}

// A finished table is skipped only while its target table is there, in the
// schema the config names: dropped, or with the config moved to another
// schema, it is loaded again instead of being reported as loaded (found in
// review).
func TestFinishedTableIsReloadedWhenItsTargetIsGone(t *testing.T) {
	t.Parallel()
	src, tgt := sluicetest.ChinookSQLite(t), sluicetest.NewPostgresDB(t)
	e := newEnv(t, chinookYAML(src, tgt, config.KeysKeep, ""))
	e.mustRun(t, migrate.Options{})
	if _, err := e.db.Exec(context.Background(), "DROP TABLE genre CASCADE"); err != nil {
		t.Fatal(err)
	}
	sum := e.mustRun(t, migrate.Options{})
	for _, r := range sum.Tables {
		if r.Skipped == (r.ID == "chinook.Genre") {
			t.Errorf("%s: skipped = %v after only genre was dropped", r.ID, r.Skipped)
		}
	}
	if n := e.int64(t, "SELECT count(*) FROM genre"); n != sluicetest.ChinookRows["Genre"] {
		t.Errorf("genre holds %d rows after the rerun, want %d", n, sluicetest.ChinookRows["Genre"])
	}

	moved := newEnv(t, strings.Replace(chinookYAML(src, tgt, config.KeysKeep, ""), "target:\n", "target:\n  schema: archive\n", 1))
	sum = moved.mustRun(t, migrate.Options{})
	for _, r := range sum.Tables {
		if r.Skipped {
			t.Errorf("%s was skipped although schema archive has no such table", r.ID)
		}
	}
	if n := moved.int64(t, "SELECT count(*) FROM archive.track"); n != sluicetest.ChinookRows["Track"] {
		t.Errorf("archive.track holds %d rows, want %d", n, sluicetest.ChinookRows["Track"])
	}
}
