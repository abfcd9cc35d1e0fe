package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/audit"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/dburl"
	"github.com/sluicedb/sluice/engines"
)

// Exit codes, documented in the README. Scripts and CI rely on them: keep them.
const (
	exitOK          = 0
	exitFailure     = 1   // anything else: a bug, a target error, a failed statement
	exitConfig      = 2   // a bad command line or config file
	exitConnect     = 3   // a source or the target could not be reached
	exitRejected    = 4   // more rows were rejected than --max-rejects allows
	exitValidation  = 5   // counts or foreign keys do not reconcile; the audit trail was tampered with
	exitIncomplete  = 6   // the data loaded, but some indexes or views could not be created
	exitNotReady    = 7   // cutover or rollback refused: a readiness check or a step's condition does not hold
	exitInterrupted = 130 // stopped by a signal; a rerun resumes
)

// usageError is a mistake on the command line.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// report prints err for a person and maps it to the exit code. It is the one
// place where errors become messages and codes.
func report(w io.Writer, err error) int {
	if err == nil {
		return exitOK
	}
	code := exitCode(err)
	switch code {
	case exitConfig:
		var ce config.Errors
		if errors.As(err, &ce) {
			fmt.Fprintf(w, "sluice: the config has %d problem(s):\n", len(ce))
			for _, e := range ce {
				fmt.Fprintf(w, "  %s\n", e)
			}
			return code
		}
	case exitInterrupted:
		fmt.Fprintln(w, "sluice: interrupted; committed chunks are kept, run the same command again to resume")
		return code
	}
	fmt.Fprintf(w, "sluice: %s\n", sluice.RedactURL(err.Error()))
	return code
}

func exitCode(err error) int {
	var (
		ce   config.Errors
		one  *config.Error
		conn *sluice.ConnectError
		gone *sluice.UnreachableError
		rej  *sluice.RejectedError
		val  *sluice.ValidationError
		inc  *sluice.IncompleteError
		use  usageError
		tamp *audit.TamperError
		bad  *dburl.Error
	)
	switch {
	case errors.Is(err, sluice.ErrInterrupted):
		return exitInterrupted
	case errors.As(err, new(*notReadyError)):
		return exitNotReady
	case errors.As(err, &ce), errors.As(err, &one), errors.As(err, &use), isCobraUsage(err),
		errors.Is(err, engines.ErrUnsupported), errors.As(err, &bad):
		return exitConfig
	case errors.As(err, &conn), errors.As(err, &gone):
		return exitConnect
	case errors.As(err, &val), errors.As(err, &tamp):
		return exitValidation
	case errors.As(err, &rej):
		return exitRejected
	case errors.As(err, &inc):
		return exitIncomplete
	}
	return exitFailure
}

// isCobraUsage recognises the errors cobra returns for an unknown command
// or a wrong number of arguments, which it does not type.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "accepts ", "requires at least", "unknown flag", "unknown shorthand flag", "invalid argument", "required flag"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}
