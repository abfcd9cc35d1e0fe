package target

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestLockExcludesASecondHolderUntilReleased(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	first, _ := newTarget(t)
	release, err := first.Lock(ctx, "migrate")
	if err != nil {
		t.Fatal(err)
	}
	second, err := Open(ctx, first.pool.Config().ConnString()) // another process on the same target
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	_, err = second.Lock(ctx, "migrate")
	var locked *LockedError
	if !errors.As(err, &locked) || !strings.Contains(err.Error(), "another sluice process is migrating") {
		t.Fatalf("second lock: %v, want a LockedError", err)
	}
	if !strings.Contains(locked.Holder, "sluice pid=") {
		t.Errorf("holder = %q, want the application_name of the first", locked.Holder)
	}
	otherRelease, err := second.Lock(ctx, "other")
	if err != nil {
		t.Fatalf("a lock of another name: %v", err)
	}
	otherRelease()
	release()
	release() // twice is harmless
	// A run that follows another at once must find the lock free at once:
	// release unlocks before it ends the session (ending it alone frees the
	// lock only once the server's backend is gone, a moment later).
	holders := []*Target{first, second}
	for i := range 20 {
		began := time.Now()
		rel, err := holders[i%2].Lock(ctx, "migrate")
		if err != nil {
			t.Fatalf("lock %d right after a release: %v", i, err)
		}
		if waited := time.Since(began); waited > time.Second {
			t.Errorf("lock %d waited %s for a released lock", i, waited)
		}
		rel()
	}
}
