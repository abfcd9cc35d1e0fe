package sluice

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Freezer is a Source whose writes Sluice can stop for a cutover, found by
// type assertion like ChangeSource:
//
//	f, ok := src.(sluice.Freezer)
//
// The use it is made for: read FrozenState and record it (the settings to
// restore) where a crashed Sluice's successor finds it, Freeze, record the
// Position it returns (a drain applies the change stream up to it), and
// later Unfreeze with the recorded state. Freeze is idempotent: freezing a
// frozen source changes nothing and reads the position again.
//
// A freeze is the engine's own read-only switch, which stops ordinary
// writers only: each engine's FreezeState.Notes say who it does not stop.
type Freezer interface {
	Source
	// CheckFreeze reports what the user lacks to freeze and unfreeze the
	// source (and, with opts.EndSessions, to end writing sessions), each
	// with its fix; none means ready.
	CheckFreeze(ctx context.Context, opts FreezeOptions) ([]CaptureProblem, error)
	// FrozenState reads whether writes are stopped now, the engine's
	// read-only settings as they are (what Unfreeze restores) and the
	// sessions that may still write.
	FrozenState(ctx context.Context) (FreezeState, error)
	// Freeze stops writes and then reads the change stream's position, so
	// that every write the source accepted is at or before it.
	Freeze(ctx context.Context, opts FreezeOptions) (FreezeState, error)
	// Unfreeze restores the read-only settings of prior (a FrozenState read
	// before the freeze). Unfreezing a source that is not frozen is not an
	// error.
	Unfreeze(ctx context.Context, prior FreezeState) error
}

// FreezeOptions says how far a freeze goes.
type FreezeOptions struct {
	// EndSessions ends the sessions that the freeze does not stop
	// (PostgreSQL: sessions opened before it keep writing). Without it they
	// are only reported in FreezeState.Writers.
	EndSessions bool
	// Settled makes a PostgreSQL freeze return only once no session opened
	// before it is left (ended with EndSessions, or gone by itself within
	// Wait), so that the position it reads is after every write; else it
	// fails with a *WritersLeft naming them. Without it such sessions are
	// reported in FreezeState.Writers and may write after the position.
	Settled bool
	Wait    time.Duration
}

// WritersLeft is a freeze that sessions able to write outlived: Freeze
// with FreezeOptions.Settled fails with it, naming them.
type WritersLeft struct {
	Source   string
	Sessions []Session
	Waited   time.Duration
}

func (e *WritersLeft) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "source %s: %d session(s) opened before the freeze may still write after waiting %s for them to end:",
		e.Source, len(e.Sessions), e.Waited)
	for _, s := range e.Sessions {
		fmt.Fprintf(&b, "\n  pid %s: application %q, user %s, client %s, since %s (%s)", s.ID, s.Application, s.User, s.Host, s.Since, s.Why)
	}
	return b.String()
}

// FreezeState is a source's read-only state.
type FreezeState struct {
	// Frozen: ordinary sessions can no longer write.
	Frozen bool
	// Settings are the engine's read-only settings by name, as the engine
	// writes them ("read_only": "OFF"; PostgreSQL's database setting
	// "default_transaction_read_only": "" when the database has none).
	Settings map[string]string
	// Position is the change stream's position read after the freeze; nil
	// from FrozenState, or when the source keeps no change log.
	Position Position
	// Writers are the sessions that may still write: what the freeze does
	// not stop.
	Writers []Session
	// Notes say what the freeze does not stop, for the person running it.
	Notes []string
}

// Session is one client session of a source.
type Session struct {
	ID          string // the engine's id (MariaDB connection id, PostgreSQL pid)
	User        string
	Host        string // the client's address
	Application string // its application name, where the engine has one
	Since       string // when the session started, as the engine tells it
	// Why it may still write: "opened before the freeze", "user has READ_ONLY ADMIN".
	Why   string
	Ended bool // Freeze ended it (FreezeOptions.EndSessions)
}
