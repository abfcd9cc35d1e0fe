package csvsrc

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
)

// TestCheckKeyFindsDuplicatesAsPostgreSQLCompares: "07" and "7" are one
// integer, "1.5" and "1.50" one numeric; records rejected anyway (a bad
// value, a NULL key, a malformed record) are not counted. The answer is the
// same whether the keys fit in memory or spill into sorted runs.
func TestCheckKeyFindsDuplicatesAsPostgreSQLCompares(t *testing.T) {
	data := "id,amount\n" +
		"7,1.5\n" + // 1
		"07,2\n" + // 2: id 7 again
		"8,1.50\n" + // 3
		"9,1.5\n" + // 4
		"x,1.5\n" + // 5: rejected anyway: neither key counts
		",1.5\n" + // 6: a NULL id is rejected anyway; its amount counts
		"10\n" + // 7: malformed
		"11,3\n" // 8
	for _, entries := range []int{1 << 20, 2} {
		t.Run(fmt.Sprint(entries), func(t *testing.T) {
			defer func(n int) { runEntries = n }(runEntries)
			runEntries = entries
			src := openDir(t, writeFiles(t, map[string][]byte{"t.csv": []byte(data)}),
				Options{Tables: []TableSpec{{Name: "t", Types: map[string]string{"id": "integer", "amount": "numeric(5,2)"}}}})
			rep, err := src.CheckKey(context.Background(), sluice.KeyCheck{Table: "t", Key: []string{"id"}, Page: []string{"_record"}, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Duplicates != 2 || !reflect.DeepEqual(rep.DupRows, [][]any{{int64(1)}, {int64(2)}}) || !slices.Equal(rep.DupKeys, []string{"7"}) {
				t.Errorf("by id: %+v, want records 1 and 2, key 7", rep)
			}
			rep, err = src.CheckKey(context.Background(), sluice.KeyCheck{Table: "t", Key: []string{"amount"}, Page: []string{"_record"}, Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Duplicates != 4 || !reflect.DeepEqual(rep.DupRows, [][]any{{int64(1)}, {int64(3)}}) || !slices.Equal(rep.DupKeys, []string{"1.5"}) {
				t.Errorf("by amount (limit 2): %+v, want 4 duplicates (1, 3, 4, 6), the first 2 listed, key 1.5", rep)
			}
			rep, err = src.CheckKey(context.Background(), sluice.KeyCheck{Table: "t", Key: []string{"id", "amount"}, Page: []string{"_record"}, Limit: 10})
			if err != nil || !rep.Clean() {
				t.Errorf("by (id, amount): %+v, %v; want clean", rep, err)
			}
		})
	}
}

func TestCanonicalDecimal(t *testing.T) {
	for in, want := range map[string]string{"1.50": "1.5", "-0.00": "0", "007.10": "7.1", "+3": "3", "-12": "-12", ".5": "0.5", "1e3": "1e3"} {
		if got := canonicalDecimal(in); got != want {
			t.Errorf("canonicalDecimal(%q) = %q, want %q", in, got, want)
		}
	}
	if !strings.Contains(fmt.Sprint(keyHash("a") == keyHash("a"), keyHash("a") != keyHash("b")), "true true") {
		t.Error("keyHash is not a function of the key")
	}
}
