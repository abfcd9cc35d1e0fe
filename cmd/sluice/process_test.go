package main

import (
	"bytes"
	"context"
	"os"
	"testing"
)

// process is the binary running in the background, for tests that signal
// it in the middle of a run.
type process struct {
	cancel   context.CancelFunc
	out, err bytes.Buffer
	done     chan struct{}
	res      result
	signal   func(os.Signal) error
}

// start runs the binary in the background; the test's cleanup kills it if
// it still runs.
func (in invocation) start(t *testing.T, args ...string) *process {
	t.Helper()
	ctx, cancel := processContext(t)
	p := &process{cancel: cancel, done: make(chan struct{})}
	cmd := in.command(ctx, args...)
	cmd.Stdout, cmd.Stderr = &p.out, &p.err
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start sluice: %v", err)
	}
	p.signal = cmd.Process.Signal
	go func() {
		err := cmd.Wait()
		p.res = result{stdout: p.out.String(), stderr: p.err.String(), code: exitStatus(err)}
		close(p.done)
	}()
	t.Cleanup(func() { cancel(); <-p.done })
	return p
}

// exited reports whether the process has ended.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// wait waits for the process to end and returns what it did.
func (p *process) wait() result {
	<-p.done
	p.cancel()
	return p.res
}

// kill ends the process if it still runs and returns what it did: for a
// test that gives up on it (waiting for it would wait as long as it runs).
func (p *process) kill() result {
	p.cancel()
	return p.wait()
}
