package verify

// Merge adds another report's tables and findings to r: the verification
// of a plan split over several target databases is one report. A table r
// has already (the references a table makes into another database are
// checked apart from the rest of it) gets the other's levels and findings
// folded into its own row.
func (r *Report) Merge(o *Report) {
	if o == nil {
		return
	}
	for _, t := range o.Tables {
		r.addTable(t)
	}
	r.Findings += o.Findings
	if r.Started.IsZero() || (!o.Started.IsZero() && o.Started.Before(r.Started)) {
		r.Started = o.Started
	}
	if o.Finished.After(r.Finished) {
		r.Finished = o.Finished
	}
}

func (r *Report) addTable(t TableReport) {
	for i := range r.Tables {
		if r.Tables[i].ID == t.ID {
			r.Tables[i].fold(t)
			return
		}
	}
	r.Tables = append(r.Tables, t)
}

// fold adds o's levels and findings to t's.
func (t *TableReport) fold(o TableReport) {
	if t.Levels == nil {
		t.Levels = map[int]LevelResult{}
	}
	for level, res := range o.Levels {
		t.Levels[level] = foldLevel(t.Levels[level], res)
	}
	t.Findings = append(t.Findings, o.Findings...)
	t.Elapsed += o.Elapsed
}

// foldLevel combines two results of one level: the worse status, the sum of
// the counts, both details.
func foldLevel(a, b LevelResult) LevelResult {
	if a.Status == "" || a.Status == StatusNotApplicable {
		return b
	}
	if b.Status == StatusNotApplicable {
		return a
	}
	a.Findings += b.Findings
	a.Checked += b.Checked
	a.Elapsed += b.Elapsed
	if b.Status != StatusOK {
		a.Status = b.Status
	}
	if b.Detail != "" {
		a.Detail += "; " + b.Detail
	}
	return a
}
