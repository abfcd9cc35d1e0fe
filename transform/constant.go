package transform

import (
	"fmt"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/cast"
	"github.com/sluicedb/sluice/plan"
)

// compileFill casts a merged table's fill value once: every row of this
// source gets it. A nil Default is NULL.
func (col *column) compileFill(c *plan.Column) error {
	if c.Default == nil {
		return nil
	}
	return col.compileConstant(*c.Default, c)
}

// compileConstant casts a constant's text to the column's type once, so that
// a bad fill value or a source name too long for the column fails the plan.
func (col *column) compileConstant(text string, c *plan.Column) error {
	f, err := cast.For(sluice.Type{Kind: sluice.KindText}, c.Type, cast.Options{ZeroDates: c.ZeroDates})
	if err != nil {
		return err
	}
	if col.def, err = f(text); err != nil {
		return fmt.Errorf("cast %q: %w", text, err)
	}
	return nil
}
