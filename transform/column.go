package transform

import (
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/cast"
	"github.com/sluicedb/sluice/compute"
	"github.com/sluicedb/sluice/plan"
)

// column is one compiled target column.
type column struct {
	name    string
	role    plan.Role
	notNull bool
	src     int      // RoleValue and a single-column RoleLegacyKey: the value's index in src
	keys    []int    // the key columns' indexes in src (in dst for RoleMatchUUID)
	keyName []string // their names, for reasons
	scratch []any    // the current row's key values
	hasher  sluice.KeyHasher
	cast    cast.Func // RoleValue, RoleLegacyKey, RoleOrdinal, RoleElement
	def     any       // RoleValue, RoleComputed: the cast default, used where the value is NULL; RoleFill, RoleSource: the constant
	hasDef  bool
	ns      uuid.UUID
	source  string // whose identity a UUID is: "<source>.<table>"
	table   string
	program *compute.Program // RoleComputed
	results resultCasts      // RoleComputed
	inputs  []int            // RoleComputed: the indexes in src of the columns the expression reads
	hash    *rowHash         // RoleRowHash
	cur     *current         // RoleExpandUUID, RoleOrdinal, RoleElement: the child row being made
}

// phase is when the column is computed: values (0), natural-key UUIDs made
// of them (1), the content hash made of all the others (2).
func (c *column) phase() int {
	switch c.role {
	case plan.RoleMatchUUID:
		return 1
	case plan.RoleRowHash:
		return 2
	}
	return 0
}

// compiler holds what compiling a table's columns needs.
type compiler struct {
	t      *plan.Table
	ns     uuid.UUID
	index  map[string]int // source column -> its index in src
	target map[string]int // target column -> its index in dst
	cur    *current
}

func newCompiler(t *plan.Table, ns uuid.UUID) *compiler {
	c := &compiler{t: t, ns: ns, index: make(map[string]int, len(t.ReadColumns)),
		target: make(map[string]int, len(t.Columns)), cur: &current{}}
	for i, name := range t.ReadColumns {
		c.index[name] = i
	}
	for i := range t.Columns {
		c.target[t.Columns[i].Name] = i
	}
	return c
}

func (cc *compiler) column(c *plan.Column) (column, error) {
	col := column{name: c.Name, role: c.Role, notNull: c.NotNull, ns: cc.ns}
	switch c.Role {
	case plan.RoleValue:
		return col, col.compileValue(c, cc.index)
	case plan.RoleRowUUID:
		col.source, col.table = c.Identity(cc.t)
		return col, col.compileKeys(c.KeyColumns, cc.index)
	case plan.RoleRefUUID:
		return col, col.compileRef(cc.t, c, cc.index)
	case plan.RoleLegacyKey:
		return col, col.compileLegacy(c, cc.index)
	}
	return cc.newRole(col, c)
}

// newRole compiles the roles of merged, computed and expanded tables.
func (cc *compiler) newRole(col column, c *plan.Column) (column, error) {
	switch c.Role {
	case plan.RoleComputed:
		return col, cc.computed(&col, c)
	case plan.RoleFill:
		return col, col.compileFill(c)
	case plan.RoleSource:
		return col, col.compileConstant(cc.t.Source, c)
	case plan.RoleMatchUUID:
		return col, cc.match(&col, c)
	case plan.RoleRowHash:
		return col, cc.rowHash(&col)
	case plan.RoleExpandUUID, plan.RoleOrdinal, plan.RoleElement:
		return col, cc.child(&col, c)
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
	if col.cast, err = cast.For(c.SourceType, valueType(c), cast.Options{ZeroDates: c.ZeroDates}); err != nil {
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
	f, err := cast.For(sluice.Type{Kind: sluice.KindText}, valueType(c), cast.Options{ZeroDates: c.ZeroDates})
	if err != nil {
		return err
	}
	if col.def, err = f(*c.Default); err != nil {
		return fmt.Errorf("cast default %q: %w", *c.Default, err)
	}
	col.hasDef = true
	return nil
}

func (col *column) compileRef(t *plan.Table, c *plan.Column, index map[string]int) error {
	if c.RefTable == "" {
		return errors.New("no referenced table")
	}
	// The referenced row's identity: its table's, or its root's when it
	// is a subtype; RefSource is empty inside the same source.
	col.source, col.table = c.Identity(t)
	return col.compileKeys(c.KeyColumns, index)
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

// valueType is the type a column's values are cast to: an ENUM column that
// became an enum type takes its member as text (binary COPY writes an enum
// value as its label; the ENUM's cast rejects a value that is no member).
func valueType(c *plan.Column) string {
	if c.EnumType != "" {
		return "text"
	}
	return c.Type
}
