package config

import (
	"fmt"
	"strings"
)

// Error is one problem in a config file. It prints as
// "sluice.yaml:12: tables.clinical.Patients.columns.Foo: <what is wrong>".
// Line is 0 when the problem is not tied to a line.
type Error struct {
	File string
	Line int
	Key  string // the dotted path of the key, e.g. "defaults.chunk_rows"
	Msg  string
	Err  error // the cause, when the problem comes from elsewhere (e.g. the file cannot be read)
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Key != "" {
		b.WriteString(": " + e.Key)
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

// Unwrap lets errors.Is see the cause, e.g. fs.ErrNotExist for a missing file.
func (e *Error) Unwrap() error { return e.Err }

// Errors is every problem found in one file, in line order. The CLI prints
// each on its own line and exits with the config error code.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Err returns es as an error, or nil when there is no problem.
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

// Unwrap exposes every problem to errors.Is and errors.As.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}
