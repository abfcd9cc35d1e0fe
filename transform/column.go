package transform

import (
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/cast"
	"github.com/sluicedb/sluice/plan"
)

// column is one compiled target column.
type column struct {
	name    string
	role    plan.Role
	notNull bool
	src     int      // RoleValue and a single-column RoleLegacyKey: the value's index in src
	keys    []int    // the key columns' indexes in src
	keyName []string // their names, for reasons
	scratch []any    // the current row's key values
	hasher  sluice.KeyHasher
	cast    cast.Func // RoleValue, RoleLegacyKey
	def     any       // RoleValue: the cast default, used where the source is NULL
	hasDef  bool
	ns      uuid.UUID
	source  string // whose identity a UUID is: "<source>.<table>"
	table   string
}

func compileColumn(t *plan.Table, c *plan.Column, index map[string]int, ns uuid.UUID) (column, error) {
	col := column{name: c.Name, role: c.Role, notNull: c.NotNull, ns: ns}
	switch c.Role {
	case plan.RoleValue:
		return col, col.compileValue(c, index)
	case plan.RoleRowUUID:
		col.source, col.table = t.Source, t.SourceTable
		return col, col.compileKeys(c.KeyColumns, index)
	case plan.RoleRefUUID:
		col.source, col.table = c.RefSource, c.RefTable
		if col.table == "" {
			return col, errors.New("no referenced table")
		}
		if col.source == "" {
			col.source = t.Source // a reference inside the same source
		}
		return col, col.compileKeys(c.KeyColumns, index)
	case plan.RoleLegacyKey:
		return col, col.compileLegacy(c, index)
	}
	return col, fmt.Errorf("unknown role %q", c.Role)
}

func (col *column) compileValue(c *plan.Column, index map[string]int) error {
	i, ok := index[c.Source]
	if !ok {
		return fmt.Errorf("source column %s is not read", c.Source)
	}
	col.src = i
	var err error
	if col.cast, err = cast.For(c.SourceType, c.Type, cast.Options{ZeroDates: c.ZeroDates}); err != nil {
		return err
	}
	if c.Default != nil {
		return col.compileDefault(c)
	}
	return nil
}

// compileDefault casts the default's text once, so that a bad default fails
// the plan instead of every row.
func (col *column) compileDefault(c *plan.Column) error {
	f, err := cast.For(sluice.Type{Kind: sluice.KindText}, c.Type, cast.Options{ZeroDates: c.ZeroDates})
	if err != nil {
		return err
	}
	if col.def, err = f(*c.Default); err != nil {
		return fmt.Errorf("cast default %q: %w", *c.Default, err)
	}
	col.hasDef = true
	return nil
}

func (col *column) compileKeys(names []string, index map[string]int) error {
	if len(names) == 0 {
		return errors.New("no key columns")
	}
	col.keys, col.keyName = make([]int, len(names)), names
	col.scratch = make([]any, len(names))
	for k, name := range names {
		i, ok := index[name]
		if !ok {
			return fmt.Errorf("key column %s is not read", name)
		}
		col.keys[k] = i
	}
	return nil
}

// compileLegacy keeps a single key column's value, cast to the column's
// type, or the text of a composite key.
func (col *column) compileLegacy(c *plan.Column, index map[string]int) error {
	if err := col.compileKeys(c.KeyColumns, index); err != nil {
		return err
	}
	from := c.SourceType
	if len(col.keys) > 1 {
		from = sluice.Type{Kind: sluice.KindText}
	}
	col.src = col.keys[0]
	var err error
	col.cast, err = cast.For(from, c.Type, cast.Options{ZeroDates: c.ZeroDates})
	return err
}
