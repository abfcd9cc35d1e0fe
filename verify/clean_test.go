package verify_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/verify"
)

// text renders a report for a failure message.
func text(t testing.TB, r *verify.Report) string {
	t.Helper()
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatalf("write the report: %v", err)
	}
	return b.String()
}

// TestCleanMigrationVerifies: a migration nobody touched verifies with no
// finding at any level, under both key strategies, and every level really
// ran: level 6 compared every source row, the others are applicable exactly
// where the table has what they check.
func TestCleanMigrationVerifies(t *testing.T) {
	t.Parallel()
	rows := map[string]int64{"shop.Customers": 6, "shop.Orders": 5, "shop.OrderLines": 6, "shop.Tags": 4, "shop.Codes": 4}
	for _, keys := range []string{config.KeysUUID, config.KeysKeep} {
		t.Run(keys, func(t *testing.T) {
			t.Parallel()
			e := shop(t, keys, "")
			r := e.verifyAll(t)
			if !r.OK() || len(r.Tables) != len(rows) {
				t.Fatalf("%d findings in %d tables:\n%s", r.Findings, len(r.Tables), text(t, r))
			}
			for _, tr := range r.Tables {
				for _, l := range verify.Levels {
					want := wantStatus(tr.ID, l, keys)
					if got := tr.Levels[l].Status; got != want {
						t.Errorf("%s level %d: %s (%s), want %s", tr.ID, l, got, tr.Levels[l].Detail, want)
					}
				}
				if got := tr.Levels[verify.LevelContent].Checked; got != rows[tr.ID] {
					t.Errorf("%s: level 6 compared %d rows, the source holds %d", tr.ID, got, rows[tr.ID])
				}
			}
			t.Log("\n" + text(t, r))
		})
	}
}

// wantStatus is where a level does not apply to the shop tables.
func wantStatus(table string, level int, keys string) string {
	na := verify.StatusNotApplicable
	switch {
	case level == verify.LevelKeys && table == "shop.Tags":
		return na
	case level == verify.LevelOrphans && table != "shop.Orders" && table != "shop.OrderLines":
		return na
	case level == verify.LevelLegacy && (keys == config.KeysKeep || table == "shop.Tags"):
		return na
	}
	return verify.StatusOK
}

// TestChunkDigests: level 6 reads the source in keyset chunks, each with a
// SHA-256 digest per side; equal content gives equal digests, and the last,
// empty chunk still covers the key range after the last source key.
func TestChunkDigests(t *testing.T) {
	t.Parallel()
	e := shop(t, config.KeysUUID, "")
	var mu sync.Mutex
	var got []verify.ChunkDigest
	o := verify.Options{ChunkRows: 2, Levels: []int{verify.LevelContent}, OnChunk: func(d verify.ChunkDigest) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, d)
	}}
	tr, err := verify.Table(context.Background(), e.plan, e.plan.Table("shop.Customers"), e.srcs["shop"], e.tgt, o)
	if err != nil || tr.FindingCount() != 0 {
		t.Fatalf("verify: %v, %d findings", err, tr.FindingCount())
	}
	slices.SortFunc(got, func(a, b verify.ChunkDigest) int { return a.Chunk - b.Chunk })
	want := [][2]string{{"", "2"}, {"2", "4"}, {"4", "6"}, {"6", ""}}
	if len(got) != len(want) {
		t.Fatalf("%d chunks, want %d: %+v", len(got), len(want), got)
	}
	for i, d := range got {
		rows := 2
		if i == 3 {
			rows = 0
		}
		if d.Chunk != i+1 || d.After != want[i][0] || d.Last != want[i][1] || d.SourceRows != rows || d.TargetRows != rows || d.Source != d.Target {
			t.Errorf("chunk %d: %+v", i+1, d)
		}
	}
	if got[0].Source == got[1].Source {
		t.Error("two chunks of different rows have the same digest")
	}
}
