// Package compute evaluates the expressions of computed target columns over
// a source row, with the expr-lang/expr language: concatenation, arithmetic,
// conditionals, date parts, map lookups, string and list functions.
//
// Every source column is a variable of the expression, by its own name. A
// name that is not a Go-style identifier (a space, a dash, a reserved word
// such as "in" or "not") is reached through the environment:
// $env["Order Date"] or $env.in.
//
// Values reach an expression normalised by the column's kind, so that the
// same mapping behaves alike whichever engine a row comes from:
//
//	text, varchar, char, enum, set, json, uuid, time of day -> string
//	decimal and numeric                                     -> string (exact; float(x) to compute with it)
//	integers and years                                      -> int
//	floats                                                  -> float64
//	bool                                                    -> bool
//	date, timestamp, timestamptz                            -> time.Time (UTC)
//	binary                                                  -> []byte
//	other kinds                                             -> as the source yields them ([]byte as string)
//	NULL                                                    -> nil
//
// Decimals stay text because a float would silently round them: an exact
// value can be copied, compared and concatenated as is, and an expression
// that does arithmetic with one says so with float().
//
// Variables are typed by the column's kind, so FirstName + 1 fails when it
// is compiled, not on the first row. A NULL is nil at run time whatever the
// type: FirstName + LastName fails for a row whose LastName is NULL, and
// LastName ?? "" or coalesce(LastName, "") says what a NULL means.
//
// Besides expr's builtins (upper, lower, trim, split, replace, len, int,
// float, string, date, duration, ...), two SQL helpers are available:
// coalesce(a, b, ...) and nullif(a, b).
//
// The builtin now() is disabled: a computed value must be the same on every
// run, since merge compares rows by their content and verify recomputes
// every value. Dates are read and shown in UTC.
package compute

import (
	"errors"
	"fmt"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
	"github.com/sluicedb/sluice"
)

// Program is one compiled expression. It reuses its environment and virtual
// machine from row to row, so it is not safe for concurrent use: compile one
// per goroutine.
type Program struct {
	expression string
	width      int // len(cols) given to Compile: the values Run expects
	program    *vm.Program
	machine    vm.VM
	env        map[string]any
	inputs     []input // the columns the expression reads
}

// input is a source column the expression reads.
type input struct {
	name string
	at   int // its index in the row
	norm normalizer
}

// Compile compiles expression against the source columns cols, which Run's
// rows follow in order. It fails for a syntax error, a type error, or a name
// that is not a column (the message lists the nearest column names).
func Compile(expression string, cols []sluice.Column) (*Program, error) {
	names, err := Vars(expression)
	if err != nil {
		return nil, err
	}
	p := &Program{expression: expression, width: len(cols), env: make(map[string]any, len(names))}
	if err := p.bind(names, cols); err != nil {
		return nil, err
	}
	p.program, err = expr.Compile(expression, options(cols)...)
	if err != nil {
		return nil, compileError(expression, err)
	}
	return p, nil
}

// bind finds the columns the expression reads and how to normalise each.
func (p *Program) bind(names []string, cols []sluice.Column) error {
	for _, name := range names {
		at := columnIndex(cols, name)
		if at < 0 {
			return &Error{Expression: p.expression, Message: unknownColumn(name, cols)}
		}
		norm, err := normalizerFor(cols[at].Type)
		if err != nil {
			return fmt.Errorf("compile expression %s: column %s: %w", p.expression, name, err)
		}
		p.inputs = append(p.inputs, input{name: name, at: at, norm: norm})
	}
	return nil
}

func columnIndex(cols []sluice.Column, name string) int {
	for i := range cols {
		if cols[i].Name == name {
			return i
		}
	}
	return -1
}

// Run evaluates the expression over one source row, in the order of the
// columns given to Compile. The result is nil, a string, an int64, a
// float64, a bool, a time.Time or a []byte; a list or a map becomes its JSON
// text. A value that cannot be normalised, a runtime error or a panic inside
// the expression is returned as an *Error.
func (p *Program) Run(row []any) (any, error) {
	if len(row) != p.width {
		return nil, &Error{Expression: p.expression, Message: fmt.Sprintf("row of %d values, want %d", len(row), p.width)}
	}
	for _, in := range p.inputs {
		v, err := in.norm(row[in.at])
		if err != nil {
			return nil, &Error{Expression: p.expression, Message: fmt.Sprintf("column %s: %v", in.name, err)}
		}
		p.env[in.name] = v
	}
	out, err := p.machine.Run(p.program, p.env)
	if err != nil {
		return nil, &Error{Expression: p.expression, Message: runMessage(err) + p.nullHint()}
	}
	if out, err = result(out); err != nil {
		return nil, &Error{Expression: p.expression, Message: err.Error()}
	}
	return out, nil
}

// Vars returns the source columns the expression reads, in order of first use.
func (p *Program) Vars() []string {
	names := make([]string, len(p.inputs))
	for i, in := range p.inputs {
		names[i] = in.name
	}
	return names
}

// Expression returns the expression as written.
func (p *Program) Expression() string { return p.expression }

// nullHint names the columns that were NULL in a failed row: most runtime
// errors come from one ("invalid operation: string + <nil>").
func (p *Program) nullHint() string {
	var nulls []string
	for _, in := range p.inputs {
		if p.env[in.name] == nil {
			nulls = append(nulls, in.name)
		}
	}
	if len(nulls) == 0 {
		return ""
	}
	return " (NULL: " + strings.Join(nulls, ", ") + ")"
}

// runMessage is the one-line message of a runtime error, without expr's
// snippet of the expression (the reason names the expression already).
func runMessage(err error) string {
	var fe *file.Error
	if errors.As(err, &fe) {
		return fe.Message
	}
	return err.Error()
}
