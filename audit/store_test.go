package audit

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Details that jsonb reorders and respells must read back to the same
// values, the same canonical bytes and so the same hash.
func TestAppendReadRoundTrip(t *testing.T) {
	pool := newStore(t)
	details := map[string]any{
		"zeta": 1, "alpha": "first", "ünïcödé": "日本語 🚀 \u2028 \x7f <&> \"q\" \\ \n\t\x01",
		"float": 0.1, "tiny": 1.5e-300, "huge": 1e300, "third": 1.0 / 3, "neg": -2.50,
		"big":    uint64(18446744073709551615),
		"bigger": json.Number("123456789012345678901234567890.000100"),
		"exp":    json.Number("1.5E+3"), "negzero": json.Number("-0.0"),
		"nested": map[string]any{"b": []any{1, "two", 3.25, nil, true, map[string]any{"y": 2, "x": 1}}, "a": map[string]any{}},
		"list":   []string{"a", "b"},
		"nul":    "a\x00b", "bad utf8": "x\xffy",
	}
	stored := appendOne(t, pool, Entry{RunID: 3, Operation: OpTablePlan, At: fixedTime, OSUser: "alice", Host: "db1", Details: details})
	read, err := Read(context.Background(), pool, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(read) != 1 || !reflect.DeepEqual(read[0], stored) {
		t.Fatalf("read back\n%#v\nappended\n%#v", read, stored)
	}
	if got, _ := ComputeHash(read[0]); got != stored.Hash {
		t.Fatalf("hash of the entry read back %s, appended %s", got, stored.Hash)
	}
	wantDetail(t, read[0].Details, "bigger", json.Number("123456789012345678901234567890.0001"))
	wantDetail(t, read[0].Details, "big", json.Number("18446744073709551615"))
	wantDetail(t, read[0].Details, "exp", json.Number("1500"))
	wantDetail(t, read[0].Details, "negzero", json.Number("0"))
	wantDetail(t, read[0].Details, "float", json.Number("0.1"))
	wantDetail(t, read[0].Details, "nul", "a\uFFFDb")
	wantDetail(t, read[0].Details, "bad utf8", "x\uFFFDy")
	if !read[0].At.Equal(fixedTime.Truncate(1000)) {
		t.Fatalf("at %s, want %s truncated to microseconds", read[0].At, fixedTime)
	}
	wantOK(t, verify(t, pool, nil))
}

func wantDetail(t *testing.T, details map[string]any, key string, want any) {
	t.Helper()
	if got := details[key]; got != want {
		t.Errorf("details[%q] = %#v, want %#v", key, got, want)
	}
}

// 1,000 entries from 8 goroutines, each in its own transaction, make one
// chain: seq 1..1000 without gap or duplicate, every link holding.
func TestConcurrentAppendsMakeOneChain(t *testing.T) {
	pool := newStore(t)
	const workers, each = 8, 125
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				err := pgx.BeginFunc(context.Background(), pool, func(tx pgx.Tx) error {
					_, err := Append(context.Background(), tx, Entry{RunID: int64(w + 1), Operation: OpChunkCommit,
						Details: map[string]any{"worker": w, "chunk": i}})
					return err
				})
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	rep := verify(t, pool, nil)
	wantOK(t, rep)
	if rep.Entries != workers*each || rep.FirstSeq != 1 || rep.LastSeq != workers*each || rep.Runs != workers {
		t.Fatalf("report %+v, want %d entries 1..%[2]d in %d runs", rep, workers*each, workers)
	}
}

// A rolled-back append leaves no entry and takes no seq.
func TestRolledBackAppendLeavesNoGap(t *testing.T) {
	pool := newStore(t)
	appendOne(t, pool, Entry{Operation: OpRunStart})
	ctx := context.Background()
	failed := errors.New("the chunk failed")
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := Append(ctx, tx, Entry{Operation: OpChunkCommit}); err != nil {
			return err
		}
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("transaction: %v", err)
	}
	next := appendOne(t, pool, Entry{Operation: OpRunEnd})
	if next.Seq != 2 {
		t.Fatalf("entry after the rollback has seq %d, want 2", next.Seq)
	}
	entries, err := Read(ctx, pool, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[1].Operation != OpRunEnd || entries[1].PrevHash != entries[0].Hash {
		t.Fatalf("entries after the rollback: %v", entries)
	}
	wantOK(t, verify(t, pool, nil))
}

func TestPasswordNeverReachesTheTable(t *testing.T) {
	pool := newStore(t)
	appendOne(t, pool, Entry{Operation: OpRunStart, Details: map[string]any{
		"source":                     "mysql://app:S3cretPw@legacy:3306/clinical",
		"nested":                     []any{map[string]any{"target": "postgres://loader:S3cretPw@pg/warehouse?sslmode=disable"}},
		"error":                      "connect to dsn app:S3cretPw@tcp(legacy:3306)/clinical: refused",
		"postgres://k:S3cretPw@h/db": "as a key",
	}})
	var raw string
	if err := pool.QueryRow(context.Background(), "SELECT row_to_json(a)::text FROM sluice.audit a").Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(raw, "S3cretPw") {
		t.Fatalf("the password reached sluice.audit: %s", raw)
	}
	if !strings.Contains(raw, "mysql://app:xxxxx@legacy:3306/clinical") {
		t.Fatalf("the redacted URL is missing: %s", raw)
	}
	wantOK(t, verify(t, pool, nil))
}

func TestAppendRefusesWhatCannotBeStored(t *testing.T) {
	pool := newStore(t)
	cases := []Entry{
		{Operation: ""},
		{Operation: "x", Details: map[string]any{"nan": 0 / zero()}},
		{Operation: "x", Details: map[string]any{"far": json.Number("1e1001")}},
		{Operation: "x", Details: map[string]any{"ch": make(chan int)}},
	}
	for _, e := range cases {
		err := pgx.BeginFunc(context.Background(), pool, func(tx pgx.Tx) error {
			_, err := Append(context.Background(), tx, e)
			return err
		})
		if err == nil {
			t.Errorf("append %#v: no error", e)
		}
	}
	if rep := verify(t, pool, nil); rep.Entries != 0 {
		t.Fatalf("%d entries stored by failed appends", rep.Entries)
	}
}

func zero() float64 { return 0 }

// Append records who ran Sluice when the caller does not say.
func TestAppendFillsWho(t *testing.T) {
	pool := newStore(t)
	user, host := Who()
	if user == "" || host == "" {
		t.Fatalf("Who() = %q, %q", user, host)
	}
	e := appendOne(t, pool, Entry{Operation: OpRunStart})
	if e.OSUser != user || e.Host != host || e.At.IsZero() || e.Seq != 1 || e.PrevHash != GenesisHash {
		t.Fatalf("appended %+v, want user %q host %q, seq 1 after genesis", e, user, host)
	}
	if got, _ := ComputeHash(e); got != e.Hash || len(e.Hash) != 64 {
		t.Fatalf("hash %q, recomputed %q", e.Hash, got)
	}
}
