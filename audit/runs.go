package audit

import (
	"fmt"
	"slices"
)

// runEntries is what the trail holds of one run.
type runEntries struct {
	first     int64 // seq of its first entry
	start     bool  // a run.start entry
	end       int64 // seq of its run.end entry, 0 when none
	endStatus string
}

// crossCheckRuns compares sluice.runs with the trail. A run begins with its
// sluice.runs row and its run.start entry in one transaction, and ends with
// its run.end entry and its final status in another, so each run listed has
// a run.start entry, each run that ended has a run.end entry with the same
// status, and each run in the trail is listed. A run deleted from the end of
// the trail, entries and all, is found here unless its row was deleted too.
func (c *checker) crossCheckRuns() {
	trail := c.runEntries()
	listed := map[int64]bool{}
	for _, run := range c.opt.Runs {
		listed[run.ID] = true
		if p, bad := checkRun(run, trail[run.ID]); bad {
			c.report.RunProblems = append(c.report.RunProblems, p)
		}
	}
	c.report.RunsListed = len(c.opt.Runs)
	var unlisted []int64
	for id := range trail {
		if !listed[id] {
			unlisted = append(unlisted, id)
		}
	}
	slices.Sort(unlisted)
	for _, id := range unlisted {
		c.report.RunProblems = append(c.report.RunProblems, Problem{Seq: trail[id].first, RunID: id, Kind: UnlistedRun,
			Detail: fmt.Sprintf("the trail holds entries of run %d, which sluice.runs does not list", id)})
	}
}

func (c *checker) runEntries() map[int64]*runEntries {
	out := map[int64]*runEntries{}
	for _, r := range c.records {
		if r.runID <= 0 {
			continue
		}
		e := out[r.runID]
		if e == nil {
			e = &runEntries{first: r.seq}
			out[r.runID] = e
		}
		e.start = e.start || r.runStart
		if r.runEnd {
			e.end, e.endStatus = r.seq, r.endStatus
		}
	}
	return out
}

// checkRun compares one row of sluice.runs with the run's entries (nil: none).
func checkRun(run Run, e *runEntries) (Problem, bool) {
	p := Problem{RunID: run.ID, Kind: UnrecordedRun}
	name := fmt.Sprintf("run %d (%s)", run.ID, run.Command)
	switch {
	case e == nil || !e.start:
		p.Detail = name + " is in sluice.runs, but the trail has no run.start entry for it: its entries were deleted"
	case run.Status != runRunning && e.end == 0:
		p.Detail = fmt.Sprintf("%s ended %s in sluice.runs, but the trail has no run.end entry for it: its last entries were deleted", name, run.Status)
	case run.Status == runRunning && e.end != 0:
		p.Seq, p.Kind = e.end, RunStatus
		p.Detail = fmt.Sprintf("the trail says %s ended %s, sluice.runs that it is still running", name, e.endStatus)
	case run.Status != runRunning && e.endStatus != run.Status:
		p.Seq, p.Kind = e.end, RunStatus
		p.Detail = fmt.Sprintf("sluice.runs says %s ended %s, its run.end entry says %s", name, run.Status, e.endStatus)
	default:
		return p, false
	}
	return p, true
}
