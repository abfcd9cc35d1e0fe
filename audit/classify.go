package audit

import "fmt"

// firstBreak walks the chain and classifies the first entry that breaks it.
// An intact entry follows its predecessor's seq by one, links to its
// predecessor's hash, and its content gives its hash.
func (c *checker) firstBreak() *Problem {
	prevSeq, prevHash := int64(0), GenesisHash
	for i, r := range c.records {
		if r.seq != prevSeq+1 || r.prev != prevHash || r.computed == "" || r.computed != r.hash {
			p := c.classify(i)
			return &p
		}
		prevSeq, prevHash = r.seq, r.hash
	}
	return nil
}

// classify names what happened at records[i], the first break. Tampering
// that recomputes every later hash is not a break at all (which is what
// signed heads and archived exports are for); short of that, the links that
// survive around the entry tell an edit from an insertion, a deletion or a
// move.
func (c *checker) classify(i int) Problem {
	cur := c.records[i]
	prev := record{hash: GenesisHash}
	if i > 0 {
		prev = c.records[i-1]
	}
	at := func(seq int64, kind Kind, format string, args ...any) Problem {
		return Problem{Seq: seq, RunID: cur.runID, Kind: kind, Detail: fmt.Sprintf(format, args...)}
	}
	switch {
	case cur.unreadable != "":
		return at(max(cur.seq, prev.seq+1), Altered, "its content cannot be read: %s", cur.unreadable)
	case i == 0 && cur.seq < 1:
		return at(cur.seq, Inserted, "entries are numbered from 1")
	case cur.seq == prev.seq:
		return at(cur.seq, Inserted, "a second entry numbered %d", cur.seq)
	case cur.seq <= prev.seq:
		return at(cur.seq, Reordered, "it comes after entry %d", prev.seq)
	case cur.computed == cur.hash:
		return c.classifyGenuine(i, cur, prev, at)
	}
	return c.classifyForged(i, cur, prev, at)
}

type problemAt func(seq int64, kind Kind, format string, args ...any) Problem

// classifyGenuine handles a break at an entry whose content still gives its
// hash: entries before it are gone, or its predecessor was rewritten.
func (c *checker) classifyGenuine(i int, cur, prev record, at problemAt) Problem {
	missing := prev.seq + 1
	switch {
	case cur.seq > missing && c.seqAfter(missing, i):
		return withRun(at(missing, Reordered, "it comes after entry %d", cur.seq), 0)
	case cur.seq == missing+1:
		return withRun(at(missing, Deleted, "entry %d is missing", missing), 0)
	case cur.seq > missing:
		return withRun(at(missing, Deleted, "entries %d..%d are missing", missing, cur.seq-1), 0)
	case prev.seq == 0:
		return at(cur.seq, Altered, "it does not start the chain: its prev_hash is not %s", GenesisHash)
	}
	return withRun(at(prev.seq, Altered, "entry %d was chained to another hash: entry %d was changed and its hash recomputed, or replaced", cur.seq, prev.seq), prev.runID)
}

// withRun sets the run of a problem found at another entry than the one
// being classified; 0 when that entry is missing.
func withRun(p Problem, runID int64) Problem {
	p.RunID = runID
	return p
}

// classifyForged handles a break at an entry whose content does not give its
// hash: it was edited, made up, or moved (seq is part of the hash).
func (c *checker) classifyForged(i int, cur, prev record, at problemAt) Problem {
	if j, ok := c.indexOf(cur.prev); ok && j != i-1 && j != i {
		origin := c.records[j]
		if origin.seq >= cur.seq {
			return at(cur.seq, Reordered, "it is chained to entry %d, which comes after it", origin.seq)
		}
		return at(cur.seq, Inserted, "it claims to follow entry %d, which entry %d follows", origin.seq, origin.seq+1)
	}
	var next *record
	if i+1 < len(c.records) {
		next = &c.records[i+1]
	}
	switch {
	case next != nil && next.prev == prev.hash:
		return at(cur.seq, Inserted, "the chain passes over it: entry %d follows entry %d", next.seq, prev.seq)
	case cur.prev == prev.hash:
		return at(cur.seq, Altered, "its content does not match its hash")
	case next != nil && next.prev == cur.hash:
		return at(cur.seq, Altered, "its prev_hash does not match entry %d, and its content does not match its hash", prev.seq)
	}
	return at(cur.seq, Inserted, "neither its hash nor its link to entry %d holds", prev.seq)
}

// seqAfter reports whether an entry numbered seq comes after records[i], as
// when the lines of an exported file were swapped (a table is read in seq
// order).
func (c *checker) seqAfter(seq int64, i int) bool {
	for _, r := range c.records[i+1:] {
		if r.seq == seq {
			return true
		}
	}
	return false
}

// indexOf finds the entry whose stored hash is h.
func (c *checker) indexOf(h string) (int, bool) {
	for j, r := range c.records {
		if r.hash == h {
			return j, true
		}
	}
	return 0, false
}
