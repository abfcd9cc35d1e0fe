package audit

import (
	"crypto/ed25519"
	"slices"
)

// record is what the checker keeps of an entry: enough to follow the chain
// and to classify a break, without its details.
type record struct {
	seq, runID int64
	runEnd     bool   // an OpRunEnd entry: its run is finished
	prev, hash string // as stored
	computed   string // the hash its content gives; "" when unreadable
	signed     bool
	unreadable string // why its content cannot be encoded, if it cannot
}

// checker verifies entries fed in order; Verify and VerifyLines share it, so
// both give the same report for the same entries. It keeps a record of every
// entry (about 300 bytes each) because classifying a break may need an entry
// that comes after it.
type checker struct {
	pub     ed25519.PublicKey
	records []record
	report  Report
}

func newChecker(pub ed25519.PublicKey) *checker {
	return &checker{pub: pub, report: Report{KeyChecked: pub != nil}}
}

// add takes the next entry; bad is non-empty when its content could not be
// read (a tampered row or line), and says why.
func (c *checker) add(e Entry, bad string) {
	r := record{seq: e.Seq, runID: e.RunID, runEnd: e.Operation == OpRunEnd, prev: e.PrevHash,
		hash: e.Hash, signed: e.Signature != "", unreadable: bad}
	if bad == "" {
		computed, err := ComputeHash(e)
		if err != nil {
			r.unreadable = err.Error()
		}
		r.computed = computed
	}
	c.records = append(c.records, r)
	c.checkSignature(r, e.Signature)
}

func (c *checker) checkSignature(r record, signature string) {
	if !r.signed {
		return
	}
	c.report.Signed++
	if c.pub == nil {
		return
	}
	if r.computed != "" && verifyHead(c.pub, r.computed, signature) {
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
	c.checkRuns()
	slices.SortStableFunc(rep.Signatures, func(a, b Problem) int { return compareSeq(a.Seq, b.Seq) })
	return rep
}

// checkRuns counts runs and, with a key, requires every finished run's head
// (its last entry) to be signed.
func (c *checker) checkRuns() {
	heads := map[int64]record{}
	finished := map[int64]bool{}
	for _, r := range c.records {
		if r.runID > 0 {
			heads[r.runID] = r
			finished[r.runID] = finished[r.runID] || r.runEnd
		}
	}
	c.report.Runs = len(heads)
	for run, head := range heads {
		if !finished[run] {
			continue
		}
		c.report.Finished++
		if c.pub != nil && !head.signed {
			c.report.Signatures = append(c.report.Signatures, Problem{Seq: head.seq, RunID: run, Kind: MissingSignature,
				Detail: "the head of a finished run is not signed"})
		}
	}
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
