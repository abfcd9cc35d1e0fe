package sqlserver_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/sluicetest/tds"
)

// TestKeysetUnderCaseInsensitiveCollation pages through tables keyed by
// nvarchar and varchar under SQL_Latin1_General_CP1_CI_AS, two rows at a
// time: every row must come exactly once, in the collation's order, which
// is not Go's byte order (a Go comparison of the bound would skip rows).
func TestKeysetUnderCaseInsensitiveCollation(t *testing.T) {
	script, err := tds.FixtureScript("collation")
	if err != nil {
		t.Fatal(err)
	}
	src := openSource(t, sluicetest.SQLServerFixture(t, script))
	defer src.Close()
	cases := map[string][]string{
		"Patient": {"a", "aa", "Ab", "B", "b2", "c", "D", "e", "Émile", "Z"},
		"Ward":    {"Annex", "East", "north", "south", "West"},
	}
	for table, want := range cases {
		var got []string
		var after []any
		for page := 0; page < 20; page++ {
			rows := readPage(t, src, table, after, 2)
			for _, r := range rows {
				got = append(got, r.(string))
			}
			if len(rows) < 2 {
				break
			}
			after = []any{rows[len(rows)-1]}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s paged by Code: %q, want %q", table, got, want)
		}
		sorted := slices.Clone(want)
		slices.Sort(sorted)
		if slices.Equal(sorted, want) {
			t.Errorf("%s: the fixture's keys sort the same in Go; the test proves nothing", table)
		}
	}
}

// TestKeysetAfterUndecodableKey pages one row at a time past a varchar key
// whose bytes do not decode: the bound is sent as those bytes, so the next
// page starts right after it.
func TestKeysetAfterUndecodableKey(t *testing.T) {
	script, err := tds.FixtureScript("collation")
	if err != nil {
		t.Fatal(err)
	}
	src := openSource(t, sluicetest.SQLServerFixture(t, script))
	defer src.Close()
	var got []string
	var after []any
	for page := 0; page < 5; page++ {
		rows := readPage(t, src, "Legacy", after, 1)
		if len(rows) == 0 {
			break
		}
		got = append(got, fmt.Sprint(rows[0]))
		after = rows
	}
	if want := []string{"a", "0x6181", "b"}; !slices.Equal(got, want) {
		t.Errorf("Legacy paged one by one: %q, want %q", got, want)
	}
}

func readPage(t *testing.T, src sluice.Source, table string, after []any, limit int) []any {
	t.Helper()
	it, err := src.Read(t.Context(), sluice.ReadRequest{Table: table, Columns: []string{"Code"}, Key: []string{"Code"}, After: after, Limit: limit})
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var keys []any
	for it.Next() {
		keys = append(keys, it.Key()[0])
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	return keys
}
