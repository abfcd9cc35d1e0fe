package audit

import (
	"fmt"
	"strings"
)

// Kind names what is wrong with an entry.
type Kind string

// The kinds of problem Verify reports.
const (
	Altered          Kind = "altered"           // the entry's content or hash was changed
	Inserted         Kind = "inserted"          // the entry is not part of the chain
	Deleted          Kind = "deleted"           // entries are missing before this one
	Reordered        Kind = "reordered"         // the entry was moved from its place
	BadSignature     Kind = "bad signature"     // the signature does not match the entry
	MissingSignature Kind = "missing signature" // a finished run's head is not signed
)

// Problem is one finding of Verify.
type Problem struct {
	Seq    int64 // the entry at fault; for Deleted, the first missing seq
	RunID  int64 // its run, when known
	Kind   Kind
	Detail string // what was found, in words
}

func (p Problem) String() string {
	return fmt.Sprintf("entry %d: %s: %s", p.Seq, p.Kind, p.Detail)
}

// Report is the result of Verify or VerifyLines; both give equal reports for
// the same entries.
type Report struct {
	Entries  int64  // entries read
	FirstSeq int64  // seq of the first entry read, 0 when none
	LastSeq  int64  // seq of the last entry read
	Head     string // stored hash of the last entry: archive it to anchor the trail
	Runs     int    // distinct runs (RunID > 0)
	Finished int    // runs with a run.end entry

	KeyChecked bool // signatures were checked against a public key
	Signed     int  // entries that carry a signature
	GoodSigned int  // signatures found valid; 0 unless KeyChecked

	// Chain is the first place where the chain breaks, nil when it holds.
	// Entries after it cannot be trusted, so no later break is reported.
	Chain *Problem
	// Signatures lists every bad or missing signature, in seq order.
	Signatures []Problem
}

// OK reports whether the chain holds and no signature is bad or missing.
func (r *Report) OK() bool { return r.Chain == nil && len(r.Signatures) == 0 }

// Problems returns every finding, the chain's first and then the signatures'.
func (r *Report) Problems() []Problem {
	var all []Problem
	if r.Chain != nil {
		all = append(all, *r.Chain)
	}
	return append(all, r.Signatures...)
}

// String is the report as the CLI prints it.
func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "audit trail: %d entries", r.Entries)
	if r.Entries > 0 {
		fmt.Fprintf(&b, " (seq %d..%d), %d runs (%d finished), head %s", r.FirstSeq, r.LastSeq, r.Runs, r.Finished, r.Head)
	}
	b.WriteString("\nchain: ")
	if r.Chain == nil {
		b.WriteString("intact")
	} else {
		b.WriteString("BROKEN at " + r.Chain.String())
	}
	b.WriteString("\nsignatures: " + r.signatureLine())
	for _, p := range r.Signatures {
		b.WriteString("\n  " + p.String())
	}
	b.WriteString("\n")
	return b.String()
}

func (r *Report) signatureLine() string {
	if !r.KeyChecked {
		return fmt.Sprintf("%d present, not checked (no public key)", r.Signed)
	}
	if len(r.Signatures) == 0 {
		return fmt.Sprintf("%d valid", r.GoodSigned)
	}
	return fmt.Sprintf("%d valid, %d bad or missing", r.GoodSigned, len(r.Signatures))
}
