package retry_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/retry"
)

func TestTransient(t *testing.T) {
	cases := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{io.ErrUnexpectedEOF, true},
		{fmt.Errorf("append table.done as audit entry 24: %w", io.ErrUnexpectedEOF), true},
		{&sluice.TransientError{Err: errors.New("invalid connection")}, true},
		{&pgconn.PgError{Code: "57P01"}, true},
		{&pgconn.PgError{Code: "08006"}, true},
		{&pgconn.PgError{Code: "40P01"}, true},
		{&pgconn.PgError{Code: "23505"}, false},
		{&pgconn.PgError{Code: "42P01"}, false},
		{context.Canceled, false},
		{fmt.Errorf("read: %w: %w", context.Canceled, io.EOF), false},
		{&sluice.UnreachableError{Where: "target x", Err: io.EOF}, false},
		{errors.New("syntax error"), false},
	}
	for _, c := range cases {
		if got := retry.Transient(c.err); got != c.want {
			t.Errorf("Transient(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

func TestDefaultBudget(t *testing.T) {
	// The README and docs/RELIABILITY.md promise that half a minute of
	// outage is ridden out.
	if b := retry.Default.Budget(); b < 30*time.Second || b > 40*time.Second {
		t.Fatalf("default budget %s, want about 30 s", b)
	}
}

var quick = retry.Policy{Attempts: 4, Wait: time.Millisecond, MaxWait: 2 * time.Millisecond}

func TestDoRetriesTransientUntilSuccess(t *testing.T) {
	tries := 0
	var heard []int
	err := retry.Do(context.Background(), quick, "target t", func(a int, _ time.Duration, _ error) { heard = append(heard, a) }, func() error {
		tries++
		if tries < 3 {
			return io.EOF
		}
		return nil
	})
	if err != nil || tries != 3 || len(heard) != 2 {
		t.Fatalf("err %v after %d tries, %d notices; want nil after 3 tries, 2 notices", err, tries, len(heard))
	}
}

func TestDoStopsAtOtherErrors(t *testing.T) {
	tries := 0
	boom := errors.New("boom")
	err := retry.Do(context.Background(), quick, "target t", nil, func() error { tries++; return boom })
	if !errors.Is(err, boom) || tries != 1 {
		t.Fatalf("err %v after %d tries, want boom after 1", err, tries)
	}
}

func TestDoExhaustedNamesWhere(t *testing.T) {
	tries := 0
	err := retry.Do(context.Background(), quick, "target 127.0.0.1:5432/app", nil, func() error { tries++; return io.ErrUnexpectedEOF })
	var un *sluice.UnreachableError
	if !errors.As(err, &un) || tries != quick.Attempts {
		t.Fatalf("err %v after %d tries, want *UnreachableError after %d", err, tries, quick.Attempts)
	}
	if msg := err.Error(); !strings.Contains(msg, "target 127.0.0.1:5432/app unreachable") || !strings.Contains(msg, "unexpected EOF") {
		t.Fatalf("message %q does not name the target and the cause", msg)
	}
	// An outer retry does not retry an exhausted inner one.
	outer := 0
	_ = retry.Do(context.Background(), quick, "x", nil, func() error { outer++; return err })
	if outer != 1 {
		t.Fatalf("an outer retry tried an exhausted error %d times", outer)
	}
}

func TestDoStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	slow := retry.Policy{Attempts: 3, Wait: time.Hour, MaxWait: time.Hour}
	go cancel()
	err := retry.Do(ctx, slow, "x", nil, func() error { return io.EOF })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
}
