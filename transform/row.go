// Package transform turns one source row into target rows, as a plan.Table
// says: each target column is a cast source value, the row's deterministic
// UUID, a foreign key's UUID, the legacy key, a computed expression, a
// constant of a merged table, a natural-key UUID or the row's content hash;
// an expansion table makes zero or more child rows of each source row.
//
// It is pure, and built for the hot path: Compile resolves every name to an
// index once, so Apply does no map lookups and allocates nothing but the
// values it produces.
package transform

import (
	"fmt"
	"slices"

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
// space for key values, expressions and hashes, so it is not safe for
// concurrent use: compile one per goroutine.
type Row struct {
	id    string // the table's ID, for reasons
	width int    // len(ReadColumns): the values Apply expects
	cols  []column
	// order lists the columns in the order they are computed: the values
	// first, then the natural-key UUIDs (made of the row's own values), then
	// the content hash (made of all the others).
	order     []int
	expansion *expansion // nil unless the table is an expansion
	cur       *current   // the child row being expanded
	// invalidNames names, per value read, the column a sluice.Invalid in it
	// is rejected as.
	invalidNames []string
	identity
}

// Compile prepares the transformation of t's rows, with ns the UUIDv5
// namespace of row keys.
func Compile(t *plan.Table, ns uuid.UUID) (*Row, error) {
	c := newCompiler(t, ns)
	r := &Row{id: t.ID, width: len(t.ReadColumns), cols: make([]column, len(t.Columns)), cur: c.cur}
	for i := range t.Columns {
		col, err := c.column(&t.Columns[i])
		if err != nil {
			return nil, fmt.Errorf("compile %s column %s: %w", t.ID, t.Columns[i].Name, err)
		}
		r.cols[i] = col
	}
	r.order = computeOrder(r.cols)
	var err error
	if r.expansion, err = c.expansion(); err != nil {
		return nil, fmt.Errorf("compile %s expansion: %w", t.ID, err)
	}
	r.identity = newIdentity(t, ns, r.cols)
	r.invalidNames = invalidNames(t)
	return r, nil
}

// computeOrder puts every column after the columns its value is made of.
func computeOrder(cols []column) []int {
	order := make([]int, 0, len(cols))
	for phase := range 3 {
		for i := range cols {
			if cols[i].phase() == phase {
				order = append(order, i)
			}
		}
	}
	return order
}

// Apply fills dst (one value per target column) from src (one source row, in
// ReadColumns order). It returns nil, or the first column that cannot load.
// An expansion table's rows come from Expand instead.
func (r *Row) Apply(src []any, dst []any) *Reject {
	if r.expansion != nil {
		return r.notExpansion()
	}
	return r.fill(src, dst, nil)
}

func (r *Row) notExpansion() *Reject {
	return &Reject{Reason: fmt.Sprintf("%s is an expansion, whose source rows each make 0..n rows: use Expand, not Apply", r.id)}
}

// ApplyKey fills the columns of dst listed in key as Apply does, for
// finding a row by its key (a delete's old row): any other column that
// cannot load (a NOT NULL column whose value the old row does not hold) is
// left NULL instead of rejecting the row.
func (r *Row) ApplyKey(src []any, dst []any, key []int) *Reject {
	if r.expansion != nil {
		return r.notExpansion()
	}
	return r.fill(src, dst, key)
}

// fill computes every column of dst; with key, only those columns must
// load, and another that cannot is left NULL.
func (r *Row) fill(src []any, dst []any, key []int) *Reject {
	if len(src) != r.width || len(dst) != len(r.cols) {
		return &Reject{Reason: fmt.Sprintf("row of %d values into %d target columns, want %d and %d", len(src), len(dst), r.width, len(r.cols))}
	}
	if rej := r.unreadable(src); rej != nil {
		return rej
	}
	for _, i := range r.order {
		v, rej := r.cols[i].value(src, dst)
		if rej != nil && (key == nil || slices.Contains(key, i)) {
			return rej
		}
		dst[i] = v
	}
	return nil
}
