package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice"
)

// A database still unreachable after the retries exits 3, and the message
// names the database (its password redacted) and the cause.
func TestUnreachableAfterRetriesExit3(t *testing.T) {
	gone := &sluice.UnreachableError{
		Where: "target postgres://app:s3cret@db.internal:5432/app", Attempts: 9, For: 32 * time.Second,
		Err: fmt.Errorf("append table.done as audit entry 24: %w", io.ErrUnexpectedEOF),
	}
	var out bytes.Buffer
	code := report(&out, fmt.Errorf("table crm.orders failed: %w", gone))
	if code != exitConnect {
		t.Fatalf("exit code %d, want %d", code, exitConnect)
	}
	msg := out.String()
	for _, want := range []string{"db.internal:5432", "unreachable", "unexpected EOF", "9 tries"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not say %q", msg, want)
		}
	}
	if strings.Contains(msg, "s3cret") {
		t.Errorf("message %q shows the password", msg)
	}
}
