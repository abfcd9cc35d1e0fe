package target

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func ins(id int64, v string, pos string) RowChange {
	return RowChange{TableID: "legacy.t", Schema: "public", Table: "t", Op: OpInsert, Key: []string{"id"},
		Columns: []string{"id", "v"}, Values: []any{id, v}, RowKey: "x", Position: pos}
}

// A batch commits its rows with the stream's position; applied again, it
// changes nothing, since it no longer starts where the stream stands.
func TestApplyBatchOnceInOrder(t *testing.T) {
	ctx := context.Background()
	tg, conn := newTarget(t)
	mustExec(t, conn, "CREATE TABLE t (id bigint PRIMARY KEY, v text NOT NULL); CREATE TABLE k (a int, b text)")
	beginTable(t, tg, "legacy.t", "t")
	if err := tg.StartStream(ctx, 0, "legacy", "cap", "0/10", nil); err != nil {
		t.Fatal(err)
	}
	first := StreamBatch{Source: "legacy", From: "0/10", To: "0/20", Transactions: 2, Changes: []RowChange{
		ins(1, "one", "0/15"), ins(2, "two", "0/15"), ins(3, "three", "0/20"),
		{TableID: "legacy.k", Schema: "public", Table: "k", Op: OpInsert, Columns: []string{"a", "b"}, Values: []any{int64(7), "x"}},
		{TableID: "legacy.k", Schema: "public", Table: "k", Op: OpInsert, Columns: []string{"a", "b"}, Values: []any{int64(7), "x"}},
	}}
	if _, err := tg.ApplyBatch(ctx, first); err != nil {
		t.Fatal(err)
	}
	second := StreamBatch{Source: "legacy", From: "0/20", To: "0/30", Transactions: 1, Changes: []RowChange{
		{TableID: "legacy.t", Schema: "public", Table: "t", Op: OpUpdate, Key: []string{"id"}, Columns: []string{"v"}, Values: []any{"TWO"}, KeyValues: []any{int64(2)}},
		{TableID: "legacy.t", Schema: "public", Table: "t", Op: OpDelete, Key: []string{"id"}, KeyValues: []any{int64(1)}},
		{TableID: "legacy.t", Schema: "public", Table: "t", Op: OpUpsert, Key: []string{"id"}, Columns: []string{"id", "v"}, Values: []any{int64(3), "drei"}},
		{TableID: "legacy.k", Schema: "public", Table: "k", Op: OpDelete, Columns: []string{"a", "b"}, KeyValues: []any{int64(7), "x"}},
	}}
	res, err := tg.ApplyBatch(ctx, second)
	if err != nil {
		t.Fatal(err)
	}
	if res.Applied != 4 || res.Tables["legacy.t"].Deleted != 1 || res.Tables["legacy.k"].Deleted != 1 {
		t.Errorf("result %+v, t %+v", res, res.Tables["legacy.t"])
	}
	_, err = tg.ApplyBatch(ctx, second)
	var moved *StreamMovedError
	if !errors.As(err, &moved) || moved.Position != "0/30" {
		t.Fatalf("replayed batch: %v, want a StreamMovedError at 0/30", err)
	}
	got := strings.Join(pgStrings(t, conn, "SELECT id || '=' || v FROM t ORDER BY id"), ",")
	if got != "2=TWO,3=drei" {
		t.Errorf("rows %s, want 2=TWO,3=drei (the replay deleted or updated again?)", got)
	}
	if n := queryInt(t, conn, "SELECT count(*) FROM k"); n != 1 {
		t.Errorf("k holds %d rows, want 1: a keyless delete removes one of two alike rows", n)
	}
	s, err := tg.Stream(ctx, "legacy")
	if err != nil || s.Position != "0/30" || s.Changes != 9 || s.Transactions != 3 || s.Batches != 2 {
		t.Errorf("stream %+v, %v", s, err)
	}
	if n := queryInt(t, conn, "SELECT count(*) FROM sluice.audit WHERE operation = 'stream.batch'"); n != 2 {
		t.Errorf("%d stream.batch audit entries, want 2", n)
	}
}

// A row the target refuses is a reject with its position; the rest of the
// batch applies.
func TestApplyBatchRefusedRowIsReject(t *testing.T) {
	ctx := context.Background()
	tg, conn := newTarget(t)
	mustExec(t, conn, "CREATE TABLE t (id bigint PRIMARY KEY, v text NOT NULL CHECK (v <> 'bad'))")
	beginTable(t, tg, "legacy.t", "t")
	if err := tg.StartStream(ctx, 0, "legacy", "cap", "0/10", nil); err != nil {
		t.Fatal(err)
	}
	b := StreamBatch{Source: "legacy", From: "0/10", To: "0/20", Transactions: 1, Changes: []RowChange{
		ins(1, "one", "0/20"), ins(2, "bad", "0/20"), ins(3, "three", "0/20"),
	}, Rejects: []StreamReject{{Reject: Reject{Key: "4", Column: "v", Raw: "zz", Reason: "cannot cast"}, TableID: "legacy.t", Table: "t", Position: "0/20"}}}
	res, err := tg.ApplyBatch(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	if res.Applied != 2 || res.Rejected != 2 {
		t.Errorf("applied %d rejected %d, want 2 and 2", res.Applied, res.Rejected)
	}
	got := strings.Join(pgStrings(t, conn, "SELECT row_key || '@' || position FROM sluice.rejects ORDER BY row_key"), ",")
	if got != "4@0/20,x@0/20" {
		t.Errorf("rejects %s", got)
	}
	if n := queryInt(t, conn, "SELECT count(*) FROM t"); n != 2 {
		t.Errorf("t holds %d rows, want 2", n)
	}
}

func TestChangeSQL(t *testing.T) {
	cases := []struct {
		c    RowChange
		want string
	}{
		{RowChange{Op: OpUpsert, Schema: "s", Table: "T", Key: []string{"id"}, Columns: []string{"id", "v"}},
			`INSERT INTO "s"."T" ("id", "v") VALUES ($1, $2) ON CONFLICT ("id") DO UPDATE SET "v" = EXCLUDED."v"`},
		{RowChange{Op: OpUpsert, Schema: "s", Table: "T", Key: []string{"legacy_id"}, Keep: []string{"id"}, Columns: []string{"id", "legacy_id", "v"}},
			`INSERT INTO "s"."T" ("id", "legacy_id", "v") VALUES ($1, $2, $3) ON CONFLICT ("legacy_id") DO UPDATE SET "v" = EXCLUDED."v"`},
		{RowChange{Op: OpUpdate, Schema: "s", Table: "t", Key: []string{"a", "b"}, Columns: []string{"v"}},
			`UPDATE "s"."t" SET "v" = $1 WHERE "a" = $2 AND "b" = $3`},
		{RowChange{Op: OpDelete, Schema: "s", Table: "t", Columns: []string{"x", "y"}},
			`DELETE FROM "s"."t" WHERE ctid = (SELECT ctid FROM "s"."t" WHERE "x" IS NOT DISTINCT FROM $1 AND "y" IS NOT DISTINCT FROM $2 LIMIT 1)`},
		{RowChange{Op: OpTruncate, Schema: "s", Table: "t", Columns: []string{"src"}}, `DELETE FROM "s"."t" WHERE "src" = $1`},
	}
	for _, c := range cases {
		if got := buildChangeSQL(&c.c); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.c.Op, got, c.want)
		}
	}
}

// Inserts and upserts are written 64 rows to a statement where that keeps
// their meaning: a group never holds the same key twice (the later upsert
// wins, as one row at a time would have it).
func TestApplyBatchGroupsRows(t *testing.T) {
	ctx := context.Background()
	tg, conn := newTarget(t)
	mustExec(t, conn, "CREATE TABLE t (id bigint PRIMARY KEY, v text NOT NULL)")
	beginTable(t, tg, "legacy.t", "t")
	if err := tg.StartStream(ctx, 0, "legacy", "cap", "0/10", nil); err != nil {
		t.Fatal(err)
	}
	var changes []RowChange
	for i := range 150 {
		changes = append(changes, ins(int64(i), "v", "0/20"))
	}
	for i := range 200 { // keys 0..99 twice: the second value must win
		c := ins(int64(i%100), fmt.Sprint("u", i), "0/20")
		c.Op = OpUpsert
		changes = append(changes, c)
	}
	res, err := tg.ApplyBatch(ctx, StreamBatch{Source: "legacy", From: "0/10", To: "0/20", Transactions: 1, Changes: changes})
	if err != nil {
		t.Fatal(err)
	}
	if res.Applied != 350 || res.Tables["legacy.t"].Inserted != 150 || res.Tables["legacy.t"].Updated != 200 {
		t.Errorf("result %+v %+v", res, res.Tables["legacy.t"])
	}
	if got := queryInt(t, conn, "SELECT count(*) FROM t WHERE v = 'u' || (id + 100)"); got != 100 {
		t.Errorf("%d rows hold their last upsert's value, want 100", got)
	}
	if got := queryInt(t, conn, "SELECT count(*) FROM t WHERE v = 'v'"); got != 50 {
		t.Errorf("%d rows kept their insert's value, want 50", got)
	}
}
