package lineage

import (
	"strings"

	"github.com/sluicedb/sluice/plan"
)

// findTable resolves a table reference: a source table ID
// ("chinook.Track"), else a target table name ("track"), else either of
// them ignoring case, provided that only one table matches.
func findTable(p *plan.Plan, ref string) (*plan.Table, error) {
	if t := p.Table(ref); t != nil {
		return t, nil
	}
	match := func(eq func(a, b string) bool) []*plan.Table {
		var out []*plan.Table
		for _, t := range p.Tables {
			if eq(t.Name, ref) || eq(t.ID, ref) {
				out = append(out, t)
			}
		}
		return out
	}
	exact := func(a, b string) bool { return a == b }
	for _, eq := range []func(a, b string) bool{exact, strings.EqualFold} {
		if m := match(eq); len(m) == 1 {
			return m[0], nil
		} else if len(m) > 1 {
			return nil, &UnknownTableError{Ref: ref, Known: tableIDs(m, len(m)), Ambiguous: true}
		}
	}
	return nil, &UnknownTableError{Ref: ref, Known: tableIDs(p.Tables, 8)}
}

func tableIDs(tables []*plan.Table, most int) []string {
	var out []string
	for i, t := range tables {
		if i == most {
			out = append(out, "...")
			break
		}
		out = append(out, t.ID)
	}
	return out
}
