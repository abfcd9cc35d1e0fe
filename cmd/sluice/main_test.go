package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These tests run the real binary, as a user or a script would: flags, exit
// codes, messages and signals are the command's contract.

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// binary is the sluice executable built once by TestMain.
var binary string

// buildFlags are added to go build: with go test -race, the binary is built
// with the race detector too, so that the runs these tests drive are checked.
var buildFlags []string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "sluice-cli-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "make a temporary directory:", err)
		os.Exit(1)
	}
	code := buildAndRun(m, dir)
	os.RemoveAll(dir)
	os.Exit(code)
}

func buildAndRun(m *testing.M, dir string) int {
	binary = filepath.Join(dir, "sluice")
	build := exec.Command("go", append(append([]string{"build"}, buildFlags...), "-o", binary, ".")...)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build the sluice binary:", err)
		return 1
	}
	return m.Run()
}

// result is what one invocation of the binary did.
type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout:\n%s\n--- stderr:\n%s", r.code, r.stdout, r.stderr)
}

// invocation describes how to run the binary: in which directory, with
// which extra environment variables.
type invocation struct {
	dir string
	env []string
}

// runSluice runs the binary with args and waits for it (see processContext).
func runSluice(t *testing.T, args ...string) result {
	t.Helper()
	return invocation{}.run(t, args...)
}

func (in invocation) run(t *testing.T, args ...string) result {
	t.Helper()
	ctx, cancel := processContext(t)
	defer cancel()
	cmd := in.command(ctx, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String(), code: exitStatus(err)}
	if r.code < 0 {
		t.Fatalf("run sluice %v: %v", args, err)
	}
	return r
}

// processContext bounds a run of the binary by the test's own deadline
// (go test -timeout), less a minute for the test to report what it saw, so
// a loaded machine makes runs slower but never fails them on a fixed clock;
// without a deadline the run is not bounded.
func processContext(t *testing.T) (context.Context, context.CancelFunc) {
	deadline, ok := t.Deadline()
	if !ok {
		return context.WithCancel(context.Background())
	}
	return context.WithDeadline(context.Background(), deadline.Add(-time.Minute))
}

func (in invocation) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = in.dir
	// CI=true would change the progress display; the tests choose it with
	// --progress where it matters.
	cmd.Env = append(os.Environ(), in.env...)
	return cmd
}

// exitStatus is the process's exit code; a process killed by a signal
// reports 128+signal, as a shell does, and one that could not run -1.
func exitStatus(err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return -1
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ee.ExitCode()
}

// wantCode fails the test unless r exited with code.
func wantCode(t *testing.T, r result, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("want exit code %d, got %s", code, r)
	}
}

// writeFile writes content to dir/name and returns the path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatalf("write %s: %v", p, err)
	}
	return p
}

// golden compares got with testdata/<name>, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatalf("update %s: %v", p, err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("read golden file %s (run with -update to create it): %v", p, err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update to accept):\n--- got:\n%s\n--- want:\n%s", p, got, want)
	}
}

// mustNotContain fails when any of the outputs of r holds secret.
func mustNotContain(t *testing.T, r result, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(r.stdout, s) || strings.Contains(r.stderr, s) {
			t.Errorf("the password %q is printed:\n%s", s, r)
		}
	}
}
