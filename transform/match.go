package transform

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/sluicedb/sluice/plan"
)

// matchSource is the "source" of a natural-key identity: it belongs to the
// target table, not to any one source, so that rows with the same natural
// key from different sources get the same UUID.
const matchSource = "match"

// match compiles a natural-key UUID over the row's own target values of
// KeyColumns (target column names), which must be values, not other UUIDs
// of the same kind or the hash.
func (cc *compiler) match(col *column, c *plan.Column) error {
	if len(c.KeyColumns) == 0 {
		return errors.New("no key columns")
	}
	col.source, col.table = matchSource, cc.t.Name
	col.keys, col.keyName = make([]int, len(c.KeyColumns)), c.KeyColumns
	col.scratch = make([]any, len(c.KeyColumns))
	for k, name := range c.KeyColumns {
		i, ok := cc.target[name]
		if !ok {
			return fmt.Errorf("natural key column %s is not a target column", name)
		}
		if r := cc.t.Columns[i].Role; r == plan.RoleMatchUUID || r == plan.RoleRowHash {
			return fmt.Errorf("natural key column %s is a %s column", name, r)
		}
		col.keys[k] = i
	}
	return nil
}

// matchUUID is the row's identity from its natural key, computed after the
// row's values; a NULL part leaves the row without one.
func (c *column) matchUUID(dst []any) (any, *Reject) {
	for k, i := range c.keys {
		if dst[i] == nil {
			return nil, &Reject{Column: c.name, Reason: "natural key column " + c.keyName[k] + " is NULL"}
		}
		c.scratch[k] = matchValue(dst[i])
	}
	u, _ := c.hasher.UUID(c.ns, c.source, c.table, c.scratch)
	return [16]byte(u), nil
}

// matchValue makes equal numbers the same key whatever their scale: a
// numeric is its shortest decimal text (12.50 and 12.5 are one patient).
// Other target values have one text per value already (sluice.KeyText).
func matchValue(v any) any {
	n, ok := v.(pgtype.Numeric)
	if !ok {
		return v
	}
	return numericText(n)
}
