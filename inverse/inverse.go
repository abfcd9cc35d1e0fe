// Package inverse turns a target row back into the source row it stands
// for, through the plan's mapping: the legacy key from the legacy column,
// renamed columns back to their source names, each value cast back to its
// source type exactly (or refused), rewritten foreign keys back to the
// referenced row's legacy key, and a merged table's row to the source that
// owns it. It is the reverse stream's transform after a cutover.
//
// It is pure; the one lookup it needs (a foreign key's uuid to the
// referenced row's legacy key) is a function the caller gives.
package inverse

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
)

// Refs finds the row of the source table source.table whose identity is
// id; found false when there is none.
type Refs func(ctx context.Context, source, table string, id [16]byte) (ref Ref, found bool, err error)

// Ref is a referenced row as a rewritten foreign key's write-back needs it.
type Ref struct {
	// Owner is the source that owns the row: its table's source, or for a
	// merged table the row's lineage (the new_rows source for a row
	// inserted on the target).
	Owner string
	// Legacy is the row's legacy key as the target holds it (the legacy
	// column's value, or a KeyText): nil when the source has not given
	// the row a key yet.
	Legacy any
	// Pending, for a row without a legacy key that an earlier insert of
	// the same batch writes to the source, stands for the key the source
	// generates: one value per key column (sluice.GeneratedRef).
	Pending []any
}

// KeyText is a legacy key as sluice.KeyText writes it (sluice.legacy_keys
// keeps them so), rather than as a legacy column holds it.
type KeyText string

// Options say what the plan does not.
type Options struct {
	// NewRows is the source that a merged table's rows without a source
	// (inserted on the target) are written to; "" takes the config's
	// new_rows:, and without one refuses them.
	NewRows string
	// Refs resolves rewritten foreign keys; nil refuses tables that have one.
	Refs Refs
}

// Table inverts the rows of one target table, made of one planned table or
// of the parts of a merged one.
type Table struct {
	name      string
	columns   []string         // the target columns, in the plan's order
	parts     map[string]*part // by source name
	sourceCol int              // the lineage column's index; -1 when not merged
	pk        []int            // the target primary key's columns
	legacy    string           // the legacy column's name; "" under keys: keep
	newRows   string
	refs      Refs
}

// Row is a source row: where it goes, its key and its other columns.
type Row struct {
	Source, Table string
	Key           []string
	// KeyValues is nil for a row that has no legacy key yet (inserted on
	// the target): the source generates one.
	KeyValues []any
	Columns   []string
	Values    []any
}

// Compile prepares the inversion of a target table from its planned
// tables (one, or each part of a merged table). A table whose mapping the
// plan found irreversible is refused with the plan's reasons.
func Compile(tables []*plan.Table, opts Options) (*Table, error) {
	if len(tables) == 0 {
		return nil, errors.New("compile the inverse of no table")
	}
	inv := &Table{name: tables[0].Name, parts: map[string]*part{}, sourceCol: -1, newRows: opts.NewRows, refs: opts.Refs}
	if m := tables[0].Merged; m != nil && inv.newRows == "" {
		inv.newRows = m.NewRows
	}
	for _, c := range tables[0].Columns {
		inv.columns = append(inv.columns, c.Name)
		if c.Role == plan.RoleLegacyKey {
			inv.legacy = c.Name
		}
	}
	for _, k := range tables[0].PrimaryKey {
		inv.pk = append(inv.pk, slices.Index(inv.columns, k))
	}
	for _, t := range tables {
		if !t.Rollback.Reversible() {
			return nil, fmt.Errorf("%s -> %s cannot be written back: %s", t.ID, t.Name, strings.Join(t.Rollback.Reasons, "; "))
		}
		p, err := compilePart(t, opts)
		if err != nil {
			return nil, fmt.Errorf("compile the inverse of %s: %w", t.ID, err)
		}
		inv.parts[t.Source] = p
	}
	if m := tables[0].Merged; m != nil {
		inv.sourceCol = slices.Index(inv.columns, m.SourceColumn)
	}
	if inv.newRows != "" && inv.parts[inv.newRows] == nil {
		return nil, fmt.Errorf("compile the inverse of %s: new rows go to source %s, which does not feed it", inv.name, inv.newRows)
	}
	return inv, nil
}

// Columns are the target columns a row given to Row holds, in order.
func (inv *Table) Columns() []string { return inv.columns }

// Name is the target table's name.
func (inv *Table) Name() string { return inv.name }

// LegacyColumn is the target column that keeps the source key, where a
// key the source generates is written back; "" under keys: keep.
func (inv *Table) LegacyColumn() string { return inv.legacy }

// Identity is the target row's primary key: its columns and values.
func (inv *Table) Identity(target []any) ([]string, []any) {
	cols, vals := make([]string, len(inv.pk)), make([]any, len(inv.pk))
	for i, at := range inv.pk {
		cols[i], vals[i] = inv.columns[at], target[at]
	}
	return cols, vals
}

// Row turns a target row (one value per column of Columns, as the
// PostgreSQL capture yields them; sluice.Unchanged for a value not sent)
// into its source row. Unchanged values are left out of Columns.
func (inv *Table) Row(ctx context.Context, target []any) (Row, error) {
	p, err := inv.part(target)
	if err != nil {
		return Row{}, err
	}
	return p.row(ctx, inv.refs, target)
}

// KeyRow is Row without the values (and without looking up what its
// foreign keys reference): where the row goes and its key.
func (inv *Table) KeyRow(target []any) (Row, error) {
	p, err := inv.part(target)
	if err != nil {
		return Row{}, err
	}
	key, err := p.keyOf(target)
	return Row{Source: p.source, Table: p.table, Key: p.key, KeyValues: key}, err
}

func (inv *Table) part(target []any) (*part, error) {
	if len(target) != len(inv.columns) {
		return nil, fmt.Errorf("invert a row of %s: %d values for %d columns", inv.name, len(target), len(inv.columns))
	}
	return inv.owner(target)
}

// owner is the part whose source owns the row: by its lineage column in a
// merged table, NewRows when the lineage is empty.
func (inv *Table) owner(target []any) (*part, error) {
	if inv.sourceCol < 0 {
		for _, p := range inv.parts {
			return p, nil
		}
	}
	src, _ := target[inv.sourceCol].(string)
	if src == "" {
		src = inv.newRows
	}
	if p := inv.parts[src]; p != nil {
		return p, nil
	}
	if src == "" {
		return nil, fmt.Errorf("invert a row of %s: it has no source (inserted on the target) and the config names none for new rows", inv.name)
	}
	return nil, fmt.Errorf("invert a row of %s: its source %q does not feed the table", inv.name, src)
}

// Change turns a target change into the source change: an insert, an
// update or a delete by the row's legacy key. An update that changes the
// legacy key is refused: the source row would change identity.
func (inv *Table) Change(ctx context.Context, c sluice.Change) (sluice.RowChange, error) {
	switch c.Kind {
	case sluice.ChangeInsert, sluice.ChangeUpdate:
		r, err := inv.Row(ctx, c.After)
		if err != nil {
			return sluice.RowChange{}, err
		}
		if c.Kind == sluice.ChangeUpdate {
			if err := inv.sameKey(c.Before, r); err != nil {
				return sluice.RowChange{}, err
			}
			if r.KeyValues == nil {
				return sluice.RowChange{}, fmt.Errorf("invert an update of %s: the row has no legacy key yet", inv.name)
			}
		}
		return sluice.RowChange{Kind: c.Kind, Table: r.Table, Key: r.Key, KeyValues: r.KeyValues, Columns: r.Columns, Values: r.Values}, nil
	case sluice.ChangeDelete:
		r, err := inv.KeyRow(c.Before)
		if err != nil {
			return sluice.RowChange{}, err
		}
		if r.KeyValues == nil {
			return sluice.RowChange{}, fmt.Errorf("invert a delete of %s: the old row has no legacy key (is the table's replica identity FULL?)", inv.name)
		}
		return sluice.RowChange{Kind: c.Kind, Table: r.Table, Key: r.Key, KeyValues: r.KeyValues}, nil
	}
	return sluice.RowChange{}, fmt.Errorf("invert a %s of %s: only inserts, updates and deletes are written back", c.Kind, inv.name)
}

func (inv *Table) sameKey(before []any, after Row) error {
	if before == nil {
		return nil
	}
	old, err := inv.KeyRow(before)
	if err != nil || old.KeyValues == nil {
		return err
	}
	if old.Source != after.Source || sluice.KeyText(old.KeyValues) != sluice.KeyText(after.KeyValues) {
		return fmt.Errorf("invert an update of %s: the legacy key changed from %s to %s", inv.name, sluice.KeyText(old.KeyValues), sluice.KeyText(after.KeyValues))
	}
	return nil
}
