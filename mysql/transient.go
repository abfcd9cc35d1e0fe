package mysql

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/go-sql-driver/mysql"
	"github.com/sluicedb/sluice"
)

// transientCodes are server errors that a retry on a new connection may cure.
var transientCodes = map[uint16]bool{
	1053: true, // ER_SERVER_SHUTDOWN
	1317: true, // ER_QUERY_INTERRUPTED (KILL QUERY)
	1927: true, // ER_CONNECTION_KILLED (MariaDB)
	2006: true, // CR_SERVER_GONE_ERROR
	2013: true, // CR_SERVER_LOST
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
	for _, target := range []error{driver.ErrBadConn, mysql.ErrInvalidConn, io.EOF, io.ErrUnexpectedEOF} {
		if errors.Is(err, target) {
			return true
		}
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	var myErr *mysql.MySQLError
	if errors.As(err, &myErr) && transientCodes[myErr.Number] {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "server has gone away") || strings.Contains(msg, "Lost connection")
}
