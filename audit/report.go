package audit

import (
	"fmt"
	"strings"
	"time"
)

// Kind names what is wrong with an entry.
type Kind string

// The kinds of problem Verify reports.
const (
	Altered          Kind = "altered"           // the entry's content or hash was changed
	Inserted         Kind = "inserted"          // the entry is not part of the chain
	Deleted          Kind = "deleted"           // entries are missing before this one
	Reordered        Kind = "reordered"         // the entry was moved from its place
	BadSignature     Kind = "bad signature"     // the signature does not match the entry (or anchored head)
	MissingSignature Kind = "missing signature" // work after the last valid signature is not signed
	Truncated        Kind = "truncated"         // the trail ends before a head the anchor holds
	Diverged         Kind = "diverged"          // the entry at an anchored head's seq is not that head
	Unanchored       Kind = "unanchored"        // the anchor given holds no head of this trail
	DamagedAnchor    Kind = "damaged anchor"    // a line of the anchor is not a head
	UnrecordedRun    Kind = "unrecorded run"    // a run in sluice.runs lacks its run.start or run.end entry
	UnlistedRun      Kind = "unlisted run"      // the trail holds entries of a run sluice.runs does not list
	RunStatus        Kind = "run status"        // sluice.runs and the run's run.end entry disagree
)

// Problem is one finding of Verify.
type Problem struct {
	Seq    int64 // the entry at fault; for Deleted, the first missing seq; 0 when no entry is
	RunID  int64 // its run, when known
	Kind   Kind
	Detail string // what was found, in words
}

func (p Problem) String() string {
	switch {
	case p.Seq > 0:
		return fmt.Sprintf("entry %d: %s: %s", p.Seq, p.Kind, p.Detail)
	case p.RunID > 0:
		return fmt.Sprintf("run %d: %s: %s", p.RunID, p.Kind, p.Detail)
	}
	return fmt.Sprintf("%s: %s", p.Kind, p.Detail)
}

// Report is the result of Verify or VerifyLines; both give equal reports for
// the same entries and options.
type Report struct {
	Entries  int64  // entries read
	FirstSeq int64  // seq of the first entry read, 0 when none
	LastSeq  int64  // seq of the last entry read
	Head     string // stored hash of the last entry
	Runs     int    // distinct runs (RunID > 0)
	Finished int    // runs with a run.end entry

	KeyChecked bool  // signatures were checked against a public key
	Signed     int   // entries that carry a signature
	GoodSigned int   // signatures found valid; 0 unless KeyChecked
	LastSigned int64 // seq of the last entry with a valid signature; 0 when none (or no key)
	// Unsigned counts, with a key, the heads (of runs, or entries outside
	// any run) without a signature that a later valid signature covers.
	Unsigned int
	// Open lists, with a key, the runs after the last valid signature that
	// sluice.runs says are still running: not signed yet, not a finding.
	Open []int64

	// Chain is the first place where the chain breaks, nil when it holds.
	// Entries after it cannot be trusted, so no later break is reported.
	Chain *Problem
	// Signatures lists every bad or missing signature, in seq order.
	Signatures []Problem

	RunsChecked bool      // sluice.runs was cross-checked with the trail
	RunsListed  int       // runs sluice.runs lists
	RunProblems []Problem // runs that sluice.runs and the trail disagree on

	// Anchor is what the comparison with an anchor found; nil when no
	// anchor was given.
	Anchor *AnchorReport
}

// AnchorReport is what comparing the trail with an anchor found.
type AnchorReport struct {
	Name     string
	Heads    int  // heads of this trail (or database) in the anchor, each compared
	Other    int  // heads of other trails and databases, not compared
	Last     Head // the head of this trail with the highest seq
	Signed   int  // heads of this trail that carry a signature
	Unsigned int
	// GoodSigned counts the valid signatures; 0 unless a key was given.
	GoodSigned int
	Problems   []Problem
}

// OK reports whether nothing was found: the chain holds, no signature is bad
// or missing, sluice.runs agrees with the trail and the anchor's heads are in it.
func (r *Report) OK() bool { return len(r.Problems()) == 0 }

// Problems returns every finding: the chain's first, then the signatures',
// the runs' and the anchor's.
func (r *Report) Problems() []Problem {
	var all []Problem
	if r.Chain != nil {
		all = append(all, *r.Chain)
	}
	all = append(all, r.Signatures...)
	all = append(all, r.RunProblems...)
	if r.Anchor != nil {
		all = append(all, r.Anchor.Problems...)
	}
	return all
}

// String is the report as the CLI prints it.
func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "audit trail: %d entries", r.Entries)
	if r.Entries > 0 {
		fmt.Fprintf(&b, " (seq %d..%d), %d runs (%d finished), head %s", r.FirstSeq, r.LastSeq, r.Runs, r.Finished, r.Head)
	}
	b.WriteString("\nchain: " + r.chainLine())
	b.WriteString("\nsignatures: " + r.signatureLine())
	writeProblems(&b, r.Signatures)
	b.WriteString("\nruns: " + r.runsLine())
	writeProblems(&b, r.RunProblems)
	b.WriteString("\nanchor: " + r.anchorLine())
	if r.Anchor != nil {
		writeProblems(&b, r.Anchor.Problems)
	}
	b.WriteString("\n")
	return b.String()
}

// maxListed bounds the problems of one section the text lists.
const maxListed = 20

func writeProblems(b *strings.Builder, ps []Problem) {
	for i, p := range ps {
		if i == maxListed {
			fmt.Fprintf(b, "\n  ... and %d more", len(ps)-maxListed)
			return
		}
		b.WriteString("\n  " + p.String())
	}
}

func (r *Report) chainLine() string {
	switch {
	case r.Chain != nil:
		return "BROKEN at " + r.Chain.String()
	case r.Entries == 0 && r.Anchor == nil:
		return "empty: an empty trail cannot be proven complete without an anchor (--anchor)"
	case r.Entries == 0:
		return "empty"
	}
	return "intact"
}

func (r *Report) signatureLine() string {
	if !r.KeyChecked {
		return fmt.Sprintf("%d present, not checked (no public key)", r.Signed)
	}
	line := fmt.Sprintf("%d valid", r.GoodSigned)
	if bad := len(r.Signatures); bad > 0 {
		line += fmt.Sprintf(", %d bad or missing", bad)
	}
	if r.LastSigned > 0 {
		line += fmt.Sprintf("; the last valid one at entry %d proves every entry up to it", r.LastSigned)
	}
	if r.Unsigned > 0 {
		line += fmt.Sprintf("; %d earlier heads unsigned (covered by a later signature)", r.Unsigned)
	}
	for _, run := range r.Open {
		line += fmt.Sprintf("; run %d is still running, not signed yet", run)
	}
	return line
}

func (r *Report) runsLine() string {
	if !r.RunsChecked {
		return "not cross-checked (an export holds no sluice.runs)"
	}
	if len(r.RunProblems) == 0 {
		return fmt.Sprintf("%d in sluice.runs, each with its run.start entry, and its run.end entry once ended", r.RunsListed)
	}
	return fmt.Sprintf("%d in sluice.runs, %d problem(s) with the trail", r.RunsListed, len(r.RunProblems))
}

func (r *Report) anchorLine() string {
	a := r.Anchor
	if a == nil {
		return "none given: entries deleted from the end of the trail cannot be detected without one"
	}
	line := fmt.Sprintf("%s: %d heads of this trail", a.Name, a.Heads)
	if a.Heads > 0 {
		line += fmt.Sprintf(", the last at entry %d (run %d, anchored %s)", a.Last.Seq, a.Last.RunID, a.Last.At.UTC().Format(time.RFC3339))
		line += fmt.Sprintf("; %d signed, %d unsigned", a.Signed, a.Unsigned)
		if r.KeyChecked {
			line += fmt.Sprintf(" (%d valid)", a.GoodSigned)
		}
	}
	if a.Other > 0 {
		line += fmt.Sprintf("; %d heads of other trails or databases, not compared", a.Other)
	}
	if len(a.Problems) == 0 {
		return line + "; the trail holds every one of them"
	}
	return line + fmt.Sprintf("; %d problem(s)", len(a.Problems))
}
