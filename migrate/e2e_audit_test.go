package migrate_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"testing"

	"github.com/sluicedb/sluice/audit"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
)

// Every operation of a run is in the audit trail, chained and signed: the
// run's start and end, each table's mapping and reconciled counts, and one
// entry per committed chunk; a resumed table records its rerun.
func TestRunsAreAudited(t *testing.T) {
	t.Parallel()
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, chinookYAML(sluicetest.ChinookSQLite(t), sluicetest.NewPostgresDB(t), config.KeysUUID, smallChunks))
	interrupt(t, e, func(cancel func()) *probe {
		var seen int64
		return &probe{onChunk: func(id string, _ int64) {
			if id == "chinook.Track" {
				if seen++; seen == 3 {
					cancel()
				}
			}
		}}
	})
	e.mustRun(t, migrate.Options{SigningKey: key, Verify: []int{1, 2, 3, 4, 5, 6}})

	count := func(op string) int64 {
		return e.int64(t, "SELECT count(*) FROM sluice.audit WHERE operation = $1", op)
	}
	if got, want := count("chunk.commit"), e.int64(t, "SELECT count(*) FROM sluice.chunks"); got != want {
		t.Errorf("%d chunk.commit entries for %d committed chunks", got, want)
	}
	if count("run.start") != 2 || count("run.end") != 2 {
		t.Errorf("runs: %d starts, %d ends; want 2 of each", count("run.start"), count("run.end"))
	}
	lastRun := e.int64(t, "SELECT max(run_id) FROM sluice.runs")
	if got := e.int64(t, "SELECT count(DISTINCT details->>'table') FROM sluice.audit WHERE operation = 'table.done' AND run_id = $1", lastRun); got != int64(len(sluicetest.ChinookRows)) {
		t.Errorf("the last run reconciled %d tables in the trail, want %d", got, len(sluicetest.ChinookRows))
	}
	// Verification gives every chunk a content hash, source and target side.
	if got, want := count("chunk.content"), e.int64(t, "SELECT count(*) FROM sluice.chunks"); got != want {
		t.Errorf("%d chunk.content entries for %d chunks", got, want)
	}
	if n := e.int64(t, "SELECT count(*) FROM sluice.audit WHERE operation = 'chunk.content' AND details->>'source_sha256' <> details->>'target_sha256'"); n != 0 {
		t.Errorf("%d chunks differ between source and target", n)
	}
	if count("verify.result") == 0 {
		t.Error("no verification result in the trail")
	}
	if count("table.rerun") == 0 {
		t.Error("the resumed run recorded no table.rerun")
	}
	if n := e.int64(t, `SELECT count(*) FROM sluice.audit WHERE operation = 'chunk.commit'
		AND details->>'table' = 'chinook.Track' AND (details->>'rows_loaded')::int > 0`); n != e.int64(t, "SELECT count(*) FROM sluice.chunks WHERE table_id = 'chinook.Track'") {
		t.Errorf("Track's chunk entries do not match its ledger")
	}
	report, err := e.tgt.VerifyAudit(context.Background(), audit.Options{PublicKey: pub})
	if err != nil {
		t.Fatal(err)
	}
	// The interrupted first run had no signing key: its head is unsigned,
	// but the second run's signed head covers it.
	if !report.OK() || report.GoodSigned != 1 || report.Unsigned != 1 {
		t.Errorf("audit verify: %s", report)
	}
	// Tampering with the trail is found, at the entry that was changed.
	seq := e.int64(t, "SELECT min(seq) FROM sluice.audit WHERE operation = 'chunk.commit'")
	e.int64(t, `WITH u AS (UPDATE sluice.audit SET details = jsonb_set(details, '{rows_loaded}', '99') WHERE seq = $1 RETURNING 1) SELECT count(*) FROM u`, seq)
	report, err = e.tgt.VerifyAudit(context.Background(), audit.Options{PublicKey: pub})
	if err != nil {
		t.Fatal(err)
	}
	if report.OK() || report.Chain == nil || report.Chain.Seq != seq {
		t.Errorf("an edited entry %d was not found: %s", seq, report)
	}
}
