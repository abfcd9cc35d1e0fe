package transform

import (
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
)

// A source that knows where a value it could not read sits (a CSV file and
// line) yields a sluice.Invalid in its place. The row is rejected with the
// source's reason before any column is computed: a key column would
// otherwise hash the stand-in into a uuid, and a column the row does not
// load would hide it.

// invalidNames gives, for each value read, the target column a reject of it
// names: the first column made from it, else the source column itself.
func invalidNames(t *plan.Table) []string {
	names := make([]string, len(t.ReadColumns))
	copy(names, t.ReadColumns)
	named := make([]bool, len(names))
	for _, c := range t.Columns {
		for i, src := range t.ReadColumns {
			if !named[i] && madeFrom(c, src) {
				names[i], named[i] = c.Name, true
			}
		}
	}
	return names
}

func madeFrom(c plan.Column, src string) bool {
	if c.Role == plan.RoleValue {
		return c.Source == src
	}
	if c.Role == plan.RoleMatchUUID {
		return false // its key columns are target columns
	}
	for _, k := range c.KeyColumns {
		if k == src {
			return true
		}
	}
	return false
}

// unreadable returns the reject of a row that holds a sluice.Invalid, or nil.
func (r *Row) unreadable(src []any) *Reject {
	for i, v := range src {
		bad, ok := v.(sluice.Invalid)
		if !ok {
			continue
		}
		rej := &Reject{Raw: bad.Raw, Reason: bad.Reason}
		if !bad.Record && i < len(r.invalidNames) {
			rej.Column = r.invalidNames[i]
		}
		return rej
	}
	return nil
}
