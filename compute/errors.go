package compute

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/expr-lang/expr/file"
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// Error is an expression that does not compile, or that fails for one row.
// Its text is "expression <expression>: <message>", the reason a rejected
// row records.
type Error struct {
	Expression string
	Message    string
}

func (e *Error) Error() string { return "expression " + e.Expression + ": " + e.Message }

// compileError turns expr's error, whose text spans three lines with a
// snippet and a caret, into one line with the position.
func compileError(expression string, err error) error {
	var fe *file.Error
	if !errors.As(err, &fe) {
		return &Error{Expression: expression, Message: err.Error()}
	}
	msg := fe.Message
	if msg == "unknown name now" {
		msg = "now() is not available: a computed value must be the same on every run"
	}
	if fe.Line > 0 {
		msg = fmt.Sprintf("%s (at %d:%d)", msg, fe.Line, fe.Column+1)
	}
	return &Error{Expression: expression, Message: msg}
}

// unknownColumn names the columns closest to a name the expression uses.
func unknownColumn(name string, cols []sluice.Column) string {
	msg := fmt.Sprintf("unknown column %s", name)
	if near := nearest(name, cols, 3); len(near) > 0 {
		msg += "; nearest columns: " + strings.Join(near, ", ")
	}
	return msg
}

// nearest returns up to n column names, closest to name first (edit
// distance, ignoring case; ties in column order).
func nearest(name string, cols []sluice.Column, n int) []string {
	type scored struct {
		name string
		dist int
	}
	all := make([]scored, len(cols))
	lower := strings.ToLower(name)
	for i, c := range cols {
		all[i] = scored{c.Name, config.Distance(lower, strings.ToLower(c.Name))}
	}
	slices.SortStableFunc(all, func(a, b scored) int { return a.dist - b.dist })
	names := make([]string, 0, n)
	for _, s := range all[:min(n, len(all))] {
		names = append(names, s.name)
	}
	return names
}
