package retry

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sluicedb/sluice"
)

// Transient reports whether a retry may cure err: an error a source marked
// *sluice.TransientError, a lost or refused connection, a server shutting
// down or restarting, too many connections, a serialization failure or a
// deadlock. The caller's own cancellation is not transient, and neither is
// an *sluice.UnreachableError: its retries already ran out, and retrying it
// again in an outer loop would multiply the budget.
func Transient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var un *sluice.UnreachableError
	if errors.As(err, &un) {
		return false
	}
	if sluice.IsTransient(err) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return transientCode(pgErr.Code)
	}
	var netErr net.Error
	var connErr *pgconn.ConnectError
	return errors.As(err, &netErr) || errors.As(err, &connErr) || pgconn.SafeToRetry(err) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, pgconn.ErrConnClosed)
}

// transientCode: class 08 (connection exception), 57P01..57P03 (admin or
// crash shutdown, cannot connect now), 53300 (too many connections), 40001
// and 40P01 (serialization failure, deadlock).
func transientCode(code string) bool {
	switch code {
	case "57P01", "57P02", "57P03", "53300", "40001", "40P01":
		return true
	}
	return strings.HasPrefix(code, "08")
}
