package postgres

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/sluicedb/sluice"
)

// classify marks the errors a retry may cure as *sluice.TransientError: a
// lost or refused connection, a server shutting down or restarting, a
// serialization failure or deadlock, too many connections. The caller's own
// cancellation is never transient.
func classify(err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if Transient(err) {
		return &sluice.TransientError{Err: err}
	}
	return err
}

// Transient reports whether a retry may cure err.
func Transient(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return transientCode(pgErr.Code)
	}
	var netErr net.Error
	var connErr *pgconn.ConnectError
	return pgconn.SafeToRetry(err) || errors.As(err, &netErr) || errors.As(err, &connErr) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed)
}

// transientCode: class 08 (connection exception), 57P01..57P03 (admin or
// crash shutdown, cannot connect now), 40001 and 40P01 (serialization
// failure, deadlock), 53300 (too many connections).
func transientCode(code string) bool {
	switch code {
	case "57P01", "57P02", "57P03", "40001", "40P01", "53300":
		return true
	}
	return strings.HasPrefix(code, "08")
}
