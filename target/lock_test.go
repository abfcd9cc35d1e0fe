package target

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice/sluicetest"
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

// Advisory locks are per database: with the same migration lock held in
// other databases of the server, the holder named is the one in this
// target's database.
func TestLockNamesTheHolderInThisDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	openAs := func(url, app string) *Target {
		sep := "?"
		if strings.Contains(url, "?") {
			sep = "&"
		}
		tg, err := Open(ctx, url+sep+"application_name="+app)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(tg.Close)
		return tg
	}
	// Decoys first and several: the holder query without the database
	// filter would name one of them.
	for _, app := range []string{"decoy-1", "decoy-2", "decoy-3", "decoy-4"} {
		release, err := openAs(sluicetest.NewPostgresDB(t), app).Lock(ctx, "migrate")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(release)
	}
	here := sluicetest.NewPostgresDB(t)
	release, err := openAs(here, "holder-here").Lock(ctx, "migrate")
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	_, err = openAs(here, "second").Lock(ctx, "migrate")
	var locked *LockedError
	if !errors.As(err, &locked) || !strings.HasPrefix(locked.Holder, `"holder-here" (backend pid`) {
		t.Fatalf("second lock: %v, want a LockedError naming holder-here", err)
	}
}
