package stream

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
)

// Watch hears the source key of every row a change touches, the old and
// the new one of a key update, and "all" for a truncate or a key the change
// does not carry; a table the mapping does not read is not heard.
func TestWatchHearsTheTouchedKeys(t *testing.T) {
	m := peopleMapper(t)
	var heard []string
	m.Watch(func(table string, key []any, all bool) {
		if all {
			heard = append(heard, table+" all")
			return
		}
		heard = append(heard, fmt.Sprint(table, " ", key))
	})
	for _, ch := range []sluice.Change{
		{Kind: sluice.ChangeInsert, Table: "People", After: []any{int64(1), "x", "ann", "n"}},
		{Kind: sluice.ChangeUpdate, Table: "People", Before: []any{int64(1), u, u, u}, After: []any{int64(2), "x", "ann", "n"}},
		{Kind: sluice.ChangeDelete, Table: "People", Before: []any{int64(3), u, u, u}},
		{Kind: sluice.ChangeUpdate, Table: "People", After: []any{u, "x", "ann", "n"}},
		{Kind: sluice.ChangeInsert, Table: "Other", After: []any{int64(9)}},
		{Kind: sluice.ChangeTruncate, Table: "People"},
	} {
		m.Map(&ch, pos(5), "5")
	}
	want := "crm.People [1], crm.People [1], crm.People [2], crm.People [3], crm.People all, crm.People all"
	if got := strings.Join(heard, ", "); got != want {
		t.Errorf("heard %s\nwant  %s", got, want)
	}
}
