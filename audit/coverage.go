package audit

import "fmt"

// checkCoverage judges, with a public key, which work no valid signature
// covers. A valid signature on entry s proves every entry up to s (each hash
// covers the one before), so a head without a signature is harmless when a
// later signed entry exists: it is counted as unsigned, not as bad. That is
// what lets signing start at any run, and lets a command run without the key
// between signed ones. After the last valid signature nothing is proven, so
// there an unsigned head is a finding: a finished run or an entry outside any
// run, which a signing command would have signed (or whose signature was
// stripped and content rewritten); or a run that has no run.end entry,
// unless sluice.runs says it is still running (or was killed): its end may
// have been deleted. With no valid signature at all the key proves nothing,
// which is a finding too.
func (c *checker) checkCoverage(units []unit) {
	last := -1
	for i, r := range c.records {
		if r.validSig {
			last = i
		}
	}
	if last >= 0 {
		c.report.LastSigned = c.records[last].seq
	}
	if c.opt.PublicKey == nil {
		return
	}
	if last < 0 {
		detail := "no entry carries a valid signature: nothing in this trail is proven by the key"
		if len(c.records) == 0 {
			detail = "the trail is empty: nothing in it is signed"
		}
		c.missing(Problem{Seq: c.report.LastSeq, Detail: detail})
		return
	}
	for _, u := range units {
		r := c.records[u.head]
		switch {
		case r.signed: // valid, or already reported as bad
		case u.head < last:
			c.report.Unsigned++
		default:
			c.uncovered(u, r)
		}
	}
}

// uncovered reports a unit whose head comes after the last valid signature.
func (c *checker) uncovered(u unit, r record) {
	after := fmt.Sprintf("no signed entry covers it (the last is entry %d)", c.report.LastSigned)
	switch {
	case u.runID == 0:
		c.missing(Problem{Seq: r.seq, Detail: "this entry, outside any run, is not signed, and " + after})
	case u.finished:
		c.missing(Problem{Seq: r.seq, RunID: u.runID, Detail: fmt.Sprintf("the head of run %d, which finished, is not signed, and %s", u.runID, after)})
	case c.stillRunning(u.runID):
		c.report.Open = append(c.report.Open, u.runID)
	case c.opt.CheckRuns:
		c.missing(Problem{Seq: r.seq, RunID: u.runID, Detail: fmt.Sprintf("run %d has no run.end entry, though sluice.runs says it ended, and %s: its last entries were deleted", u.runID, after)})
	default:
		c.missing(Problem{Seq: r.seq, RunID: u.runID, Detail: fmt.Sprintf("run %d has no run.end entry and %s: it was interrupted or is still running, or its last entries were deleted", u.runID, after)})
	}
}

func (c *checker) missing(p Problem) {
	p.Kind = MissingSignature
	c.report.Signatures = append(c.report.Signatures, p)
}

// stillRunning reports whether sluice.runs says the run has not ended.
func (c *checker) stillRunning(run int64) bool {
	if !c.opt.CheckRuns {
		return false
	}
	for _, r := range c.opt.Runs {
		if r.ID == run {
			return r.Status == runRunning
		}
	}
	return false
}
