package plan

import (
	"fmt"
	"strings"
	"testing"
)

// The hashes of the golden fixture's tables, as the release before merged
// tables, expansions and computed columns computed them (testdata was
// written by that release). A table that uses none of them must keep its
// hash, or every existing target would reload after an upgrade.
func TestGoldenHashes(t *testing.T) {
	var b strings.Builder
	for _, v := range variants {
		p := buildVariant(t, v.defaults())
		for _, tbl := range p.Tables {
			fmt.Fprintf(&b, "%s %s %s\n", v.name, tbl.ID, tbl.Hash(p.Namespace))
		}
	}
	golden(t, "hashes.golden", []byte(b.String()))
}
