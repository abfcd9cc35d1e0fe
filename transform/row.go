// Package transform turns one source row into one target row, as a plan.Table
// says: each target column is a cast source value, the row's deterministic
// UUID, a foreign key's UUID, or the legacy key.
//
// It is pure, and built for the hot path: Compile resolves every name to an
// index once, so Apply does no map lookups and allocates nothing but the
// values it produces.
package transform

import (
	"fmt"

	"github.com/google/uuid"
	"github.com/sluicedb/sluice/plan"
)

// Reject is a row that cannot load: the target column whose value failed, the
// raw source value (the key values for a key column) and why.
type Reject struct {
	Column string
	Raw    any
	Reason string
}

// Row transforms the rows of one planned table. A Row keeps per-row scratch
// space for key values, so it is not safe for concurrent use: compile one
// per goroutine.
type Row struct {
	width int // len(ReadColumns): the values Apply expects
	cols  []column
}

// Compile prepares the transformation of t's rows, with ns the UUIDv5
// namespace of row keys.
func Compile(t *plan.Table, ns uuid.UUID) (*Row, error) {
	index := make(map[string]int, len(t.ReadColumns))
	for i, name := range t.ReadColumns {
		index[name] = i
	}
	r := &Row{width: len(t.ReadColumns), cols: make([]column, len(t.Columns))}
	for i := range t.Columns {
		c, err := compileColumn(t, &t.Columns[i], index, ns)
		if err != nil {
			return nil, fmt.Errorf("compile %s column %s: %w", t.ID, t.Columns[i].Name, err)
		}
		r.cols[i] = c
	}
	return r, nil
}

// Apply fills dst (one value per target column) from src (one source row, in
// ReadColumns order). It returns nil, or the first column that cannot load.
func (r *Row) Apply(src []any, dst []any) *Reject {
	if len(src) != r.width || len(dst) != len(r.cols) {
		return &Reject{Reason: fmt.Sprintf("row of %d values into %d target columns, want %d and %d", len(src), len(dst), r.width, len(r.cols))}
	}
	for i := range r.cols {
		v, rej := r.cols[i].value(src)
		if rej != nil {
			return rej
		}
		dst[i] = v
	}
	return nil
}
