package target

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice/audit"
)

// Conflict statuses and resolutions.
const (
	ConflictOpen     = "open"
	ConflictResolved = "resolved"

	TakeOwner = "owner" // keep the value of the row that owns the entity
	TakeOther = "other" // take the value of the row that lost
	TakeValue = "value" // take a value given by a person
)

// OpConflictResolve is the audit operation of a resolved conflict.
const OpConflictResolve = "conflict.resolve"

// Conflict is one row of sluice.conflicts: two rows of different sources (or
// two rows of one source) matched to one entity disagree on a column's
// value. Values are text, as PostgreSQL writes them.
type Conflict struct {
	ID            int64
	Schema, Table string
	Entity        uuid.UUID
	Column        string
	OwnerSource   string // the source of the row that owns the entity (won)
	OwnerKey      string // its legacy key
	OwnerValue    string
	OtherSource   string // the source of the row that lost
	OtherKey      string
	OtherValue    string
	OwnerNull     bool // OwnerValue is NULL
	OtherNull     bool
	Status        string // ConflictOpen or ConflictResolved
	Resolution    string // TakeOwner, TakeOther or TakeValue; "" while open
	ResolvedValue *string
	ResolvedBy    string
	RunID         int64 // the run that queued it (last)
	CreatedAt     time.Time
	ResolvedAt    time.Time // zero while open
}

// ConflictFilter selects conflicts: Table is a target table ("table" or
// "schema.table", "" for all), Status ConflictOpen or ConflictResolved ("" for
// both), Limit the most returned (<= 0 for all).
type ConflictFilter struct {
	Table  string
	Status string
	Limit  int
}

// Resolution says how a person resolved a conflict.
type Resolution struct {
	Take  string  // TakeOwner, TakeOther or TakeValue
	Value *string // TakeValue: the value as text, nil for NULL
	By    string  // who resolved it
	// Seal checks the trail against its anchor before the resolution's
	// entry, signs that entry (its own head: it belongs to no run) and
	// anchors it; nil does none of it.
	Seal *audit.Seal
}

const conflictColumns = `conflict_id, target_schema, target_table, entity, column_name, owner_source, owner_key,
	coalesce(owner_value, ''), other_source, other_key, coalesce(other_value, ''), owner_value IS NULL,
	other_value IS NULL, status, coalesce(resolution, ''), resolved_value, coalesce(resolved_by, ''),
	coalesce(run_id, 0), created_at, resolved_at`

func scanConflict(row pgx.Row) (Conflict, error) {
	var c Conflict
	var resolvedAt *time.Time
	err := row.Scan(&c.ID, &c.Schema, &c.Table, &c.Entity, &c.Column, &c.OwnerSource, &c.OwnerKey, &c.OwnerValue,
		&c.OtherSource, &c.OtherKey, &c.OtherValue, &c.OwnerNull, &c.OtherNull, &c.Status, &c.Resolution,
		&c.ResolvedValue, &c.ResolvedBy, &c.RunID, &c.CreatedAt, &resolvedAt)
	if resolvedAt != nil {
		c.ResolvedAt = *resolvedAt
	}
	return c, err
}

// Conflicts lists the conflicts f selects, oldest first.
func (t *Target) Conflicts(ctx context.Context, f ConflictFilter) ([]Conflict, error) {
	q := "SELECT " + conflictColumns + ` FROM sluice.conflicts
		WHERE ($1 = '' OR target_table = $1 OR target_schema || '.' || target_table = $1)
			AND ($2 = '' OR status = $2)
		ORDER BY conflict_id`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, _ := t.pool.Query(ctx, q, f.Table, f.Status)
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Conflict, error) { return scanConflict(row) })
	if err != nil {
		return nil, fmt.Errorf("read conflicts: %w", err)
	}
	return out, nil
}

// ResolveConflict resolves conflict id as r says: in one transaction it sets
// the entity row's column to the value taken (cast from text to the column's
// type), marks the conflict resolved and records it in the audit trail. A
// later load that finds the same two values keeps the resolution.
func (t *Target) ResolveConflict(ctx context.Context, id int64, r Resolution) (Conflict, error) {
	var c Conflict
	var entry audit.Entry
	err := pgx.BeginFunc(ctx, t.pool, func(tx pgx.Tx) (err error) {
		// Durable before its head is anchored, and checked before anything
		// extends the trail (see endRun).
		if _, err := tx.Exec(ctx, "SET LOCAL synchronous_commit = on"); err != nil {
			return err
		}
		if err := r.Seal.Check(ctx, tx); err != nil {
			return err
		}
		if c, entry, err = resolveConflict(ctx, tx, id, r); err != nil {
			return err
		}
		return r.Seal.SignEntry(ctx, tx, entry.Seq)
	})
	if err != nil {
		return Conflict{}, fmt.Errorf("resolve conflict %d: %w", id, err)
	}
	if _, err := r.Seal.Anchor(ctx, t.pool, entry.Seq); err != nil {
		return c, fmt.Errorf("conflict %d is resolved, but its audit entry was not anchored: %w", id, err)
	}
	return c, nil
}

func resolveConflict(ctx context.Context, tx pgx.Tx, id int64, r Resolution) (Conflict, audit.Entry, error) {
	c, err := scanConflict(tx.QueryRow(ctx, "SELECT "+conflictColumns+" FROM sluice.conflicts WHERE conflict_id = $1 FOR UPDATE", id))
	if errors.Is(err, pgx.ErrNoRows) {
		return c, audit.Entry{}, fmt.Errorf("no conflict %d", id)
	}
	if err != nil {
		return c, audit.Entry{}, fmt.Errorf("read conflict: %w", err)
	}
	value, err := takenValue(c, r)
	if err != nil {
		return c, audit.Entry{}, err
	}
	if err := setEntityValue(ctx, tx, c, value); err != nil {
		return c, audit.Entry{}, err
	}
	c, err = scanConflict(tx.QueryRow(ctx, `UPDATE sluice.conflicts SET status = 'resolved', resolution = $2,
			resolved_value = $3, resolved_by = nullif($4, ''), resolved_at = now(), updated_at = now()
		WHERE conflict_id = $1 RETURNING `+conflictColumns, id, r.Take, value, r.By))
	if err != nil {
		return c, audit.Entry{}, fmt.Errorf("mark resolved: %w", err)
	}
	entry, err := auditResolve(ctx, tx, c)
	return c, entry, err
}

// takenValue is the value r takes for c, nil for NULL.
func takenValue(c Conflict, r Resolution) (*string, error) {
	switch r.Take {
	case TakeOwner:
		return textOrNull(c.OwnerValue, c.OwnerNull), nil
	case TakeOther:
		return textOrNull(c.OtherValue, c.OtherNull), nil
	case TakeValue:
		return r.Value, nil
	}
	return nil, fmt.Errorf("take %q is not %s, %s or %s", r.Take, TakeOwner, TakeOther, TakeValue)
}

func textOrNull(s string, null bool) *string {
	if null {
		return nil
	}
	return &s
}

// setEntityValue writes value into the conflict's column of its entity row.
func setEntityValue(ctx context.Context, tx pgx.Tx, c Conflict, value *string) error {
	var column string
	err := tx.QueryRow(ctx, "SELECT entity_column FROM sluice.conflicts WHERE conflict_id = $1", c.ID).Scan(&column)
	if err != nil {
		return fmt.Errorf("read the entity column: %w", err)
	}
	table := pgx.Identifier{c.Schema, c.Table}.Sanitize()
	types, err := columnTypes(ctx, tx, table)
	if err != nil {
		return err
	}
	typ, ok := types[c.Column]
	if !ok {
		return fmt.Errorf("%s.%s has no column %s", c.Schema, c.Table, c.Column)
	}
	tag, err := tx.Exec(ctx, fmt.Sprintf("UPDATE %s SET %s = $2::%s WHERE %s = $1",
		table, quoteIdent(c.Column), typ, quoteIdent(column)), c.Entity.String(), value)
	if err != nil {
		return fmt.Errorf("set %s of entity %s: %w", c.Column, c.Entity, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%s.%s holds no row %s any more", c.Schema, c.Table, c.Entity)
	}
	return nil
}

// auditResolve records the resolution. Like a reject, the value is recorded
// by its SHA-256 only: the trail is not a copy of the records.
func auditResolve(ctx context.Context, tx pgx.Tx, c Conflict) (audit.Entry, error) {
	details := map[string]any{"conflict": c.ID, "target": c.Schema + "." + c.Table, "entity": c.Entity.String(),
		"column": c.Column, "owner_source": c.OwnerSource, "owner_key": c.OwnerKey, "other_source": c.OtherSource,
		"other_key": c.OtherKey, "take": c.Resolution, "by": c.ResolvedBy, "value_sha256": nil}
	if c.ResolvedValue != nil {
		sum := sha256.Sum256([]byte(*c.ResolvedValue))
		details["value_sha256"] = hex.EncodeToString(sum[:])
	}
	entry, err := audit.Append(ctx, tx, audit.Entry{Operation: OpConflictResolve, Details: details})
	if err != nil {
		return entry, fmt.Errorf("record the resolution in the audit trail: %w", err)
	}
	return entry, nil
}

// ConflictCell is a column of an entity row.
type ConflictCell struct {
	Entity [16]byte
	Column string
}

// ResolvedConflicts lists the columns of the entities of schema.table that
// have a resolved conflict: a resolution is re-applied by the loads, so a
// reader comparing values expects the resolved value there.
func (t *Target) ResolvedConflicts(ctx context.Context, schema, table string, entities [][16]byte) ([]ConflictCell, error) {
	var c ConflictCell
	var out []ConflictCell
	rows, _ := t.pool.Query(ctx, `SELECT DISTINCT entity, column_name FROM sluice.conflicts
		WHERE target_schema = $1 AND target_table = $2 AND status = 'resolved' AND entity = ANY($3::uuid[])`,
		schema, table, entities)
	_, err := pgx.ForEachRow(rows, []any{&c.Entity, &c.Column}, func() error {
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the resolved conflicts of %s.%s: %w", schema, table, err)
	}
	return out, nil
}
