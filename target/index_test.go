package target

import (
	"context"
	"strings"
	"testing"
)

func TestIndexBuildsAllOrNothingAndRecordsTheState(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, conn := newTarget(t)
	mustExec(t, conn, "CREATE TABLE items (id bigint, code text); INSERT INTO items VALUES (1, 'a'), (2, 'a')")
	beginTable(t, tg, "legacy.items", "items")
	err := tg.Index(ctx, "legacy.items", 1, []string{
		"ALTER TABLE items ADD CONSTRAINT items_pkey PRIMARY KEY (id);",
		"ALTER TABLE items ADD CONSTRAINT items_code_key UNIQUE (code);", // duplicates: fails
	})
	if err == nil || !strings.Contains(err.Error(), "items_code_key") {
		t.Fatalf("index with a duplicate: %v", err)
	}
	if n := queryInt(t, conn, "SELECT count(*) FROM pg_constraint WHERE conrelid = 'items'::regclass"); n != 0 {
		t.Errorf("%d constraints left by a failed Index, want 0", n)
	}
	if st, _ := tg.TableState(ctx, "legacy.items"); st.State != StateLoading {
		t.Errorf("state after a failed Index = %s", st.State)
	}
	if err := tg.Index(ctx, "legacy.items", 1, []string{"ALTER TABLE items ADD PRIMARY KEY (id)", "CREATE INDEX ON items (code)"}); err != nil {
		t.Fatal(err)
	}
	if st, _ := tg.TableState(ctx, "legacy.items"); st.State != StateIndexed {
		t.Errorf("state = %s, want indexed", st.State)
	}
	if n := queryInt(t, conn, "SELECT count(*) FROM pg_indexes WHERE tablename = 'items'"); n != 2 {
		t.Errorf("%d indexes, want 2", n)
	}
}
