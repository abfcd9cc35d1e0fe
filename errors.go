package sluice

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ConnectError reports a database that could not be reached. Where names the
// source or target and its redacted address; Err holds the cause.
type ConnectError struct {
	Where string
	Err   error
}

func (e *ConnectError) Error() string { return fmt.Sprintf("connect to %s: %v", e.Where, e.Err) }
func (e *ConnectError) Unwrap() error { return e.Err }

// RejectedError ends a run in which more rows were rejected than allowed.
type RejectedError struct {
	Rejected int64
	Allowed  int64
}

func (e *RejectedError) Error() string {
	return fmt.Sprintf("%d rows rejected (allowed: %d); see sluice.rejects", e.Rejected, e.Allowed)
}

// ValidationError reports a table whose counts do not reconcile: the source
// rows must equal loaded + rejected + filtered.
type ValidationError struct {
	Table  string
	Detail string
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("validate %s: %s", e.Table, e.Detail)
}

// ErrInterrupted ends a run that was stopped by a signal; a rerun resumes it.
var ErrInterrupted = errors.New("interrupted")

// TransientError marks a failure that a retry may cure: a dropped connection,
// a timeout, a server restart. Sources wrap such errors so that the migration
// reads the chunk again instead of failing the run.
type TransientError struct{ Err error }

func (e *TransientError) Error() string { return e.Err.Error() }
func (e *TransientError) Unwrap() error { return e.Err }

// IsTransient reports whether err, or an error it wraps, is a TransientError.
func IsTransient(err error) bool {
	var t *TransientError
	return errors.As(err, &t)
}

// IncompleteError ends a run whose rows all loaded and validated, but some
// of whose indexes or views could not be created. Each is named with its
// reason (and kept in sluice.object_failures); a rerun tries them again.
type IncompleteError struct {
	Failures []string // "index notes_body_idx on notes: index row requires 8304 bytes ..."
}

func (e *IncompleteError) Error() string {
	return fmt.Sprintf("%d indexes or views could not be created (the data is loaded): %s",
		len(e.Failures), strings.Join(e.Failures, "; "))
}

// UnreachableError ends a run whose database stayed unreachable through
// every retry: Where names it (a source, or the target, with its redacted
// address), Err is the last cause. A rerun resumes where the run stopped.
type UnreachableError struct {
	Where    string
	Attempts int
	For      time.Duration // from the first try to the last
	Err      error
}

func (e *UnreachableError) Error() string {
	where := e.Where
	if where == "" {
		where = "the database"
	}
	return fmt.Sprintf("%s unreachable: %d tries over %s failed, the last with: %v",
		where, e.Attempts, e.For.Round(100*time.Millisecond), e.Err)
}
func (e *UnreachableError) Unwrap() error { return e.Err }
