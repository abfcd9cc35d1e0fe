package target

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice/audit"
)

// The phases of a cutover (sluice.cutovers.phase), in the order cutover
// goes through them; a rollback moves a cutover to PhaseRollingBack and
// then PhaseRolledBack.
const (
	PhaseChecking    = "checking" // readiness checked; nothing changed yet
	PhaseFrozen      = "frozen"   // the sources' writes are stopped, positions read
	PhaseDrained     = "drained"  // the stream is applied up to the freeze positions
	PhaseProven      = "proven"   // the target verified against the frozen sources
	PhaseFinished    = "finished" // identities moved, deferred constraints validated
	PhaseSwitched    = "switched" // the target is authoritative, the reverse stream set up
	PhaseRollingBack = "rolling back"
	PhaseRolledBack  = "rolled back"
)

// The authoritative side: where the application writes.
const (
	SideSources = "sources"
	SideTarget  = "target"
)

// cutoversSchema records each cutover: the phase it reached, so that a
// cutover killed at any step is resumed (or rolled back) from it, and what
// it proved. Only one cutover is open (not rolled back) at a time; after a
// rollback a new one starts over.
const cutoversSchema = `CREATE TABLE sluice.cutovers (
	cutover_id bigserial PRIMARY KEY,
	phase text NOT NULL CHECK (phase IN ('checking', 'frozen', 'drained', 'proven', 'finished', 'switched', 'rolling back', 'rolled back')),
	authoritative text NOT NULL CHECK (authoritative IN ('sources', 'target')),
	positions jsonb NOT NULL DEFAULT '{}',
	verify jsonb,
	run_id bigint,
	freeze_started timestamptz,
	freeze_ended timestamptz,
	started_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);
	CREATE UNIQUE INDEX cutovers_open_idx ON sluice.cutovers ((true)) WHERE phase <> 'rolled back';`

// Cutover is the record of one cutover.
type Cutover struct {
	ID            int64
	Phase         string
	Authoritative string            // SideSources or SideTarget
	Positions     map[string]string // the freeze position of each source
	Verify        map[string]any    // the proof's result
	RunID         int64             // the run that last moved it
	FreezeStarted time.Time         // zero until the sources were frozen
	FreezeEnded   time.Time         // zero until the switch (or the thaw)
	Started       time.Time
	Updated       time.Time
}

// FreezeDuration is how long writes were stopped: from the freeze to the
// switch, or until now while they still are.
func (c Cutover) FreezeDuration() time.Duration {
	if c.FreezeStarted.IsZero() {
		return 0
	}
	if c.FreezeEnded.IsZero() {
		return time.Since(c.FreezeStarted)
	}
	return c.FreezeEnded.Sub(c.FreezeStarted)
}

// CutoverStep is what one step of a cutover records with its phase; zero
// fields leave the record as it is.
type CutoverStep struct {
	Phase         string
	Authoritative string
	Positions     map[string]string
	Verify        map[string]any
	FreezeStarted bool // the freeze starts now (a new attempt's: the end is cleared)
	FreezeEnded   bool // the freeze ends now
	// FreezeStartedAt, when set, is when the freeze began: the time the
	// first source's freeze was recorded, just before its read-only switch
	// (sluice.freezes), so that the duration covers every moment a write
	// could be refused, from a crashed attempt's freeze on.
	FreezeStartedAt time.Time
	// Details are added to the step's audit entry.
	Details map[string]any
}

// OpenCutover returns the cutover not rolled back, if any. A state schema
// from before cutovers were recorded has none.
func (t *Target) OpenCutover(ctx context.Context) (Cutover, bool, error) {
	var exists bool
	if err := t.pool.QueryRow(ctx, "SELECT to_regclass('sluice.cutovers') IS NOT NULL").Scan(&exists); err != nil || !exists {
		return Cutover{}, false, err
	}
	c, err := scanCutover(t.pool.QueryRow(ctx, `SELECT cutover_id, phase, authoritative, positions, coalesce(verify, '{}'),
		coalesce(run_id, 0), coalesce(freeze_started, 'epoch'), coalesce(freeze_ended, 'epoch'), started_at, updated_at
		FROM sluice.cutovers WHERE phase <> 'rolled back'`))
	if errors.Is(err, pgx.ErrNoRows) {
		return Cutover{}, false, nil
	}
	if err != nil {
		return Cutover{}, false, fmt.Errorf("read the cutover on %s: %w", t.where, err)
	}
	return c, true, nil
}

// LatestCutover returns the most recent cutover, open or rolled back, if
// any.
func (t *Target) LatestCutover(ctx context.Context) (Cutover, bool, error) {
	var exists bool
	if err := t.pool.QueryRow(ctx, "SELECT to_regclass('sluice.cutovers') IS NOT NULL").Scan(&exists); err != nil || !exists {
		return Cutover{}, false, err
	}
	var id int64
	if err := t.pool.QueryRow(ctx, "SELECT coalesce(max(cutover_id), 0) FROM sluice.cutovers").Scan(&id); err != nil || id == 0 {
		return Cutover{}, false, err
	}
	return t.lastCutover(ctx, id)
}

func scanCutover(r pgx.Row) (Cutover, error) {
	var c Cutover
	var positions, verify []byte
	err := r.Scan(&c.ID, &c.Phase, &c.Authoritative, &positions, &verify, &c.RunID, &c.FreezeStarted, &c.FreezeEnded, &c.Started, &c.Updated)
	if err != nil {
		return c, err
	}
	if c.FreezeStarted.Unix() == 0 {
		c.FreezeStarted = time.Time{}
	}
	if c.FreezeEnded.Unix() == 0 {
		c.FreezeEnded = time.Time{}
	}
	if err := json.Unmarshal(positions, &c.Positions); err != nil {
		return c, err
	}
	return c, json.Unmarshal(verify, &c.Verify)
}

// BeginCutover returns the open cutover (a resumed one), or records a new
// one in phase checking with the sources authoritative, with its audit
// entry.
func (t *Target) BeginCutover(ctx context.Context, runID int64) (Cutover, error) {
	if c, found, err := t.OpenCutover(ctx); err != nil || found {
		return c, err
	}
	err := pgx.BeginFunc(ctx, t.pool, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO sluice.cutovers (phase, authoritative, run_id) VALUES ($1, $2, $3) RETURNING cutover_id`,
			PhaseChecking, SideSources, runID).Scan(&id); err != nil {
			return err
		}
		_, err := audit.Append(ctx, tx, audit.Entry{RunID: runID, Operation: "cutover." + PhaseChecking,
			Details: map[string]any{"cutover": id, "authoritative": SideSources}})
		return err
	})
	if err != nil {
		return Cutover{}, fmt.Errorf("record the cutover on %s: %w", t.where, err)
	}
	c, _, err := t.OpenCutover(ctx)
	return c, err
}

// CutoverStep records that the open cutover reached step.Phase, with the
// step's audit entry ("cutover.<phase>", its time the entry's) in the same
// transaction.
func (t *Target) CutoverStep(ctx context.Context, id, runID int64, step CutoverStep) (Cutover, error) {
	positions, err := json.Marshal(step.Positions)
	if err != nil {
		return Cutover{}, err
	}
	verify, err := json.Marshal(step.Verify)
	if err != nil {
		return Cutover{}, err
	}
	err = pgx.BeginFunc(ctx, t.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE sluice.cutovers SET phase = $2, run_id = $3, updated_at = now(),
			authoritative = coalesce(nullif($4, ''), authoritative),
			positions = CASE WHEN $5::jsonb = 'null' THEN positions ELSE $5::jsonb END,
			verify = CASE WHEN $6::jsonb = 'null' THEN verify ELSE $6::jsonb END,
			freeze_started = CASE WHEN $7 THEN now() ELSE coalesce($9, freeze_started) END,
			freeze_ended = CASE WHEN $8 THEN now() WHEN $7 THEN NULL ELSE freeze_ended END
			WHERE cutover_id = $1 AND phase <> 'rolled back'`,
			id, step.Phase, runID, step.Authoritative, positions, verify, step.FreezeStarted, step.FreezeEnded, timeOrNil(step.FreezeStartedAt))
		if err == nil && tag.RowsAffected() == 0 {
			err = fmt.Errorf("cutover %d is not open", id)
		}
		if err != nil {
			return err
		}
		details := map[string]any{"cutover": id}
		for k, v := range step.Details {
			details[k] = v
		}
		if step.Authoritative != "" {
			details["authoritative"] = step.Authoritative
		}
		if step.Positions != nil {
			details["positions"] = step.Positions
		}
		_, err = audit.Append(ctx, tx, audit.Entry{RunID: runID, Operation: "cutover." + auditPhase(step.Phase), Details: details})
		return err
	})
	if err != nil {
		return Cutover{}, fmt.Errorf("record cutover step %s on %s: %w", step.Phase, t.where, err)
	}
	c, found, err := t.lastCutover(ctx, id)
	if err == nil && !found {
		err = fmt.Errorf("cutover %d vanished", id)
	}
	return c, err
}

// timeOrNil is t, or NULL when t is zero.
func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// auditPhase names a phase as an audit operation ("rolling back" ->
// "rolling_back").
func auditPhase(p string) string {
	out := []byte(p)
	for i, b := range out {
		if b == ' ' {
			out[i] = '_'
		}
	}
	return string(out)
}

func (t *Target) lastCutover(ctx context.Context, id int64) (Cutover, bool, error) {
	c, err := scanCutover(t.pool.QueryRow(ctx, `SELECT cutover_id, phase, authoritative, positions, coalesce(verify, '{}'),
		coalesce(run_id, 0), coalesce(freeze_started, 'epoch'), coalesce(freeze_ended, 'epoch'), started_at, updated_at
		FROM sluice.cutovers WHERE cutover_id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Cutover{}, false, nil
	}
	if err != nil {
		return Cutover{}, false, fmt.Errorf("read cutover %d on %s: %w", id, t.where, err)
	}
	return c, true, nil
}

// Authoritative says which side the application writes: the target once a
// cutover switched and until it is rolled back, else the sources.
func (t *Target) Authoritative(ctx context.Context) (string, error) {
	c, found, err := t.OpenCutover(ctx)
	if err != nil || !found {
		return SideSources, err
	}
	return c.Authoritative, nil
}

// EverSwitched reports whether a cutover ever reached its switch (its audit
// entry says so, whatever happened since): from then on the application may
// have inserted rows into the target with UUIDs of its own
// (verify.Options.OwnUUIDs).
func (t *Target) EverSwitched(ctx context.Context) (bool, error) {
	var exists bool
	err := t.pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM sluice.audit WHERE operation = 'cutover."+PhaseSwitched+"')").Scan(&exists)
	if err != nil {
		return false, fmt.Errorf("look for a cutover's switch on %s: %w", t.where, err)
	}
	return exists, nil
}
