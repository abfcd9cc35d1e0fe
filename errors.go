package sluice

import (
	"errors"
	"fmt"
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
