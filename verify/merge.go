package verify

// Merge adds another report's tables and findings to r: the verification
// of a plan split over several target databases is one report.
func (r *Report) Merge(o *Report) {
	if o == nil {
		return
	}
	r.Tables = append(r.Tables, o.Tables...)
	r.Findings += o.Findings
	if r.Started.IsZero() || (!o.Started.IsZero() && o.Started.Before(r.Started)) {
		r.Started = o.Started
	}
	if o.Finished.After(r.Finished) {
		r.Finished = o.Finished
	}
}
