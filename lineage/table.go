package lineage

import (
	"strings"

	"github.com/sluicedb/sluice/plan"
)

// findTable resolves a table reference: a source table ID
// ("chinook.Track"), else a target table name ("track"), else either of
// them ignoring case, provided that only one table matches.
func findTable(p *plan.Plan, ref string) (*plan.Table, error) {
	ts, err := findTables(p, ref)
	if err != nil {
		return nil, err
	}
	if len(ts) > 1 {
		return nil, &UnknownTableError{Ref: ref, Known: tableIDs(ts, len(ts)), Ambiguous: true}
	}
	return ts[0], nil
}

// findTables resolves a table reference as findTable does, except that a
// target table fed by several source tables (a merged table) gives all its
// parts, in from: order, for Trace to look the key up in each.
func findTables(p *plan.Plan, ref string) ([]*plan.Table, error) {
	if t := p.Table(ref); t != nil {
		return []*plan.Table{t}, nil
	}
	if parts := mergedParts(p, ref); len(parts) > 1 {
		return parts, nil
	}
	t, err := findOne(p, ref)
	if err != nil {
		return nil, err
	}
	return []*plan.Table{t}, nil
}

// mergedParts are the parts of the merged target table named ref.
func mergedParts(p *plan.Plan, ref string) []*plan.Table {
	var out []*plan.Table
	for _, t := range p.Tables {
		if t.Merged != nil && t.Name == ref {
			out = append(out, t)
		}
	}
	return out
}

func findOne(p *plan.Plan, ref string) (*plan.Table, error) {
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
