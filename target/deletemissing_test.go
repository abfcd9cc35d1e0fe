package target

import (
	"context"
	"strings"
	"testing"
)

func itemsDeleteMissing(gen int) DeleteMissing {
	return DeleteMissing{TableID: "legacy.items", Generation: gen, Schema: "public", Table: "items",
		Key: []string{"id"}, HashColumn: "sluice_row_hash"}
}

func TestDeleteMissingDeletesRowsNotSeenButNotTheApplications(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, conn := newTarget(t)
	mustExec(t, conn, itemsDDL)
	beginGeneration(t, tg, "legacy.items", "items", 1)
	mustLoad(t, tg, itemsChunk(1, 1, MergeUpsert, item(1, "a", "1"), item(2, "b", "2")))
	mustLoad(t, tg, itemsChunk(1, 2, MergeUpsert, item(3, "c", "3"), item(4, "d", "4")))
	if n, err := tg.DeleteMissing(ctx, itemsDeleteMissing(1)); n != 0 || err != nil {
		t.Fatalf("delete missing after a full load = %d, %v", n, err)
	}
	mustExec(t, conn, "INSERT INTO items (id, name) VALUES (100, 'the application''s')")

	beginGeneration(t, tg, "legacy.items", "items", 2)
	mustLoad(t, tg, itemsChunk(2, 1, MergeUpsert, item(1, "a", "1")))
	mustLoad(t, tg, itemsChunk(2, 2, MergeUpsert, item(4, "d", "4")))
	n, err := tg.DeleteMissing(ctx, itemsDeleteMissing(2))
	if err != nil || n != 2 {
		t.Fatalf("delete missing = %d, %v; want 2", n, err)
	}
	assertIDs(t, conn, "items", []int64{1, 4, 100})
	if n, err := tg.DeleteMissing(ctx, itemsDeleteMissing(2)); n != 0 || err != nil {
		t.Errorf("a second delete in the generation = %d, %v; want 0, nil", n, err)
	}
	st, _ := tg.TableState(ctx, "legacy.items")
	tot, _ := tg.Totals(ctx, "legacy.items", 2)
	if st.RowsDeleted != 2 || tot.Deleted != 2 {
		t.Errorf("rows deleted: state %d, totals %d; want 2", st.RowsDeleted, tot.Deleted)
	}
	if n := queryInt(t, conn, "SELECT count(*) FROM sluice.seen"); n != 0 {
		t.Errorf("%d keys seen left", n)
	}
	audited := queryText(t, conn, `SELECT details->>'rows_deleted' FROM sluice.audit
		WHERE operation = 'table.delete_missing' AND details->>'generation' = '2'`)
	if audited != "2" {
		t.Errorf("audited rows deleted = %s", audited)
	}
}

// The keys seen must account for every row the generation loaded: a lost
// sluice.seen (unlogged: a server crash empties it) must not delete rows.
func TestDeleteMissingRefusesWhenKeysSeenAreIncomplete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, conn := newTarget(t)
	mustExec(t, conn, itemsDDL)
	beginGeneration(t, tg, "legacy.items", "items", 1)
	mustLoad(t, tg, itemsChunk(1, 1, MergeUpsert, item(1, "a", "1"), item(2, "b", "2")))
	mustExec(t, conn, "TRUNCATE sluice.seen")
	_, err := tg.DeleteMissing(ctx, itemsDeleteMissing(1))
	if err == nil || !strings.Contains(err.Error(), "loaded 2 rows but 0 keys were recorded as seen") {
		t.Fatalf("delete missing without the keys seen: %v", err)
	}
	assertIDs(t, conn, "items", []int64{1, 2})
	if _, err := tg.DeleteMissing(ctx, itemsDeleteMissing(7)); err == nil || !strings.Contains(err.Error(), "generation 7") {
		t.Errorf("delete missing in a generation not begun: %v", err)
	}
}

func TestDeleteMissingOfAMergedPartDeletesOnlyItsSourceRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, conn := newTarget(t)
	mustExec(t, conn, `CREATE TABLE people (id bigint PRIMARY KEY, source text NOT NULL, name text, sluice_row_hash bytea)`)
	load := func(gen int, source string, ids ...int) {
		beginGeneration(t, tg, source+".people", "people", gen)
		c := ChunkLoad{TableID: source + ".people", Generation: gen, ChunkNo: 1, Schema: "public", Table: "people",
			Columns: []string{"id", "source", "name", "sluice_row_hash"}, RowsRead: len(ids),
			Merge: &MergeSpec{Mode: MergeUpsert, Key: []string{"id"}, HashColumn: "sluice_row_hash",
				SourceColumn: "source", Source: source, TrackSeen: true}}
		for _, id := range ids {
			c.Rows = append(c.Rows, []any{int64(id), source, "n", rowHash(id, source)})
		}
		mustLoad(t, tg, c)
	}
	load(1, "east", 1, 2)
	load(1, "west", 11, 12)
	load(2, "east", 1)
	n, err := tg.DeleteMissing(ctx, DeleteMissing{TableID: "east.people", Generation: 2, Schema: "public", Table: "people",
		Key: []string{"id"}, HashColumn: "sluice_row_hash", SourceColumn: "source", Source: "east"})
	if err != nil || n != 1 {
		t.Fatalf("delete missing of east = %d, %v; want 1", n, err)
	}
	assertIDs(t, conn, "people", []int64{1, 11, 12})
}

func patientsDeleteMissing(source string, gen int) DeleteMissing {
	return DeleteMissing{TableID: source + ".Patients", Generation: gen, Schema: "public", Table: "patients",
		Key: []string{"id"}, HashColumn: "sluice_row_hash", SourceColumn: "source", Source: source,
		Match: preferSpec()(source).Match}
}

// A matched part forgets its legacy keys not seen; an entity goes when its
// owning row is gone, and comes back from another source's row at that
// source's next load.
func TestDeleteMissingOfAMatchedPart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, conn := newTarget(t)
	mustExec(t, conn, patientsDDL)
	e1, e2 := patient("east", "e1", "A", "Ann", "111", ""), patient("east", "e2", "B", "Bob", "222", "")
	w1, w3 := patient("west", "w1", "A", "Anne", "", "a@x"), patient("west", "w3", "B", "Bob", "", "b@x")
	loadPatients(t, tg, "east", 1, preferSpec(), e1, e2)
	loadPatients(t, tg, "west", 1, preferSpec(), w1, w3)

	// w3 is gone from west: its legacy key goes, B (owned by e2) stays.
	loadPatients(t, tg, "west", 2, preferSpec(), w1)
	n, err := tg.DeleteMissing(ctx, patientsDeleteMissing("west", 2))
	if err != nil || n != 0 {
		t.Fatalf("delete missing of west = %d, %v; want 0 rows", n, err)
	}
	if n, _ := tg.CountLegacyKeys(ctx, "west.Patients"); n != 1 {
		t.Errorf("west has %d legacy keys, want 1", n)
	}
	if got, want := patientsText(t, conn), "A:east/e1:Ann:111:a@x B:east/e2:Bob:222:b@x"; got != want {
		t.Errorf("patients = %s, want %s", got, want)
	}

	// e1 is gone from east: A, which it owned, goes; west's next load brings it back.
	loadPatients(t, tg, "east", 2, preferSpec(), e2)
	if n, err := tg.DeleteMissing(ctx, patientsDeleteMissing("east", 2)); err != nil || n != 1 {
		t.Fatalf("delete missing of east = %d, %v; want 1", n, err)
	}
	if got, want := patientsText(t, conn), "B:east/e2:Bob:222:b@x"; got != want {
		t.Errorf("patients = %s, want %s", got, want)
	}
	if res := loadPatients(t, tg, "west", 3, preferSpec(), w1); res != (ChunkResult{Loaded: 1, Inserted: 1}) {
		t.Errorf("west's next load = %+v, want A inserted again", res)
	}
	if got, want := patientsText(t, conn), "A:west/w1:Anne:-:a@x B:east/e2:Bob:222:b@x"; got != want {
		t.Errorf("patients = %s, want %s", got, want)
	}
}
