package plan

import "strings"

// drift prints, per merged table, how its sources differ and how the plan
// settles it: the columns each source lacks and their fill, the columns
// whose types differ and the type chosen, and the source columns no
// mapping reads.
func (r *renderer) drift(p *Plan) {
	for _, d := range p.Drift {
		parts := mergedParts(p, d)
		r.printf("\nSchema drift: %s", d.Table)
		if r.several {
			r.printf(" (database %s)", d.Database)
		}
		r.printf(" <- %s\n", joinCols(parts))
		if len(d.Missing)+len(d.Types)+len(d.Unused) == 0 {
			r.printf("  none: every source has every column, with the same type\n")
			continue
		}
		r.missing(d.Missing)
		r.types(d.Types, parts)
		r.unused(d.Unused)
	}
}

// mergedParts are the parts of a drift's merged table, in from order.
func mergedParts(p *Plan, d Drift) []string {
	for _, t := range p.Tables {
		if t.Merged != nil && t.Merged.Table == d.Table && t.Database == d.Database {
			return t.Merged.Parts
		}
	}
	return nil
}

func (r *renderer) missing(ms []MissingDrift) {
	if len(ms) == 0 {
		return
	}
	r.printf("  columns missing in a source:\n")
	for _, m := range ms {
		r.printf("    %s lacks %s: filled with %s\n", m.Source, m.Column, fillText(m.Fill))
	}
}

func (r *renderer) types(ts []TypeDrift, parts []string) {
	if len(ts) == 0 {
		return
	}
	r.printf("  type mismatches:\n")
	for _, t := range ts {
		var each []string
		for _, id := range parts {
			if typ, ok := t.Types[id]; ok {
				each = append(each, id+" "+typ)
			}
		}
		r.printf("    %s: %s -> %s (%s)\n", t.Column, strings.Join(each, ", "), t.Resolved, t.Why)
	}
}

func (r *renderer) unused(us []UnusedDrift) {
	if len(us) == 0 {
		return
	}
	r.printf("  source columns no mapping uses:\n")
	var cols []string
	for i, u := range us {
		cols = append(cols, u.Column)
		if i == len(us)-1 || us[i+1].Source != u.Source {
			r.printf("    %s: %s\n", u.Source, strings.Join(cols, ", "))
			cols = nil
		}
	}
}
