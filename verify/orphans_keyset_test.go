package verify_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/verify"
)

// Level 3 with Options.Keys naming the child and its parent checks only the
// child rows of the keys given and the children of the parent keys given
// whose row is gone: an orphan of either kind is found, one elsewhere is
// not looked for. With keys: uuid, a parent row whose UUID is not the one
// the key function gives its key makes level 3 check the foreign key whole,
// as does a parent the keys do not name.
func TestOrphansOfTheKeysGiven(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		keys, child, parent, bogus string
	}{
		{config.KeysUUID, "legacy_id", "legacy_id", "gen_random_uuid()"},
		{config.KeysKeep, "order_id", "customer_id", "990 + order_id"},
	} {
		t.Run(c.keys, func(t *testing.T) {
			t.Parallel()
			e := shop(t, c.keys, "")
			// Order 2 references no customer (a child changed), order 3's
			// customer 2 is gone (a parent deleted), order 4 references no
			// customer but neither it nor its customer is among the keys.
			e.exec(t, "UPDATE orders SET customer_id = "+c.bogus+" WHERE "+c.child+" IN (2, 4)",
				"DELETE FROM customers WHERE "+c.parent+" = 2")
			keys := map[string][]int64{"shop.Orders": {2}, "shop.Customers": {2, 5}}
			if got, res := orphans(t, e, keys); !slices.Equal(got, []string{"2", "3"}) || !strings.Contains(res.Detail, "1 checked only for the rows of chosen keys") {
				t.Errorf("orphans of the keys given: %v (%s), want 2 and 3", got, res.Detail)
			}
			if got, _ := orphans(t, e, map[string][]int64{"shop.Orders": {2}}); !slices.Equal(got, []string{"2", "3", "4"}) {
				t.Errorf("parent not among the keys: %v, want every orphan", got)
			}
			if c.keys != config.KeysUUID {
				return
			}
			e.exec(t, "UPDATE customers SET customer_id = gen_random_uuid() WHERE legacy_id = 5")
			if got, res := orphans(t, e, keys); !slices.Equal(got, []string{"2", "3", "4"}) || strings.Contains(res.Detail, "chosen keys") {
				t.Errorf("a parent whose UUID is not its key's: %v (%s), want every orphan", got, res.Detail)
			}
		})
	}
}

// orphans runs level 3 of shop.Orders with keys, and returns the legacy
// keys of the orphans found, sorted, and the level's result.
func orphans(t *testing.T, e *env, keys map[string][]int64) ([]string, verify.LevelResult) {
	t.Helper()
	o := verify.Options{Levels: []int{verify.LevelOrphans}, Keys: keys}
	tr, err := verify.Table(context.Background(), e.plan, e.plan.Table("shop.Orders"), e.srcs["shop"], e.tgt, o)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range tr.Findings {
		if f.Check == "orphan" {
			got = append(got, f.LegacyKey)
		}
	}
	slices.Sort(got)
	return got, tr.Levels[verify.LevelOrphans]
}
