package main

import (
	"slices"
	"testing"

	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/verify"
)

// What the passes before the freeze leave for the next pass (or the
// freeze) to read: the keys changed since the last pass began and those it
// found different; a table whose changes or differences name no integer
// key is read whole.
func TestProvenRowsKeysLeftToRead(t *testing.T) {
	p := newProvenRows([]*plan.Table{{ID: "s.t"}, {ID: "s.u"}})
	left := func() map[string][]int64 {
		keys, _ := p.keys()
		for _, k := range keys {
			slices.Sort(k)
		}
		return keys
	}
	p.touch("s.t", []any{int64(1)}, false) // before the first pass, which reads it
	p.begin(1)
	p.found(verify.Finding{Table: "s.t", LegacyKey: "7"})
	p.touch("s.t", []any{int64(2)}, false)
	p.touch("s.u", []any{uint64(5)}, false)
	if got := left(); !slices.Equal(got["s.t"], []int64{2, 7}) || !slices.Equal(got["s.u"], []int64{5}) {
		t.Fatalf("after pass 1: %v, want s.t [2 7], s.u [5]", got)
	}
	p.begin(2) // read 2, 7 and 5 again: all equal now
	p.touch("s.t", []any{int32(3)}, false)
	if got := left(); !slices.Equal(got["s.t"], []int64{3}) || len(got["s.u"]) != 0 || len(got) != 2 {
		t.Fatalf("after pass 2: %v, want s.t [3], s.u none", got)
	}
	p.touch("s.u", []any{"a text key"}, false)
	p.found(verify.Finding{Table: "s.t", LegacyKey: ""})
	if got := left(); len(got) != 0 {
		t.Fatalf("a change and a finding by no integer key: %v, want both tables read whole", got)
	}
	p.begin(3)
	if got := left(); len(got) != 2 {
		t.Fatalf("after pass 3 read them whole: %v, want both tables by key again", got)
	}
}
