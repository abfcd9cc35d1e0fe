package transform

import (
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
)

// value produces the column's value for one source row; dst holds the
// values of the columns computed before it.
func (c *column) value(src, dst []any) (any, *Reject) {
	var v any
	var rej *Reject
	switch c.role {
	case plan.RoleValue:
		v, rej = c.castValue(src[c.src])
	case plan.RoleRowUUID:
		v, rej = c.rowUUID(src)
	case plan.RoleRefUUID:
		v, rej = c.refUUID(src)
	case plan.RoleLegacyKey:
		v, rej = c.legacyKey(src)
	default:
		v, rej = c.newValue(src, dst)
	}
	if rej == nil && v == nil && c.notNull {
		rej = &Reject{Column: c.name, Raw: c.raw(src), Reason: "NULL in a NOT NULL column"}
	}
	return v, rej
}

// newValue produces the values of the roles of merged, computed and
// expanded tables.
func (c *column) newValue(src, dst []any) (any, *Reject) {
	switch c.role {
	case plan.RoleComputed:
		return c.computed(src)
	case plan.RoleFill, plan.RoleSource:
		return c.def, nil
	case plan.RoleMatchUUID:
		return c.matchUUID(dst)
	case plan.RoleRowHash:
		return c.hash.sum(dst), nil
	case plan.RoleExpandUUID:
		return c.expandUUID(src)
	case plan.RoleOrdinal:
		return c.ordinal()
	}
	return c.element() // plan.RoleElement
}

func (c *column) castValue(raw any) (any, *Reject) {
	if raw == nil && c.hasDef {
		return c.def, nil
	}
	v, err := c.cast(raw)
	if err != nil {
		return nil, &Reject{Column: c.name, Raw: stored(raw), Reason: err.Error()}
	}
	return v, nil
}

// stored is what a reject keeps of a source value: the bytes of a value
// its source could not convert from its character set, else the value.
func stored(v any) any {
	if u, ok := v.(sluice.Undecodable); ok {
		return u.Bytes
	}
	return v
}

// undecodedKey rejects a row whose key has a part its source could not
// convert from its character set: a UUID hashed from those bytes would
// identify no row anyone can name.
func (c *column) undecodedKey(src []any) *Reject {
	for k, i := range c.keys {
		if u, ok := src[i].(sluice.Undecodable); ok {
			return &Reject{Column: c.name, Raw: u.Bytes, Reason: "key column " + c.keyName[k] + ": " + u.Reason}
		}
	}
	return nil
}

// gather copies the key values into the scratch slice and returns the
// position of the first NULL among them, or -1.
func (c *column) gather(src []any) int {
	nullAt := -1
	for k, i := range c.keys {
		c.scratch[k] = src[i]
		if src[i] == nil && nullAt < 0 {
			nullAt = k
		}
	}
	return nullAt
}

// rowUUID is the row's identity; a NULL key part leaves the row without one.
func (c *column) rowUUID(src []any) (any, *Reject) {
	if rej := c.undecodedKey(src); rej != nil {
		return nil, rej
	}
	if k := c.gather(src); k >= 0 {
		return nil, &Reject{Column: c.name, Raw: c.raw(src), Reason: "key column " + c.keyName[k] + " is NULL"}
	}
	u, _ := c.hasher.UUID(c.ns, c.source, c.table, c.scratch)
	return [16]byte(u), nil
}

// refUUID is the referenced row's identity; a NULL part references nothing.
func (c *column) refUUID(src []any) (any, *Reject) {
	if rej := c.undecodedKey(src); rej != nil {
		return nil, rej
	}
	if c.gather(src) >= 0 {
		return nil, nil
	}
	u, _ := c.hasher.UUID(c.ns, c.source, c.table, c.scratch)
	return [16]byte(u), nil
}

func (c *column) legacyKey(src []any) (any, *Reject) {
	if len(c.keys) == 1 {
		return c.castValue(src[c.src])
	}
	if rej := c.undecodedKey(src); rej != nil {
		return nil, rej
	}
	c.gather(src)
	text := sluice.KeyText(c.scratch)
	v, err := c.cast(text)
	if err != nil {
		return nil, &Reject{Column: c.name, Raw: text, Reason: err.Error()}
	}
	return v, nil
}

// raw is what a reject of this column shows: the source value, the key, or
// what an expression read.
func (c *column) raw(src []any) any {
	switch c.role {
	case plan.RoleValue:
		return stored(src[c.src])
	case plan.RoleComputed:
		return c.inputText(src)
	case plan.RoleRowUUID, plan.RoleRefUUID, plan.RoleLegacyKey, plan.RoleExpandUUID:
		return c.keyRaw(src)
	}
	return nil
}

func (c *column) keyRaw(src []any) any {
	if len(c.keys) == 1 {
		return stored(src[c.keys[0]])
	}
	c.gather(src)
	return sluice.KeyText(c.scratch[:len(c.keys)])
}
