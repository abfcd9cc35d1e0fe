package migrate_test

import (
	"context"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/sluicetest"
)

// stateSnapshot is what the state schema says about the tables and the
// ledger, down to commit times: a run that changes nothing leaves it equal.
func stateSnapshot(t *testing.T, e *env) string {
	t.Helper()
	return e.text(t, `SELECT (SELECT string_agg(concat_ws(':', id, generation, state, rows_loaded, rows_rejected, chunks_done, run_id, finished_at), ',' ORDER BY id) FROM sluice.tables)
		|| (SELECT string_agg(concat_ws(':', table_id, generation, chunk_no, run_id, committed_at), ',' ORDER BY table_id, generation, chunk_no) FROM sluice.chunks)`)
}

// TestRerunAfterCompleteRun runs Chinook again after a complete run: with
// strategy create every table is skipped and nothing changes; with strategy
// truncate every table reloads into a new generation with the same content.
func TestRerunAfterCompleteRun(t *testing.T) {
	t.Parallel()
	src, tgt := sluicetest.ChinookSQLite(t), sluicetest.NewPostgresDB(t)
	e := newEnv(t, chinookYAML(src, tgt, config.KeysUUID, smallChunks))
	e.mustRun(t, migrate.Options{})
	content, state := fingerprints(t, e), stateSnapshot(t, e)

	sum := e.mustRun(t, migrate.Options{})
	for _, r := range sum.Tables {
		if want := chinookRows()[r.Target]; !r.Skipped || r.Loaded != want || r.Read != want {
			t.Errorf("rerun with strategy create: %+v, want skipped with %d rows", r, want)
		}
	}
	sameContent(t, "after a skipped rerun", fingerprints(t, e), content)
	if s := stateSnapshot(t, e); s != state {
		t.Errorf("a skipped rerun changed the state:\n%s\nwas\n%s", s, state)
	}
	checkForeignKeysValidated(t, e, len(chinookFKs))

	e = newEnv(t, chinookYAML(src, tgt, config.KeysUUID, "  strategy: truncate\n"+smallChunks))
	sum = e.mustRun(t, migrate.Options{})
	for _, r := range sum.Tables {
		if want := chinookRows()[r.Target]; r.Skipped || r.Loaded != want || r.SourceRows != want {
			t.Errorf("rerun with strategy truncate: %+v, want %d rows reloaded", r, want)
		}
	}
	if n := e.int64(t, "SELECT count(*) FROM sluice.tables WHERE generation <> 2 OR state <> 'done'"); n != 0 {
		t.Errorf("%d tables are not done in generation 2", n)
	}
	sameContent(t, "after a truncate rerun", fingerprints(t, e), content)
	for name, rows := range sluicetest.ChinookRows {
		checkLedger(t, e, "chinook."+name, rows)
	}
	checkForeignKeysValidated(t, e, len(chinookFKs))
}

// TestExistingTargetTable meets a target table Sluice did not create: one
// with other columns, and one with the planned columns but foreign rows.
// Both fail that table before any of its chunks loads and leave it as it
// was, while the other tables load; a rerun loads it once the table is
// gone, and only it.
func TestExistingTargetTable(t *testing.T) {
	t.Parallel()
	src := sluicetest.ChinookSQLite(t)
	cases := []struct {
		name, want string
		setup      func(*plan.Table) string
	}{
		{"other_columns", "exists with other columns", func(*plan.Table) string {
			return `CREATE TABLE public.playlist_track (playlist_id int, track_id int, note text);
				INSERT INTO public.playlist_track VALUES (1, 1, 'mine')`
		}},
		{"foreign_rows", "already holds 1 rows that Sluice did not load", func(pt *plan.Table) string {
			return plan.CreateTable("public", pt) + `;
				INSERT INTO public.playlist_track VALUES (gen_random_uuid(), 'mine', gen_random_uuid(), gen_random_uuid())`
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, chinookYAML(src, sluicetest.NewPostgresDB(t), config.KeysUUID, ""))
			if _, err := e.db.Exec(context.Background(), c.setup(e.table(t, "PlaylistTrack"))); err != nil {
				t.Fatal(err)
			}
			before := e.text(t, "SELECT string_agg(x::text, ',') FROM public.playlist_track x")
			_, err := e.run(context.Background(), migrate.Options{})
			if err == nil || !strings.Contains(err.Error(), "public.playlist_track") || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("run returned %v, want an error naming public.playlist_track: %s", err, c.want)
			}
			t.Logf("error: %v", err)
			if n := e.int64(t, "SELECT count(*) FROM sluice.chunks WHERE table_id = 'chinook.PlaylistTrack'"); n != 0 {
				t.Errorf("%d chunks of PlaylistTrack loaded before the error", n)
			}
			if n := e.int64(t, "SELECT count(*) FROM sluice.tables WHERE state = 'done'"); n != int64(len(sluicetest.ChinookRows)-1) {
				t.Errorf("%d tables done, want every table but PlaylistTrack", n)
			}
			if after := e.text(t, "SELECT string_agg(x::text, ',') FROM public.playlist_track x"); after != before {
				t.Errorf("playlist_track changed from %s to %s", before, after)
			}
			if s := e.text(t, "SELECT status FROM sluice.runs"); s != "failed" {
				t.Errorf("the run is recorded as %q, want failed", s)
			}
			if _, err := e.db.Exec(context.Background(), "DROP TABLE public.playlist_track"); err != nil {
				t.Fatal(err)
			}
			sum := e.mustRun(t, migrate.Options{})
			for _, r := range sum.Tables {
				if r.Skipped == (r.ID == "chinook.PlaylistTrack") || r.Failed != "" {
					t.Errorf("the rerun: %+v; want only PlaylistTrack loaded, the others finished by the first run", r)
				}
			}
			if n := e.int64(t, "SELECT count(*) FROM public.playlist_track"); n != sluicetest.ChinookRows["PlaylistTrack"] {
				t.Errorf("playlist_track holds %d rows after the rerun", n)
			}
		})
	}
}
