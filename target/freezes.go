package target

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sluicedb/sluice"
)

// freezesSchema records each write freeze of a source, so that a freeze
// outlives the process that made it: status shows a source left frozen by
// a crashed Sluice, and rollback unfreezes it with the settings kept in
// prior. The row is written before the source is frozen ('freezing'), so
// no freeze can happen without one; at most one freeze per source is open
// (not yet thawed), which is what makes a repeated freeze keep the first
// freeze's prior settings rather than the frozen ones.
const freezesSchema = `CREATE TABLE sluice.freezes (
	freeze_id bigserial PRIMARY KEY,
	source text NOT NULL,
	engine text NOT NULL,
	status text NOT NULL CHECK (status IN ('freezing', 'frozen', 'thawed')),
	prior jsonb NOT NULL,
	position text,
	writers jsonb NOT NULL DEFAULT '[]',
	host text,
	pid int,
	started_at timestamptz NOT NULL DEFAULT now(),
	frozen_at timestamptz,
	thawed_at timestamptz
);
	CREATE UNIQUE INDEX freezes_open_idx ON sluice.freezes (source) WHERE status <> 'thawed';`

// Freeze is the record of one write freeze of a source.
type Freeze struct {
	ID     int64
	Source string
	Engine string
	// Status is "freezing" (recorded, the source may or may not be frozen
	// yet), "frozen" (Position read) or "thawed".
	Status string
	// Prior are the source's read-only settings before the freeze: what
	// unfreezing restores.
	Prior    map[string]string
	Position string // the change stream's position read after the freeze
	Writers  []sluice.Session
	Host     string
	PID      int
	Started  time.Time
	Frozen   time.Time // zero until frozen
	Thawed   time.Time // zero until thawed
}

// BeginFreeze records that source is about to be frozen, with its settings
// before the freeze, and returns the open freeze: the new one, or the one
// already open (a resumed cutover), whose prior settings it keeps.
func (t *Target) BeginFreeze(ctx context.Context, source, engine string, prior map[string]string) (Freeze, error) {
	priorJSON, err := json.Marshal(prior)
	if err != nil {
		return Freeze{}, err
	}
	host, _ := os.Hostname()
	_, err = t.pool.Exec(ctx, `INSERT INTO sluice.freezes (source, engine, status, prior, host, pid)
		VALUES ($1, $2, 'freezing', $3, $4, $5) ON CONFLICT (source) WHERE status <> 'thawed' DO NOTHING`,
		source, engine, priorJSON, host, os.Getpid())
	if err != nil {
		return Freeze{}, fmt.Errorf("record the freeze of source %s on %s: %w", source, t.where, err)
	}
	f, found, err := t.OpenFreeze(ctx, source)
	if err == nil && !found {
		err = fmt.Errorf("record the freeze of source %s on %s: thawed meanwhile by another process", source, t.where)
	}
	return f, err
}

// FrozeAt records that the open freeze of source holds, with the position
// read after it and the sessions it does not stop.
func (t *Target) FrozeAt(ctx context.Context, source, position string, writers []sluice.Session) error {
	w, err := json.Marshal(nonNil(writers))
	if err != nil {
		return err
	}
	tag, err := t.pool.Exec(ctx, `UPDATE sluice.freezes SET status = 'frozen', position = $2, writers = $3,
		frozen_at = coalesce(frozen_at, now()) WHERE source = $1 AND status <> 'thawed'`, source, position, w)
	if err == nil && tag.RowsAffected() == 0 {
		err = errors.New("no open freeze")
	}
	if err != nil {
		return fmt.Errorf("record the freeze position of source %s on %s: %w", source, t.where, err)
	}
	return nil
}

func nonNil(s []sluice.Session) []sluice.Session {
	if s == nil {
		return []sluice.Session{}
	}
	return s
}

// Thawed records that source was unfrozen; nothing when no freeze is open.
func (t *Target) Thawed(ctx context.Context, source string) error {
	_, err := t.pool.Exec(ctx, `UPDATE sluice.freezes SET status = 'thawed', thawed_at = now()
		WHERE source = $1 AND status <> 'thawed'`, source)
	if err != nil {
		return fmt.Errorf("record the unfreeze of source %s on %s: %w", source, t.where, err)
	}
	return nil
}

// OpenFreeze returns the freeze of source not yet thawed, if any.
func (t *Target) OpenFreeze(ctx context.Context, source string) (Freeze, bool, error) {
	fs, err := t.freezes(ctx, "WHERE source = $1 AND status <> 'thawed'", source)
	if err != nil || len(fs) == 0 {
		return Freeze{}, false, err
	}
	return fs[0], true, nil
}

// OpenFreezes lists the sources frozen, or being frozen, by Sluice: what
// status must show and rollback must undo. A state schema from before
// freezes were recorded has none.
func (t *Target) OpenFreezes(ctx context.Context) ([]Freeze, error) {
	var exists bool
	if err := t.pool.QueryRow(ctx, "SELECT to_regclass('sluice.freezes') IS NOT NULL").Scan(&exists); err != nil {
		return nil, fmt.Errorf("read the freezes on %s: %w", t.where, err)
	}
	if !exists {
		return nil, nil
	}
	return t.freezes(ctx, "WHERE status <> 'thawed'")
}

func (t *Target) freezes(ctx context.Context, where string, args ...any) ([]Freeze, error) {
	rows, err := t.pool.Query(ctx, `SELECT freeze_id, source, engine, status, prior, coalesce(position, ''), writers,
		coalesce(host, ''), coalesce(pid, 0), started_at, coalesce(frozen_at, 'epoch'), coalesce(thawed_at, 'epoch')
		FROM sluice.freezes `+where+` ORDER BY source, freeze_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("read the freezes on %s: %w", t.where, err)
	}
	fs, err := pgx.CollectRows(rows, scanFreeze)
	if err != nil {
		return nil, fmt.Errorf("read the freezes on %s: %w", t.where, err)
	}
	return fs, nil
}

func scanFreeze(r pgx.CollectableRow) (Freeze, error) {
	var f Freeze
	var prior, writers []byte
	err := r.Scan(&f.ID, &f.Source, &f.Engine, &f.Status, &prior, &f.Position, &writers,
		&f.Host, &f.PID, &f.Started, &f.Frozen, &f.Thawed)
	if err != nil {
		return f, err
	}
	if err := json.Unmarshal(prior, &f.Prior); err != nil {
		return f, fmt.Errorf("freeze %d prior: %w", f.ID, err)
	}
	if err := json.Unmarshal(writers, &f.Writers); err != nil {
		return f, fmt.Errorf("freeze %d writers: %w", f.ID, err)
	}
	f.Frozen, f.Thawed = notEpoch(f.Frozen), notEpoch(f.Thawed)
	return f, nil
}

// notEpoch turns the epoch that stands for "not yet" into the zero time.
func notEpoch(t time.Time) time.Time {
	if t.Unix() == 0 {
		return time.Time{}
	}
	return t
}
