package audit

import (
	"crypto/ed25519"
	"slices"
)

// Options say what Verify and VerifyLines check beyond the chain.
type Options struct {
	// PublicKey checks the signatures of heads, in the trail and in the
	// anchor; nil counts them without checking.
	PublicKey ed25519.PublicKey
	// Anchor holds the heads a witness kept; nil when none is given. Every
	// head of this trail (or database) must be in the trail.
	Anchor *Anchor
	// Database is the identity of the database read (Identify), so that the
	// anchored heads of an emptied or replaced trail are still recognised as
	// this database's; "" for an export.
	Database string
	// CheckRuns cross-checks Runs, what sluice.runs lists, with the trail.
	CheckRuns bool
	Runs      []Run
}

// Anchor is what a witness holds, for Verify.
type Anchor struct {
	Name  string // for the report: the anchor file's path
	Heads []Head
}

// Run is a run as sluice.runs lists it.
type Run struct {
	ID      int64
	Command string
	Status  string // "running" until it ends; then as its run.end entry says
}

// runRunning is the status of a run that has not ended (or was killed).
const runRunning = "running"

// record is what the checker keeps of an entry: enough to follow the chain,
// classify a break and judge signatures, without its details.
type record struct {
	seq, runID       int64
	runStart, runEnd bool
	endStatus        string // a run.end entry's status
	prev, hash       string // as stored
	computed         string // the hash its content gives; "" when unreadable
	runs             int64  // distinct runs among the entries up to this one
	signed, validSig bool
	unreadable       string // why its content cannot be encoded, if it cannot
}

// checker verifies entries fed in order; Verify and VerifyLines share it, so
// both give the same report for the same entries. It keeps a record of every
// entry (about 300 bytes each) because classifying a break may need an entry
// that comes after it.
type checker struct {
	opt     Options
	records []record
	runs    map[int64]bool // runs seen so far
	report  Report
}

func newChecker(o Options) *checker {
	return &checker{opt: o, runs: map[int64]bool{}, report: Report{KeyChecked: o.PublicKey != nil, RunsChecked: o.CheckRuns}}
}

// add takes the next entry; bad is non-empty when its content could not be
// read (a tampered row or line), and says why.
func (c *checker) add(e Entry, bad string) {
	if e.RunID > 0 {
		c.runs[e.RunID] = true
	}
	r := record{seq: e.Seq, runID: e.RunID, runStart: e.Operation == OpRunStart, runEnd: e.Operation == OpRunEnd,
		prev: e.PrevHash, hash: e.Hash, runs: int64(len(c.runs)), signed: e.Signature != "", unreadable: bad}
	if r.runEnd {
		r.endStatus, _ = e.Details["status"].(string)
	}
	if bad == "" {
		computed, err := ComputeHash(e)
		if err != nil {
			r.unreadable = err.Error()
		}
		r.computed = computed
	}
	c.checkSignature(&r, e.Signature)
	c.records = append(c.records, r)
}

func (c *checker) checkSignature(r *record, signature string) {
	if !r.signed {
		return
	}
	c.report.Signed++
	if c.opt.PublicKey == nil {
		return
	}
	if r.computed != "" && validHead(c.opt.PublicKey, r.seq, r.runs, r.computed, signature) {
		r.validSig = true
		c.report.GoodSigned++
		return
	}
	c.report.Signatures = append(c.report.Signatures, Problem{Seq: r.seq, RunID: r.runID, Kind: BadSignature,
		Detail: "the signature does not match this entry's hash under the given public key"})
}

// finish completes the report once every entry was added.
func (c *checker) finish() *Report {
	rep := &c.report
	rep.Entries = int64(len(c.records))
	if n := len(c.records); n > 0 {
		rep.FirstSeq, rep.LastSeq, rep.Head = c.records[0].seq, c.records[n-1].seq, c.records[n-1].hash
	}
	rep.Chain = c.firstBreak()
	units := c.units()
	for _, u := range units {
		if u.runID > 0 {
			rep.Runs++
			if u.finished {
				rep.Finished++
			}
		}
	}
	c.checkCoverage(units)
	if c.opt.CheckRuns {
		c.crossCheckRuns()
	}
	if c.opt.Anchor != nil {
		c.checkAnchor()
	}
	slices.SortStableFunc(rep.Signatures, func(a, b Problem) int { return compareSeq(a.Seq, b.Seq) })
	return rep
}

// unit is a run, or an entry outside any run, and where its head is.
type unit struct {
	runID    int64 // 0 for an entry outside any run
	head     int   // index of its last entry in records
	finished bool  // a run with a run.end entry, or an entry outside any run
}

// units lists the trail's runs and run-less entries in the order of their heads.
func (c *checker) units() []unit {
	var out []unit
	at := map[int64]int{} // run -> index in out
	for i, r := range c.records {
		if r.runID <= 0 {
			out = append(out, unit{head: i, finished: true})
			continue
		}
		j, ok := at[r.runID]
		if !ok {
			j = len(out)
			at[r.runID] = j
			out = append(out, unit{runID: r.runID})
		}
		out[j].head = i
		out[j].finished = out[j].finished || r.runEnd
	}
	slices.SortFunc(out, func(a, b unit) int { return a.head - b.head })
	return out
}

func compareSeq(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
