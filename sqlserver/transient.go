package sqlserver

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"

	mssql "github.com/microsoft/go-mssqldb"
	"github.com/sluicedb/sluice"
)

// transientNumbers are server errors that a retry may cure.
var transientNumbers = map[int32]bool{
	1205:  true, // chosen as deadlock victim
	40197: true, // Azure: service error processing the request
	40501: true, // Azure: service busy
	40613: true, // Azure: database unavailable
}

// classify wraps an error a retry may cure in *sluice.TransientError, so the
// migration reads the chunk again instead of failing the run.
func classify(err error) error {
	if err == nil || !isTransient(err) {
		return err
	}
	return &sluice.TransientError{Err: err}
}

func isTransient(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false // the caller stopped the work; retrying would defy it
	}
	for _, target := range []error{driver.ErrBadConn, io.EOF, io.ErrUnexpectedEOF} {
		if errors.Is(err, target) {
			return true
		}
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	var msErr mssql.Error
	return errors.As(err, &msErr) && transientNumbers[msErr.Number]
}
