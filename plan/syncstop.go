package plan

// SyncStop says why `sluice sync` cannot follow the table's changes, ""
// when it can: what the copy does with the whole table at once, a single
// change cannot do alone. The stream stops such a table from the start
// (status shows why) and `plan` lists it, both from this one function; a
// merge rerun keeps it current instead.
func (t *Table) SyncStop() string {
	switch {
	case t.Where != "":
		return "its rows are filtered by where:, which only the source can evaluate; rerun migrate to bring it up to date"
	case t.Merged != nil && t.Merged.SourceColumn == "":
		return "it is merged from several sources without a source column, so a truncate could not tell this source's rows; rerun migrate to bring it up to date"
	case t.Merged != nil && len(t.Merged.MatchOn) > 0:
		return "it is merged on match_on, whose matching and conflict rules run per chunk only; rerun migrate to bring it up to date"
	}
	for _, c := range t.Columns {
		if c.ResolveMatch {
			return "its column " + c.Name + " references a table merged on match_on, resolved per chunk only; rerun migrate to bring it up to date"
		}
	}
	return ""
}

// liveSync lists the tables sync stops, with why; nothing when it follows
// every table.
func (r *renderer) liveSync(p *Plan) {
	var stopped []*Table
	for _, t := range p.Tables {
		if t.SyncStop() != "" {
			stopped = append(stopped, t)
		}
	}
	if len(stopped) == 0 {
		return
	}
	r.printf("\nLive sync (sluice sync) stops %s, whose changes it cannot follow:\n", plural(len(stopped), "table"))
	for _, t := range stopped {
		r.printf("  - %s -> %s: %s\n", t.ID, t.Name, t.SyncStop())
	}
}
