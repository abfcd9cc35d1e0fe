package target

import (
	"context"
	"errors"
	"strings"
	"testing"
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
	again, err := second.Lock(ctx, "migrate")
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	again()
}
