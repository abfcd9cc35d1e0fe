// Command sluice moves legacy databases (MySQL/MariaDB, PostgreSQL, SQLite)
// into PostgreSQL while they stay in production, and proves nothing was lost.
//
// This is the only package that knows every engine; see the README for the
// commands and their exit codes.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

func main() {
	tuneMemory()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// tuneMemory trades memory the run may use anyway for less garbage
// collection, unless GOGC or GOMEMLIMIT say otherwise. Rows are short-lived:
// the collector is better run seldom, against a soft limit, than every time
// the heap doubles. The limit keeps peak memory near 200 MB while chunks
// bound what is live.
func tuneMemory() {
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(400)
		debug.SetMemoryLimit(192 << 20)
	}
}

// run executes one command line and returns the process exit code. A first
// interrupt cancels the run gracefully (the current chunks roll back and a
// rerun resumes); a second one kills the process.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // the next signal gets the default behaviour: exit at once
	}()
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	return report(stderr, root.ExecuteContext(ctx))
}
