package audit

import (
	"fmt"
	"slices"
)

// trailEnds is what comparing a trail with anchored heads needs of it first.
type trailEnds struct {
	first int64  // seq of the first entry; 0 when the trail is empty
	trail string // hash of entry 1, which names the trail; "" when there is none
	last  int64  // seq of the last entry
}

// owns reports whether h is a head of this trail, or of the database the
// trail is in: heads of a trail that was emptied or replaced still name the
// database, and must not pass for another database's.
func (t trailEnds) owns(h Head, database string) bool {
	return t.trail != "" && h.Trail == t.trail || database != "" && h.Database == database
}

// ownHeads returns the heads t owns, and the one with the highest seq.
func (t trailEnds) ownHeads(heads []Head, database string) (mine []Head, last Head) {
	for _, h := range heads {
		if t.owns(h, database) {
			mine = append(mine, h)
			if h.Seq > last.Seq {
				last = h
			}
		}
	}
	return mine, last
}

// identityProblems compares the trail's beginning with the heads it owns:
// an empty trail, a missing entry 1, or a first entry that is not the
// anchored trail's is one problem each, whatever the number of heads.
func (t trailEnds) identityProblems(mine []Head, last Head) []Problem {
	switch {
	case t.last == 0:
		return []Problem{{Seq: last.Seq, RunID: last.RunID, Kind: Truncated,
			Detail: fmt.Sprintf("the trail is empty, but the anchor holds its head %s: every entry was deleted", last)}}
	case t.first != 1:
		return []Problem{{Seq: 1, Kind: Deleted, Detail: "entry 1 is missing: the trail cannot be matched with its anchored heads"}}
	}
	var out []Problem
	var seen []string
	for _, h := range mine {
		if h.Trail != t.trail && !slices.Contains(seen, h.Trail) {
			seen = append(seen, h.Trail)
			out = append(out, Problem{Seq: 1, Kind: Diverged, Detail: fmt.Sprintf(
				"entry 1 (hash %s) is not the first entry of the trail the anchor holds heads of for this database (hash %s, last head %s): the trail was replaced",
				short(t.trail), short(h.Trail), h)})
		}
	}
	return out
}

// beyondEnd reports a head of this trail past its last entry.
func (t trailEnds) beyondEnd(h Head) (Problem, bool) {
	if h.Seq <= t.last {
		return Problem{}, false
	}
	return Problem{Seq: h.Seq, RunID: h.RunID, Kind: Truncated, Detail: fmt.Sprintf(
		"the trail ends at entry %d, but the anchor holds its head %s: entries were deleted from its end", t.last, h)}, true
}

// differs compares a head with the entry the trail holds at its seq.
func differs(h Head, hash string, runs int64) (Problem, bool) {
	p := Problem{Seq: h.Seq, RunID: h.RunID, Kind: Diverged}
	switch {
	case hash != h.Hash:
		p.Detail = fmt.Sprintf("the entry is not the anchored head %s: its hash is %s, the anchor's %s", h, short(hash), short(h.Hash))
	case runs != h.Runs:
		p.Detail = fmt.Sprintf("up to this entry the trail holds %d runs, the anchored head %s counts %d", runs, h, h.Runs)
	default:
		return p, false
	}
	return p, true
}

func short(hash string) string {
	if len(hash) > 16 {
		return hash[:16] + "…"
	}
	return hash
}

// checkAnchor compares the trail read with every head of it the anchor holds.
func (c *checker) checkAnchor() {
	a := c.opt.Anchor
	ar := &AnchorReport{Name: a.Name}
	c.report.Anchor = ar
	ends := c.ends()
	mine, last := ends.ownHeads(a.Heads, c.opt.Database)
	ar.Heads, ar.Other, ar.Last = len(mine), len(a.Heads)-len(mine), last
	if len(mine) == 0 {
		ar.Problems = append(ar.Problems, c.unanchored(ends))
		return
	}
	for _, h := range mine {
		c.anchorSignature(ar, h)
	}
	ar.Problems = append(ar.Problems, ends.identityProblems(mine, last)...)
	if ends.last == 0 || ends.first != 1 {
		return
	}
	index := c.indexBySeq()
	for _, h := range mine {
		if h.Trail == ends.trail {
			c.compareHead(ar, ends, index, h)
		}
	}
	slices.SortStableFunc(ar.Problems, func(a, b Problem) int { return compareSeq(a.Seq, b.Seq) })
}

func (c *checker) compareHead(ar *AnchorReport, ends trailEnds, index map[int64]int, h Head) {
	if p, bad := ends.beyondEnd(h); bad {
		ar.Problems = append(ar.Problems, p)
		return
	}
	i, ok := index[h.Seq]
	if !ok {
		ar.Problems = append(ar.Problems, Problem{Seq: h.Seq, RunID: h.RunID, Kind: Deleted,
			Detail: fmt.Sprintf("the anchored head %s is missing from the trail", h)})
		return
	}
	if p, bad := differs(h, c.records[i].hash, c.records[i].runs); bad {
		ar.Problems = append(ar.Problems, p)
	}
}

func (c *checker) anchorSignature(ar *AnchorReport, h Head) {
	if h.Signature == "" {
		ar.Unsigned++
		return
	}
	ar.Signed++
	if c.opt.PublicKey == nil {
		return
	}
	if h.validSignature(c.opt.PublicKey) {
		ar.GoodSigned++
		return
	}
	ar.Problems = append(ar.Problems, Problem{Seq: h.Seq, RunID: h.RunID, Kind: BadSignature,
		Detail: fmt.Sprintf("the signature of the anchored head %s does not match under the given public key", h)})
}

func (c *checker) unanchored(ends trailEnds) Problem {
	p := Problem{Kind: Unanchored}
	whose := "this trail (entry 1 " + short(ends.trail) + ")"
	if ends.last == 0 {
		whose = "this empty trail"
	}
	if c.opt.Database != "" {
		whose += " or database (" + c.opt.Database + ")"
	}
	p.Detail = fmt.Sprintf("the anchor holds no head of %s (it holds %d of others): it cannot vouch for the trail's end", whose, len(c.opt.Anchor.Heads))
	return p
}

// ends reads the trail's beginning and end from the records.
func (c *checker) ends() trailEnds {
	var t trailEnds
	if n := len(c.records); n > 0 {
		t.first, t.last = c.records[0].seq, c.records[n-1].seq
		if t.first == 1 {
			t.trail = c.records[0].hash
		}
	}
	return t
}

func (c *checker) indexBySeq() map[int64]int {
	index := make(map[int64]int, len(c.records))
	for i, r := range c.records {
		if _, dup := index[r.seq]; !dup {
			index[r.seq] = i
		}
	}
	return index
}
