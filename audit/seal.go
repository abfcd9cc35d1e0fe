package audit

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Seal is how a command that writes entries keeps the end of the trail it
// extends: before its first entry it checks (Check) that the trail still
// holds the last head its witness anchored for this database, it signs its
// own head (SignRun, SignEntry) and, once that is committed, anchors it
// (Anchor). A nil *Seal, or one without a Witness and Key, does nothing.
type Seal struct {
	Witness  Witness            // nil: nothing is checked or anchored
	Key      ed25519.PrivateKey // nil: heads are not signed
	Database string             // the target database, as Identify names it
	Heads    []Head             // what Witness held when the seal was opened
}

// OpenSeal reads what w holds (when w is not nil) and names the database q
// is connected to.
func OpenSeal(ctx context.Context, q Querier, w Witness, key ed25519.PrivateKey) (*Seal, error) {
	s := &Seal{Witness: w, Key: key}
	if w == nil {
		return s, nil
	}
	var err error
	if s.Database, err = Identify(ctx, q); err != nil {
		return nil, err
	}
	if s.Heads, err = w.Heads(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// TamperError says that the trail no longer holds what a witness anchored
// (entries deleted from its end, replaced, or the trail emptied), or that the
// witness itself is damaged. A command refuses to extend such a trail.
type TamperError struct {
	Problem Problem
}

func (e *TamperError) Error() string {
	if e.Problem.Kind == DamagedAnchor {
		return "the audit anchor was tampered with or damaged: " + e.Problem.String()
	}
	return "the audit trail was tampered with: " + e.Problem.String()
}

// Check takes the append lock in tx and checks that the trail still holds the
// last head the witness anchored for this trail or database, unchanged, and
// that every entry after it follows the chain. Call it in the transaction of
// a command's first Append, before it: a *TamperError then rolls the
// transaction back, and nothing extends the damaged trail.
func (s *Seal) Check(ctx context.Context, tx pgx.Tx) error {
	if s == nil || s.Witness == nil {
		return nil
	}
	if err := lockTrail(ctx, tx); err != nil {
		return err
	}
	return checkTrail(ctx, tx, s.Database, s.Heads)
}

// SignRun signs the head of run runID in tx, when the seal has a key.
func (s *Seal) SignRun(ctx context.Context, tx pgx.Tx, runID int64) error {
	if s == nil || s.Key == nil {
		return nil
	}
	_, err := SignHead(ctx, tx, runID, s.Key)
	return err
}

// SignEntry signs entry seq, a head of its own, in tx, when the seal has a key.
func (s *Seal) SignEntry(ctx context.Context, tx pgx.Tx, seq int64) error {
	if s == nil || s.Key == nil {
		return nil
	}
	_, err := SignEntry(ctx, tx, seq, s.Key)
	return err
}

// Anchor appends the head at entry seq, committed, to the witness, signed
// when the seal has a key. It first checks, as Check does, that the trail
// still holds the last head the witness has for it (read again: another
// process may have anchored since), so that a trail cut while the command
// ran is named, not anchored. It returns the head anchored.
func (s *Seal) Anchor(ctx context.Context, q Querier, seq int64) (Head, error) {
	if s == nil || s.Witness == nil {
		return Head{}, nil
	}
	heads, err := s.Witness.Heads(ctx)
	if err != nil {
		return Head{}, err
	}
	if err := checkTrail(ctx, q, s.Database, heads); err != nil {
		return Head{}, err
	}
	h, err := headAt(ctx, q, seq)
	if err != nil {
		return Head{}, fmt.Errorf("anchor the audit head: %w", err)
	}
	h.Database, h.At = s.Database, normalTime(time.Now())
	h.sign(s.Key)
	if err := s.Witness.Append(ctx, h); err != nil {
		return Head{}, err
	}
	return h, nil
}

// checkTrail compares the trail with the last of heads it owns.
func checkTrail(ctx context.Context, q Querier, database string, heads []Head) error {
	if len(heads) == 0 {
		return nil
	}
	ends, err := readEnds(ctx, q)
	if err != nil {
		return err
	}
	mine, last := ends.ownHeads(heads, database)
	if len(mine) == 0 {
		return nil
	}
	if ps := ends.identityProblems(mine, last); len(ps) > 0 {
		return &TamperError{Problem: ps[0]}
	}
	if p, bad := ends.beyondEnd(last); bad {
		return &TamperError{Problem: p}
	}
	return checkFrom(ctx, q, last)
}

// readEnds reads the seq and hash of the first entry and the seq of the last.
func readEnds(ctx context.Context, q Querier) (trailEnds, error) {
	var t trailEnds
	rows, err := q.Query(ctx, `SELECT
		coalesce((SELECT seq FROM sluice.audit ORDER BY seq LIMIT 1), 0),
		coalesce((SELECT hash FROM sluice.audit WHERE seq = 1), ''),
		coalesce((SELECT seq FROM sluice.audit ORDER BY seq DESC LIMIT 1), 0)`)
	if err != nil {
		return t, fmt.Errorf("read the ends of the audit trail: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		err = rows.Scan(&t.first, &t.trail, &t.last)
	}
	if err == nil {
		err = rows.Err()
	}
	if err != nil {
		return t, fmt.Errorf("read the ends of the audit trail: %w", err)
	}
	return t, nil
}

// checkFrom walks the trail from the anchored head h to its end: h must be
// there unchanged, and every later entry must follow the chain.
func checkFrom(ctx context.Context, q Querier, h Head) error {
	rows, err := queryRange(ctx, q, h.Seq, 0)
	if err != nil {
		return fmt.Errorf("read the audit trail from entry %d: %w", h.Seq, err)
	}
	defer rows.Close()
	prev := record{}
	for rows.Next() {
		e, details, err := scanRow(rows)
		if err != nil {
			return fmt.Errorf("read the audit trail from entry %d: %w", h.Seq, err)
		}
		r := tailRecord(withDetails(e, details))
		if p, bad := tailProblem(h, prev, r); bad {
			return &TamperError{Problem: p}
		}
		prev = r
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the audit trail from entry %d: %w", h.Seq, err)
	}
	if prev.seq == 0 {
		return &TamperError{Problem: Problem{Seq: h.Seq, RunID: h.RunID, Kind: Truncated,
			Detail: fmt.Sprintf("the trail ends before the anchored head %s: entries were deleted from its end", h)}}
	}
	return nil
}

func tailRecord(e Entry, bad string) record {
	r := record{seq: e.Seq, runID: e.RunID, prev: e.PrevHash, hash: e.Hash, unreadable: bad}
	if bad == "" {
		r.computed, _ = ComputeHash(e)
	}
	return r
}

// tailProblem checks r, the entry after prev (none for the anchored head).
func tailProblem(h Head, prev, r record) (Problem, bool) {
	p := Problem{Seq: r.seq, RunID: r.runID}
	switch {
	case prev.seq == 0 && r.seq != h.Seq:
		p.Seq, p.RunID, p.Kind = h.Seq, h.RunID, Deleted
		p.Detail = fmt.Sprintf("the anchored head %s is missing from the trail", h)
	case prev.seq == 0 && r.hash != h.Hash:
		return differs(h, r.hash, h.Runs)
	case r.computed == "" || r.computed != r.hash:
		p.Kind, p.Detail = Altered, "its content does not match its hash"
	case prev.seq != 0 && r.seq != prev.seq+1:
		p.Seq, p.RunID, p.Kind = prev.seq+1, 0, Deleted
		p.Detail = fmt.Sprintf("entries %d..%d are missing after the anchored head %s", prev.seq+1, r.seq-1, h)
	case prev.seq != 0 && r.prev != prev.hash:
		p.Kind, p.Detail = Altered, fmt.Sprintf("it is not chained to entry %d", prev.seq)
	default:
		return p, false
	}
	return p, true
}
