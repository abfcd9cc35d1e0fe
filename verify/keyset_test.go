package verify_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/verify"
)

// Options.Keys has levels 5 and 6 read only the rows of the keys given, on
// both sides: a difference in one of them is found (a changed value, a
// missing row), one elsewhere is not looked at; OnFinding hears each
// finding, also of a level not asked for. Tables whose key is not one
// integer cannot be read so.
func TestKeySetReadsOnlyTheKeysGiven(t *testing.T) {
	t.Parallel()
	e := shop(t, config.KeysUUID, "")
	e.exec(t, "UPDATE customers SET name = 'changed' WHERE legacy_id IN (2, 5)", "DELETE FROM customers WHERE legacy_id = 3")
	ctx, customers := context.Background(), e.plan.Table("shop.Customers")
	var mu sync.Mutex
	heard := map[string]bool{}
	o := verify.Options{ChunkRows: 2, Levels: []int{verify.LevelLegacy}, Keys: map[string][]int64{"shop.Customers": {2, 3, 99, 2}},
		OnFinding: func(f verify.Finding) { mu.Lock(); defer mu.Unlock(); heard[f.Check+" "+f.LegacyKey] = true }}
	tr, err := verify.Table(ctx, e.plan, customers, e.srcs["shop"], e.tgt, o)
	if err != nil {
		t.Fatal(err)
	}
	if !heard["missing key 3"] || heard["value 5"] || len(heard) != 2 || !heard["missing row 3"] {
		t.Errorf("findings heard %v, want the missing key 3 (levels 5 and 6) only", heard)
	}
	if res := tr.Levels[verify.LevelLegacy]; res.Findings != 1 || !strings.Contains(res.Detail, "only the rows of 3 chosen keys") {
		t.Errorf("level 5: %+v", res)
	}

	o.Levels, heard = []int{verify.LevelContent}, map[string]bool{}
	if tr, err = verify.Table(ctx, e.plan, customers, e.srcs["shop"], e.tgt, o); err != nil {
		t.Fatal(err)
	}
	if res := tr.Levels[verify.LevelContent]; res.Findings != 2 || !heard["value 2"] || !heard["missing row 3"] || heard["value 5"] {
		t.Errorf("level 6: %+v, heard %v; want the value of 2 and the missing row 3, not 5", res, heard)
	}

	o.Keys = map[string][]int64{"shop.Customers": {}}
	if tr, err = verify.Table(ctx, e.plan, customers, e.srcs["shop"], e.tgt, o); err != nil || tr.FindingCount() != 0 {
		t.Errorf("no key given: %v, %d findings; want nothing read", err, tr.FindingCount())
	}
	for id, want := range map[string]bool{"shop.Customers": true, "shop.Orders": true, "shop.OrderLines": false, "shop.Codes": false, "shop.Tags": false} {
		if got := verify.KeySetCheckable(e.plan.Table(id)); got != want {
			t.Errorf("KeySetCheckable(%s) = %v, want %v", id, got, want)
		}
	}
}
