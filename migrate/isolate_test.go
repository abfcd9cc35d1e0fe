package migrate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sluicedb/sluice"
)

// Which errors stop the run (a lost connection) and which are the data's
// (exit 5): classified without a database, from the error alone.
func TestErrorClasses(t *testing.T) {
	pg := func(code string) error { return fmt.Errorf("load x: %w", &pgconn.PgError{Code: code, Message: "m"}) }
	cases := []struct {
		name       string
		err        error
		lost, data bool
	}{
		{"not null violation", pg("23502"), false, true},
		{"unique violation", pg("23505"), false, true},
		{"invalid text", pg("22P02"), false, true},
		{"undefined column", pg("42703"), false, false},
		{"connection failure", pg("08006"), true, false},
		{"admin shutdown", pg("57P01"), true, false},
		{"disk full", pg("53100"), true, false},
		{"eof", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true, false},
		{"plain", errors.New("key did not advance"), false, false},
	}
	for _, c := range cases {
		if got := lostConnection(c.err); got != c.lost {
			t.Errorf("%s: lostConnection = %v", c.name, got)
		}
		if got := dataError(c.err); got != c.data {
			t.Errorf("%s: dataError = %v", c.name, got)
		}
	}
}

// An interruption, a transient source error after the retries and a lost
// connection stop the run; a validation error and a table that did not
// start are the table's, decided without asking the target.
func TestTableLocal(t *testing.T) {
	r := &runner{}
	ctx := context.Background()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	val := &sluice.ValidationError{Table: "s.t", Detail: "d"}
	for _, c := range []struct {
		name  string
		ctx   context.Context
		err   error
		local bool
	}{
		{"validation", ctx, val, true},
		{"not started", ctx, &NotStartedError{Table: "a", Waits: "b"}, true},
		{"interrupted", cancelled, val, false},
		{"canceled", ctx, fmt.Errorf("read: %w", context.Canceled), false},
		{"transient", ctx, &sluice.TransientError{Err: errors.New("busy")}, false},
		{"unreachable", ctx, &sluice.ConnectError{Where: "x", Err: errors.New("refused")}, false},
		{"lost", ctx, &pgconn.PgError{Code: "08006"}, false},
	} {
		if got := r.tableLocal(c.ctx, c.err); got != c.local {
			t.Errorf("%s: tableLocal = %v, want %v", c.name, got, c.local)
		}
	}
}
