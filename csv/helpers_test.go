package csvsrc

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/sluicedb/sluice"
)

// writeFiles writes files into a fresh directory and returns it.
func writeFiles(t testing.TB, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o444); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func openDir(t testing.TB, dir string, opts Options) *Source {
	t.Helper()
	src, err := Open(context.Background(), "files", "csv://"+dir, opts)
	if err != nil {
		t.Fatalf("open %s: %v", dir, err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

func gzipped(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// readAll reads a whole table by record number and returns its rows and keys.
func readAll(t testing.TB, src *Source, table string, cols ...string) (rows [][]any, keys []int64) {
	t.Helper()
	return readAfter(t, src, table, 0, 0, cols...)
}

func readAfter(t testing.TB, src *Source, table string, after int64, limit int, cols ...string) (rows [][]any, keys []int64) {
	t.Helper()
	req := sluice.ReadRequest{Table: table, Columns: cols, Key: []string{"_record"}, Limit: limit}
	if after > 0 {
		req.After = []any{after}
	}
	it, err := src.Read(context.Background(), req)
	if err != nil {
		t.Fatalf("read %s: %v", table, err)
	}
	defer it.Close()
	for it.Next() {
		rows = append(rows, it.Values())
		keys = append(keys, it.Key()[0].(int64))
	}
	if err := it.Err(); err != nil {
		t.Fatalf("read %s: %v", table, err)
	}
	return rows, keys
}

func sp(s string) *string { return &s }

func bp(b bool) *bool { return &b }
