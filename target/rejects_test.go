package target

import (
	"bytes"
	"context"
	"testing"
	"time"
)

func TestRejectsKeepRawBytesExactAndTextReadable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, conn := newTarget(t)
	mustExec(t, conn, "CREATE TABLE items (id bigint)")
	beginTable(t, tg, "legacy.items", "items")
	when := time.Date(2024, 2, 30, 0, 0, 0, 0, time.UTC)
	rejects := []Reject{
		{Key: "k\xff1", Column: "name", Raw: "a\x00b\xffc\u00e9", Reason: "invalid UTF-8 \xfe"},
		{Key: "2", Column: "blob", Raw: []byte{0, 1, 0xfe, 'x'}, Reason: "too long", Source: "other", SourceTable: "T"},
		{Key: "3", Column: "n", Raw: int64(7), Reason: "out of range"},
		{Key: "4", Column: "d", Raw: when, Reason: "bad date"},
		{Key: "5", Column: "x", Raw: nil, Reason: "missing"},
	}
	_, err := tg.LoadChunk(ctx, ChunkLoad{TableID: "legacy.items", Generation: 1, ChunkNo: 1, Schema: "public",
		Table: "items", Columns: []string{"id"}, Rejects: rejects, RowsRead: 5})
	if err != nil {
		t.Fatal(err)
	}
	got, err := tg.Rejects(ctx, 0, 0)
	if err != nil || len(got) != len(rejects) {
		t.Fatalf("rejects = %+v, %v", got, err)
	}
	want := []struct {
		key, text string
		raw       []byte
		null      bool
		source    string
	}{
		{`k\xff1`, `a\x00b\xffcé`, []byte("a\x00b\xffc\u00e9"), false, "legacy"},
		{"2", `\x00` + "\x01" + `\xfex`, []byte{0, 1, 0xfe, 'x'}, false, "other"},
		{"3", "7", nil, false, "legacy"},
		{"4", "2024-03-01T00:00:00Z", nil, false, "legacy"},
		{"5", "", nil, true, "legacy"},
	}
	for i, w := range want {
		g := got[i]
		if g.Key != w.key || g.RawText != w.text || !bytes.Equal(g.RawBytes, w.raw) || g.RawNull != w.null || g.Source != w.source {
			t.Errorf("reject %d = key %q text %q bytes %q null %v source %q; want %+v", i, g.Key, g.RawText, g.RawBytes, g.RawNull, g.Source, w)
		}
	}
	if got[0].Reason != `invalid UTF-8 \xfe` || got[1].SourceTable != "T" || got[0].SourceTable != "items" {
		t.Errorf("reason %q, source tables %q %q", got[0].Reason, got[1].SourceTable, got[0].SourceTable)
	}
	if got, _ := tg.Rejects(ctx, 0, 2); len(got) != 2 || got[1].Key != "2" {
		t.Errorf("limit 2 = %+v", got)
	}
}

func TestEscapeText(t *testing.T) {
	cases := map[string]string{
		"plain":        "plain",
		"é ü 中":        "é ü 中",
		"a\x00b":       `a\x00b`,
		"\xff\xfe":     `\xff\xfe`,
		"ok\xc3":       `ok\xc3`, // a truncated sequence
		`back\slash`:   `back\slash`,
		"\xed\xa0\x80": `\xed\xa0\x80`, // a surrogate is not UTF-8
	}
	for in, want := range cases {
		if got := escapeText(in); got != want {
			t.Errorf("escapeText(%q) = %q, want %q", in, got, want)
		}
	}
}
