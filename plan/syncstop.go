package plan

// SyncStop says why `sluice sync` cannot keep the table current at all, ""
// when it can: what the copy does with the whole table at once, a single
// change cannot do alone, and a rerun cannot do exactly either. The stream
// stops such a table from the start (status shows why) and `plan` lists it,
// both from this one function.
func (t *Table) SyncStop() string {
	switch {
	case t.Merged != nil && t.Merged.SourceColumn == "":
		return "it is merged from several sources without a source column, so a truncate could not tell this source's rows; rerun migrate to bring it up to date"
	}
	return ""
}

// SyncRerun says why `sluice sync` keeps the table current by reruns of its
// load (every --every, at the end of --catch-up and in cutover's drain)
// instead of applying its changes one by one, "" when it streams them (or
// stops: SyncStop comes first). A rerun reads the table through the source
// as migrate does, so the result is exact.
func (t *Table) SyncRerun() string {
	switch {
	case t.SyncStop() != "":
		return ""
	case t.Where != "":
		return "its rows are filtered by where:, a condition only the source can evaluate (an update can move a row into or out of it)"
	case t.Uncapturable:
		return "it has no primary key and capture.replica_identity_full is not set: published, it would make UPDATE and DELETE fail on the source"
	}
	return ""
}

// liveSync lists the tables sync keeps current by reruns and those it
// stops, each with why; nothing when it streams every table.
func (r *renderer) liveSync(p *Plan) {
	var reruns, stopped []*Table
	for _, t := range p.Tables {
		switch {
		case t.SyncStop() != "":
			stopped = append(stopped, t)
		case t.SyncRerun() != "":
			reruns = append(reruns, t)
		}
	}
	if len(reruns) > 0 {
		r.printf("\nLive sync (sluice sync) reruns the load of %s instead of streaming its changes (every --every, at the end of --catch-up and in cutover's drain):\n", plural(len(reruns), "table"))
		for _, t := range reruns {
			r.printf("  - %s -> %s: %s\n", t.ID, t.Name, t.SyncRerun())
		}
	}
	if len(stopped) > 0 {
		r.printf("\nLive sync (sluice sync) stops %s, whose changes it cannot follow:\n", plural(len(stopped), "table"))
		for _, t := range stopped {
			r.printf("  - %s -> %s: %s\n", t.ID, t.Name, t.SyncStop())
		}
	}
}
