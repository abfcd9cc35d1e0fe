package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	_ "github.com/microsoft/go-mssqldb"
)

// TestCommandServesChinook runs the command as a person would, reads a
// count through its printed URL, and stops it with SIGTERM.
func TestCommandServesChinook(t *testing.T) {
	bin := t.TempDir() + "/tdsserver"
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-addr", "127.0.0.1:0", "-fixture", "chinook,conformance")
	var out syncBuffer
	cmd.Stderr = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	url := waitForURL(t, &out, "Chinook")
	db, err := sql.Open("sqlserver", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM dbo.Track").Scan(&n); err != nil || n != 3503 {
		t.Errorf("Track count %d (err %v), want 3503", n, err)
	}
	if !strings.Contains(out.String(), "Conformance") {
		t.Errorf("the second fixture is not served: %s", out.String())
	}
	cmd.Process.Signal(syscallTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("after SIGTERM: %v\n%s", err, out.String())
	}
}

func TestUnknownFixtureIsUsageError(t *testing.T) {
	var out bytes.Buffer
	err := run([]string{"-fixture", "nope"}, &out)
	if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), "no fixture") {
		t.Errorf("run -fixture nope = %v, want a usage error naming the fixture", err)
	}
}

var servingLine = regexp.MustCompile(`serving (\w+): (\S+)`)

func waitForURL(t *testing.T, out *syncBuffer, db string) string {
	t.Helper()
	for range 600 {
		for _, m := range servingLine.FindAllStringSubmatch(out.String(), -1) {
			if m[1] == db {
				return m[2]
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the server did not print the URL of %s: %s", db, out.String())
	return ""
}
