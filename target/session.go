package target

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"maps"
	"sync"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice/audit"
)

// The run lifecycle is the same for every command that records a run
// (migrate, verify, sync): BeginSession prepares the target and records the
// run with its run.start entry; the command works, appending entries under
// the run's id; Session.End records the run.end entry with the run's status,
// signs and anchors the trail's head, and lets go of the run's locks. It is
// written once, here, so that no command can record a run without its first
// entry, extend a trail cut behind Sluice's back, or end without anchoring.

// RunSpec describes a run to begin.
type RunSpec struct {
	Command    string // "migrate", "verify", "sync": recorded in sluice.runs
	ConfigHash string
	Version    string // the sluice version
	// Lock names the target lock (see Lock) the run holds for its whole
	// life, so that two runs of it never overlap; "" takes none.
	Lock string
	// Details are the run.start entry's details.
	Details map[string]any
	// SigningKey signs the head of the run's entries; nil: unsigned.
	SigningKey ed25519.PrivateKey
	// Anchor keeps each run's head where the target's administrators cannot
	// rewrite it; the trail must still hold the last head it keeps before
	// the run begins. nil: no anchor.
	Anchor audit.Witness
	// Prepare, when set, runs once the lock is held, the state schema is
	// ready and dead runs are recorded, before the run itself is: what must
	// be settled before a run starts (migrate retires the tables the config
	// no longer plans). An error records no run.
	Prepare func(ctx context.Context) error
}

// Session is a run of a command in progress: recorded in sluice.runs with
// status running and holding its locks until End.
type Session struct {
	tgt     *Target
	id      int64
	command string
	seal    *audit.Seal
	release func() // the RunSpec.Lock, a no-op without one
	endOnce sync.Once
}

// BeginSession starts a run on t: it makes sure the state schema exists and
// is current, takes spec.Lock, records the runs whose process died as
// interrupted, runs spec.Prepare, opens the audit seal and records the run
// with its run.start entry in one transaction, after the trail was checked
// against its anchor. A trail that no longer holds the anchored head is an
// *audit.TamperError, and nothing is recorded.
func (t *Target) BeginSession(ctx context.Context, spec RunSpec) (*Session, error) {
	if err := t.EnsureState(ctx); err != nil {
		return nil, fmt.Errorf("prepare the state schema: %w", err)
	}
	release := func() {}
	if spec.Lock != "" {
		var err error
		if release, err = t.Lock(ctx, spec.Lock); err != nil {
			return nil, err
		}
	}
	s, err := t.beginSession(ctx, spec)
	if err != nil {
		release()
		return nil, err
	}
	s.release = release
	return s, nil
}

// beginSession is BeginSession once the schema is ready and the lock held.
func (t *Target) beginSession(ctx context.Context, spec RunSpec) (*Session, error) {
	if _, err := t.MarkDeadRuns(ctx); err != nil {
		return nil, err
	}
	if spec.Prepare != nil {
		if err := spec.Prepare(ctx); err != nil {
			return nil, err
		}
	}
	seal, err := t.AuditSeal(ctx, spec.Anchor, spec.SigningKey)
	if err != nil {
		return nil, err
	}
	id, err := t.beginRun(ctx, NewRun(spec.Command, spec.ConfigHash, spec.Version), spec.Details, seal)
	if err != nil {
		return nil, fmt.Errorf("record the run: %w", err)
	}
	return &Session{tgt: t, id: id, command: spec.Command, seal: seal}, nil
}

// ID is the run's id in sluice.runs, which its entries, chunks, rejects and
// results carry.
func (s *Session) ID() int64 { return s.id }

// Audit appends one entry of the run to the audit trail, in a transaction of
// its own.
func (s *Session) Audit(ctx context.Context, operation string, details map[string]any) error {
	return s.tgt.Audit(ctx, s.id, operation, details)
}

// End records how the run ended (see endRun) and lets go of its locks. It
// records the end also when ctx is cancelled (an interrupted run ends as
// interrupted); only the first call does anything. It returns the head
// anchored, zero without an anchor; an error after the commit says that the
// run's end is recorded but not anchored.
func (s *Session) End(ctx context.Context, status, message string, details map[string]any) (audit.Head, error) {
	var head audit.Head
	err := errors.New("the run's end was already recorded")
	s.endOnce.Do(func() {
		head, err = s.tgt.endRun(context.WithoutCancel(ctx), s.id, status, message, details, s.seal)
		s.release()
	})
	return head, err
}

// AuditSeal opens the seal (see audit.Seal) a command that writes entries
// here keeps the trail's end with: the heads the witness w holds (nil: no
// anchor) and the key that signs its head (nil: unsigned).
func (t *Target) AuditSeal(ctx context.Context, w audit.Witness, key ed25519.PrivateKey) (*audit.Seal, error) {
	s, err := audit.OpenSeal(ctx, t.pool, w, key)
	if err != nil {
		return nil, fmt.Errorf("open the audit anchor of %s: %w", t.where, err)
	}
	return s, nil
}

// beginRun records a run with status running together with its run.start
// entry (details), in one transaction, after s has checked the trail against
// its anchor: a run is never listed without its first entry, and a trail cut
// behind Sluice's back is not extended. The run holds its lock from this
// transaction on (see lockedRun).
func (t *Target) beginRun(ctx context.Context, r Run, details map[string]any, s *audit.Seal) (int64, error) {
	// A try whose commit went unanswered leaves a run without its session,
	// which reads as interrupted; the next try records a run of its own.
	var id int64
	err := t.do(ctx, func() (err error) {
		id, err = t.lockedRun(ctx, func(tx pgx.Tx) (int64, error) {
			if err := s.Check(ctx, tx); err != nil {
				return 0, err
			}
			id, err := insertRun(ctx, tx, r)
			if err != nil {
				return 0, err
			}
			_, err = audit.Append(ctx, tx, audit.Entry{RunID: id, Operation: audit.OpRunStart, Details: details})
			return id, err
		})
		return err
	})
	var tampered *audit.TamperError
	if errors.As(err, &tampered) {
		return 0, fmt.Errorf("refuse to start a %s run: %w; nothing was recorded (sluice audit verify shows the whole trail)", r.Command, err)
	}
	if err != nil {
		return 0, fmt.Errorf("start run of %s: %w", r.Command, err)
	}
	return id, nil
}

// endRun records the end of run runID in one transaction: its run.end entry
// (details, with status and message), the signature of the run's head when s
// has a key, and its status in sluice.runs. The commit is synchronous: it
// waits for the WAL flush that makes every chunk committed before it durable
// too (see tuneSession), so the head is durable before s anchors it (a head
// the witness holds and a server crash lost would look like tampering).
func (t *Target) endRun(ctx context.Context, runID int64, status, message string, details map[string]any, s *audit.Seal) (audit.Head, error) {
	d := maps.Clone(details)
	if d == nil {
		d = map[string]any{}
	}
	d["status"], d["message"] = status, message
	// Retried without appending run.end twice (see appendOnce).
	e := audit.Entry{RunID: runID, Operation: audit.OpRunEnd, Details: d}
	seq, err := t.appendOnce(ctx, e, func(tx pgx.Tx, e audit.Entry) (audit.Entry, error) {
		if _, err := tx.Exec(ctx, "SET LOCAL synchronous_commit = on"); err != nil {
			return audit.Entry{}, err
		}
		end, err := audit.Append(ctx, tx, e)
		if err != nil {
			return end, err
		}
		if err := s.SignRun(ctx, tx, runID); err != nil {
			return end, err
		}
		return end, updateRun(ctx, tx, runID, status, message)
	})
	// The lock goes only once the end is recorded: a reader never sees the
	// run as running without its lock (see lockedRun).
	t.releaseRun(runID)
	if err != nil {
		return audit.Head{}, fmt.Errorf("finish run %d as %s: %w", runID, status, err)
	}
	head, err := s.Anchor(ctx, t.pool, seq)
	if err != nil {
		return audit.Head{}, fmt.Errorf("run %d ended (%s) and is recorded, but its audit head was not anchored: %w", runID, status, err)
	}
	return head, nil
}
