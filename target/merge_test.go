package target

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

const itemsDDL = `CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, price numeric(8,2), sluice_row_hash bytea)`

func item(id int, name, price string) []any {
	return []any{int64(id), name, price, rowHash(id, name, price)}
}

func itemsChunk(gen, chunkNo int, mode string, rows ...[]any) ChunkLoad {
	return ChunkLoad{TableID: "legacy.items", Generation: gen, ChunkNo: chunkNo, Schema: "public", Table: "items",
		Columns: []string{"id", "name", "price", "sluice_row_hash"}, Rows: rows, RowsRead: len(rows),
		KeyOf: func(i int) string { return fmt.Sprint(rows[i][0]) },
		Merge: &MergeSpec{Mode: mode, Key: []string{"id"}, HashColumn: "sluice_row_hash", TrackSeen: true}}
}

func TestMergeInsertsUpdatesAndLeavesUnchangedRowsAlone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, conn := newTarget(t)
	mustExec(t, conn, itemsDDL)
	beginGeneration(t, tg, "legacy.items", "items", 1)
	first := [][]any{item(1, "a", "1.00"), item(2, "b", "2.00"), item(3, "c", "3.00"), item(4, "d", "4.00")}
	if res := mustLoad(t, tg, itemsChunk(1, 1, MergeUpsert, first...)); res != (ChunkResult{Loaded: 4, Inserted: 4}) {
		t.Errorf("first load = %+v, want 4 inserted", res)
	}
	before := xmins(t, conn, "items", "id")

	beginGeneration(t, tg, "legacy.items", "items", 2)
	second := [][]any{item(1, "a", "1.00"), item(2, "b", "2.00"), item(3, "C", "3.50"), item(5, "e", "5.00")}
	res := mustLoad(t, tg, itemsChunk(2, 1, MergeUpsert, second...))
	if res != (ChunkResult{Loaded: 4, Inserted: 1, Updated: 1, Unchanged: 2}) {
		t.Errorf("second load = %+v, want 1 inserted, 1 updated, 2 unchanged", res)
	}
	after := xmins(t, conn, "items", "id")
	if got := rewritten(before, after); !sameSet(got, []string{"3", "5"}) {
		t.Errorf("rows written by the second load: %v, want 3 and 5", got)
	}
	if s := queryText(t, conn, "SELECT name || ' ' || price FROM items WHERE id = 3"); s != "C 3.50" {
		t.Errorf("row 3 = %q", s)
	}

	beginGeneration(t, tg, "legacy.items", "items", 3)
	res = mustLoad(t, tg, itemsChunk(3, 1, MergeUpsert, second...))
	if res != (ChunkResult{Loaded: 4, Unchanged: 4}) {
		t.Errorf("rerun = %+v, want 4 unchanged", res)
	}
	if got := rewritten(after, xmins(t, conn, "items", "id")); len(got) != 0 {
		t.Errorf("the rerun of unchanged rows wrote rows %v", got)
	}
	st, _ := tg.TableState(ctx, "legacy.items")
	if st.RowsLoaded != 4 || st.RowsUnchanged != 4 || st.RowsInserted != 0 || st.RowsUpdated != 0 {
		t.Errorf("table counters after the rerun = %+v", st)
	}
	last, _ := tg.LastChunk(ctx, "legacy.items", 2)
	if last.RowsInserted != 1 || last.RowsUpdated != 1 || last.RowsUnchanged != 2 || last.RowsLoaded != 4 {
		t.Errorf("ledger row of generation 2 = %+v", last)
	}
	tot, _ := tg.Totals(ctx, "legacy.items", 2)
	if tot != (Totals{Chunks: 1, Read: 4, Loaded: 4, Inserted: 1, Updated: 1, Unchanged: 2}) {
		t.Errorf("totals of generation 2 = %+v", tot)
	}
	audited := queryText(t, conn, `SELECT details->>'merge' || ' ' || (details->>'rows_inserted') || ' ' ||
		(details->>'rows_updated') || ' ' || (details->>'rows_unchanged') || ' ' || (details->>'conflicts')
		FROM sluice.audit WHERE operation = 'chunk.commit' AND details->>'generation' = '2'`)
	if audited != "merge 1 1 2 0" {
		t.Errorf("audited chunk = %q, want merge 1 1 2 0", audited)
	}
}

func sameSet(got, want []string) bool {
	got, want = slices.Clone(got), slices.Clone(want)
	slices.Sort(got)
	slices.Sort(want)
	return slices.Equal(got, want)
}

func TestAppendInsertsOnlyNewKeys(t *testing.T) {
	t.Parallel()
	tg, conn := newTarget(t)
	mustExec(t, conn, itemsDDL)
	beginGeneration(t, tg, "legacy.items", "items", 1)
	mustLoad(t, tg, itemsChunk(1, 1, MergeAppend, item(1, "a", "1.00"), item(2, "b", "2.00")))
	before := xmins(t, conn, "items", "id")
	beginGeneration(t, tg, "legacy.items", "items", 2)
	res := mustLoad(t, tg, itemsChunk(2, 1, MergeAppend, item(1, "A", "9.00"), item(2, "b", "2.00"), item(3, "c", "3.00")))
	if res != (ChunkResult{Loaded: 3, Inserted: 1, Unchanged: 2}) {
		t.Errorf("append = %+v, want 1 inserted, 2 unchanged", res)
	}
	if got := rewritten(before, xmins(t, conn, "items", "id")); !slices.Equal(got, []string{"3"}) {
		t.Errorf("rows written: %v, want only 3", got)
	}
	if s := queryText(t, conn, "SELECT name FROM items WHERE id = 1"); s != "a" {
		t.Errorf("append changed row 1 to %q", s)
	}
}

// Rows refused at the stage (types, NULLs) and on their way into the table
// (a foreign key, a check constraint, which the stage does not have) become
// rejects; the reasons name the user's table, not the stage.
func TestMergeNarrowsRefusedRowsToRejects(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, conn := newTarget(t)
	mustExec(t, conn, `CREATE TABLE parent (id int PRIMARY KEY); INSERT INTO parent VALUES (1);
		CREATE TABLE codes (id bigint PRIMARY KEY, code varchar(3) NOT NULL CHECK (code <> 'bad'),
			parent_id int REFERENCES parent, sluice_row_hash bytea)`)
	beginGeneration(t, tg, "legacy.codes", "codes", 1)
	var rows [][]any
	for i := 1; i <= 40; i++ {
		code, parent := "abc", any(int32(1))
		switch i {
		case 3:
			code = "toolong"
		case 11:
			parent = int32(2)
		case 20:
			code = "bad"
		case 33:
			rows = append(rows, []any{int64(i), nil, parent, rowHash(i)})
			continue
		}
		rows = append(rows, []any{int64(i), code, parent, rowHash(i, code, parent)})
	}
	c := ChunkLoad{TableID: "legacy.codes", Generation: 1, ChunkNo: 1, Schema: "public", Table: "codes",
		Columns: []string{"id", "code", "parent_id", "sluice_row_hash"}, Rows: rows, RowsRead: 40,
		KeyOf: func(i int) string { return fmt.Sprint(rows[i][0]) },
		Merge: &MergeSpec{Mode: MergeUpsert, Key: []string{"id"}, HashColumn: "sluice_row_hash", TrackSeen: true}}
	res := mustLoad(t, tg, c)
	if res != (ChunkResult{Loaded: 36, Rejected: 4, Inserted: 36}) {
		t.Errorf("result = %+v, want 36 inserted and 4 rejected", res)
	}
	rejects, _ := tg.Rejects(ctx, 0, 0)
	got := map[string]string{}
	for _, r := range rejects {
		got[r.Key] = r.Reason
	}
	want := map[string]string{
		"3":  "value too long for type character varying(3)",
		"11": `insert or update on table "codes" violates foreign key constraint "codes_parent_id_fkey": Key (parent_id)=(2) is not present in table "parent".`,
		"20": `new row for relation "codes" violates check constraint "codes_code_check"`,
		"33": `null value in column "code" of relation "codes" violates not-null constraint`,
	}
	if len(got) != len(want) {
		t.Errorf("rejects = %v", got)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("reject of %s: %q, want %q", k, got[k], w)
		}
	}
	if n := queryInt(t, conn, "SELECT count(*) FROM sluice.seen"); n != 36 {
		t.Errorf("%d keys seen, want the 36 loaded", n)
	}
}

func TestMergeRefusesDuplicateKeysInAChunk(t *testing.T) {
	t.Parallel()
	tg, conn := newTarget(t)
	mustExec(t, conn, itemsDDL)
	beginGeneration(t, tg, "legacy.items", "items", 1)
	_, err := tg.LoadChunk(context.Background(), itemsChunk(1, 1, MergeUpsert, item(1, "a", "1"), item(2, "b", "2"), item(1, "c", "3")))
	if err == nil || !strings.Contains(err.Error(), "rows with legacy key 1 and with legacy key 1 of the chunk have the same key id (1)") {
		t.Fatalf("duplicate keys: %v", err)
	}
	if n := queryInt(t, conn, "SELECT count(*) FROM items") + queryInt(t, conn, "SELECT count(*) FROM sluice.chunks"); n != 0 {
		t.Errorf("%d rows left behind", n)
	}
}

// A merged table without a natural key: each source updates its own rows
// only, whatever their keys.
func TestMergeOfAMergedTableTouchesOnlyItsSourceRows(t *testing.T) {
	t.Parallel()
	tg, conn := newTarget(t)
	mustExec(t, conn, `CREATE TABLE people (id bigint PRIMARY KEY, source text NOT NULL, name text, sluice_row_hash bytea)`)
	chunk := func(gen int, source string, rows ...[]any) ChunkLoad {
		return ChunkLoad{TableID: source + ".people", Generation: gen, ChunkNo: 1, Schema: "public", Table: "people",
			Columns: []string{"id", "source", "name", "sluice_row_hash"}, Rows: rows, RowsRead: len(rows),
			Merge: &MergeSpec{Mode: MergeUpsert, Key: []string{"id"}, HashColumn: "sluice_row_hash",
				SourceColumn: "source", Source: source}}
	}
	person := func(id int, source, name string) []any {
		return []any{int64(id), source, name, rowHash(id, source, name)}
	}
	beginGeneration(t, tg, "east.people", "people", 1)
	beginGeneration(t, tg, "west.people", "people", 1)
	mustLoad(t, tg, chunk(1, "east", person(1, "east", "a")))
	mustLoad(t, tg, chunk(1, "west", person(2, "west", "b")))
	beginGeneration(t, tg, "west.people", "people", 2)
	res := mustLoad(t, tg, chunk(2, "west", person(1, "west", "x"), person(2, "west", "B")))
	if res != (ChunkResult{Loaded: 2, Updated: 1, Unchanged: 1}) {
		t.Errorf("west's rerun = %+v, want 1 updated and its row 1 (east's key) left alone", res)
	}
	if s := queryText(t, conn, "SELECT string_agg(id || source || name, ',' ORDER BY id) FROM people"); s != "1easta,2westB" {
		t.Errorf("people = %s", s)
	}
}

// A chunk already committed is refused on the merge path too, and changes
// nothing: not the rows, the counters or the keys seen.
func TestMergeChunkTwiceFailsAndChangesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, conn := newTarget(t)
	mustExec(t, conn, itemsDDL)
	beginGeneration(t, tg, "legacy.items", "items", 1)
	mustLoad(t, tg, itemsChunk(1, 1, MergeUpsert, item(1, "a", "1")))
	beginGeneration(t, tg, "legacy.items", "items", 2)
	c := itemsChunk(2, 1, MergeUpsert, item(1, "b", "1"), item(2, "c", "2"))
	mustLoad(t, tg, c)
	before := xmins(t, conn, "items", "id")
	c.Rows = [][]any{item(1, "z", "1"), item(3, "d", "3")}
	_, err := tg.LoadChunk(ctx, c)
	var dup *ChunkCommittedError
	if !errors.As(err, &dup) {
		t.Fatalf("second load: %v, want a ChunkCommittedError", err)
	}
	if got := rewritten(before, xmins(t, conn, "items", "id")); len(got) != 0 {
		t.Errorf("the refused chunk wrote rows %v", got)
	}
	st, _ := tg.TableState(ctx, "legacy.items")
	if st.ChunksDone != 1 || st.RowsLoaded != 2 || st.RowsInserted != 1 || st.RowsUpdated != 1 {
		t.Errorf("counters = %+v", st)
	}
	if n := queryInt(t, conn, "SELECT count(*) FROM sluice.seen WHERE generation = 2"); n != 2 {
		t.Errorf("%d keys seen in generation 2, want 2", n)
	}
}

// MergeInsert inserts every row through the stage: only to resolve legacy
// identities of rows merged on a natural key into their entities.
func TestMergeInsertResolvesMatchedKeys(t *testing.T) {
	t.Parallel()
	tg, conn := newTarget(t)
	mustExec(t, conn, patientsDDL+`; CREATE TABLE visits (id bigint, patient_id uuid)`)
	loadPatients(t, tg, "east", 1, manualSpec(), patient("east", "e1", "A", "Ann", "111", ""))
	loadPatients(t, tg, "west", 1, manualSpec(), patient("west", "w1", "A", "Anne", "", "a@x"))
	beginGeneration(t, tg, "east.visits", "visits", 1)
	stranger := legacyUUID("east", "e9")
	rows := [][]any{{int64(1), [16]byte(legacyUUID("east", "e1"))}, {int64(2), [16]byte(legacyUUID("west", "w1"))},
		{int64(3), [16]byte(stranger)}, {int64(4), nil}}
	res := mustLoad(t, tg, ChunkLoad{TableID: "east.visits", Generation: 1, ChunkNo: 1, Schema: "public", Table: "visits",
		Columns: []string{"id", "patient_id"}, Rows: rows, RowsRead: 4,
		Merge: &MergeSpec{Mode: MergeInsert, Resolve: []string{"patient_id"}}})
	if res != (ChunkResult{Loaded: 4, Inserted: 4}) {
		t.Errorf("result = %+v", res)
	}
	entity := entityUUID("A").String()
	got := queryText(t, conn, "SELECT string_agg(id || '=' || coalesce(patient_id::text, 'null'), ',' ORDER BY id) FROM visits")
	if want := "1=" + entity + ",2=" + entity + ",3=" + stranger.String() + ",4=null"; got != want {
		t.Errorf("visits = %s, want %s", got, want)
	}
}

// A resolved reference is not part of the row hash: when the legacy row it
// names is matched to another entity, a merge rewrites the row anyway.
func TestMergeRewritesARowWhoseResolvedReferenceMoved(t *testing.T) {
	t.Parallel()
	tg, conn := newTarget(t)
	mustExec(t, conn, patientsDDL+`; CREATE TABLE visits (id bigint PRIMARY KEY, patient_id uuid, sluice_row_hash bytea)`)
	visits := func(gen int) ChunkResult {
		beginGeneration(t, tg, "east.visits", "visits", gen)
		ref := [16]byte(legacyUUID("east", "e1"))
		return mustLoad(t, tg, ChunkLoad{TableID: "east.visits", Generation: gen, ChunkNo: 1, Schema: "public",
			Table: "visits", Columns: []string{"id", "patient_id", "sluice_row_hash"}, RowsRead: 1,
			Rows:  [][]any{{int64(1), ref, rowHash(1, ref)}},
			Merge: &MergeSpec{Mode: MergeUpsert, Key: []string{"id"}, HashColumn: "sluice_row_hash", Resolve: []string{"patient_id"}}})
	}
	loadPatients(t, tg, "east", 1, preferSpec(), patient("east", "e1", "A", "Ann", "", ""))
	visits(1)
	if res := visits(2); res != (ChunkResult{Loaded: 1, Unchanged: 1}) {
		t.Errorf("rerun = %+v", res)
	}
	// e1's natural key changes: it moves to entity Z, and A, which it owned, goes.
	if res := loadPatients(t, tg, "east", 2, preferSpec(), patient("east", "e1", "Z", "Ann", "", "")); res != (ChunkResult{Loaded: 1, Inserted: 1}) {
		t.Errorf("e1 moved = %+v", res)
	}
	if got := patientsText(t, conn); got != "Z:east/e1:Ann:-:-" {
		t.Errorf("patients = %s", got)
	}
	if res := visits(3); res != (ChunkResult{Loaded: 1, Updated: 1}) {
		t.Errorf("after e1 was matched to another entity = %+v, want the visit rewritten", res)
	}
	if got := queryText(t, conn, "SELECT patient_id::text FROM visits"); got != entityUUID("Z").String() {
		t.Errorf("visit points at %s, want entity Z", got)
	}
}
