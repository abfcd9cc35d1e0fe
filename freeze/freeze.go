// Package freeze stops and restarts writes on a source with a record kept
// in the target's state, so that a freeze outlives the process that made
// it: the record is written before the source is frozen and closed only
// after it is unfrozen, so a crash at any point leaves either no freeze or
// a record that status shows and Thaw undoes.
package freeze

import (
	"context"
	"fmt"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/target"
)

// Record is where freezes are kept (the target's sluice.freezes).
type Record interface {
	BeginFreeze(ctx context.Context, source, engine string, prior map[string]string) (target.Freeze, error)
	FrozeAt(ctx context.Context, source, position string, writers []sluice.Session) error
	OpenFreeze(ctx context.Context, source string) (target.Freeze, bool, error)
	Thawed(ctx context.Context, source string) error
}

// Source freezes the source named name: it records the source's settings
// before the freeze (or keeps those of a freeze already open), freezes it
// and records the position read after the freeze. Run again after a crash,
// it completes the same freeze.
func Source(ctx context.Context, rec Record, name string, f sluice.Freezer, opts sluice.FreezeOptions) (sluice.FreezeState, error) {
	prior, err := f.FrozenState(ctx)
	if err != nil {
		return sluice.FreezeState{}, err
	}
	if _, err := rec.BeginFreeze(ctx, name, f.Engine(), prior.Settings); err != nil {
		return sluice.FreezeState{}, err
	}
	st, err := f.Freeze(ctx, opts)
	if err != nil {
		return sluice.FreezeState{}, err
	}
	position := ""
	if st.Position != nil {
		position = st.Position.String()
	}
	if err := rec.FrozeAt(ctx, name, position, st.Writers); err != nil {
		return sluice.FreezeState{}, err
	}
	return st, nil
}

// Thaw unfreezes the source named name if Sluice froze it (an open record),
// restoring the settings recorded before the freeze, and closes the
// record. A source with no open freeze is left alone: Sluice never
// unfreezes what it did not freeze.
func Thaw(ctx context.Context, rec Record, name string, f sluice.Freezer) (thawed bool, err error) {
	open, found, err := rec.OpenFreeze(ctx, name)
	if err != nil || !found {
		return false, err
	}
	if open.Engine != f.Engine() {
		return false, fmt.Errorf("unfreeze source %s: it was frozen as a %s source and is now %s", name, open.Engine, f.Engine())
	}
	if err := f.Unfreeze(ctx, sluice.FreezeState{Settings: open.Prior}); err != nil {
		return false, err
	}
	return true, rec.Thawed(ctx, name)
}
