package audit

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func testHead(seq int64) Head {
	return Head{Database: "7716337510682740896/platform", Trail: strings.Repeat("a", 64), Seq: seq,
		Hash: strings.Repeat("b", 64), Runs: seq / 10, RunID: seq / 10, At: time.Date(2026, 3, 1, 9, 30, 0, 123456000, time.UTC)}
}

// Heads come back as appended, and every Append only adds bytes at the end:
// what was there stays byte for byte.
func TestFileAppendsHeadsAndNeverRewrites(t *testing.T) {
	priv, _ := testKeys(t)
	w := NewFile(filepath.Join(t.TempDir(), "heads.log"))
	ctx := context.Background()
	if heads, err := w.Heads(ctx); err != nil || heads != nil {
		t.Fatalf("a file not written yet: %v, %v", heads, err)
	}
	signed := testHead(20)
	signed.sign(priv)
	var want []Head
	var before []byte
	for _, h := range []Head{testHead(10), signed, testHead(30)} {
		if err := w.Append(ctx, h); err != nil {
			t.Fatal(err)
		}
		want = append(want, h)
		after, err := os.ReadFile(w.Path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(after, before) || bytes.Count(after, []byte("\n")) != len(want) {
			t.Fatalf("the file was rewritten:\nbefore %q\nafter  %q", before, after)
		}
		before = after
	}
	got, err := w.Heads(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("heads read back\n%+v\nwant\n%+v", got, want)
	}
	first := strings.SplitN(string(before), "\n", 2)[0]
	const line = `{"at":"2026-03-01T09:30:00.123456Z","database":"7716337510682740896/platform","hash":"bbbb`
	if !strings.HasPrefix(first, line) || !strings.HasSuffix(first, `"trail":"`+strings.Repeat("a", 64)+`"}`) {
		t.Fatalf("line format: %s", first)
	}
}

// A line that is not a head, whether spoiled by hand or cut by a crash, is
// named: whoever can write the file must not hide a head by spoiling its line.
func TestFileDamagedLineIsTampering(t *testing.T) {
	ctx := context.Background()
	for name, content := range map[string]string{
		"garbage":       "{\"x\":1}\n",
		"edited number": `{"at":"2026-03-01T09:30:00.123456Z","database":"d","hash":"h","run":1,"runs":"one","seq":2,"signature":"","trail":"t"}` + "\n",
	} {
		t.Run(name, func(t *testing.T) {
			w := NewFile(filepath.Join(t.TempDir(), "heads.log"))
			if err := w.Append(ctx, testHead(10)); err != nil {
				t.Fatal(err)
			}
			appendRaw(t, w.Path, content)
			_, err := w.Heads(ctx)
			var te *TamperError
			if !errors.As(err, &te) || te.Problem.Kind != DamagedAnchor || !strings.Contains(err.Error(), "line 2") {
				t.Fatalf("damaged anchor: %v", err)
			}
		})
	}
	// A torn last line stays as it is; the next head goes on a line of its
	// own after it, and the torn line is still reported.
	w := NewFile(filepath.Join(t.TempDir(), "heads.log"))
	if err := w.Append(ctx, testHead(10)); err != nil {
		t.Fatal(err)
	}
	appendRaw(t, w.Path, `{"at":"2026-03-01T09:3`)
	if err := w.Append(ctx, testHead(20)); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(w.Path)
	if lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n"); len(lines) != 3 || lines[1] != `{"at":"2026-03-01T09:3` {
		t.Fatalf("after a torn line:\n%s", data)
	}
	if _, err := w.Heads(ctx); !strings.Contains(fmtErr(err), "line 2") {
		t.Fatalf("torn line not reported: %v", err)
	}
}

func fmtErr(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func appendRaw(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// Writable creates the file, empty, and fails where it cannot be written.
func TestFileWritable(t *testing.T) {
	dir := t.TempDir()
	w := NewFile(filepath.Join(dir, "heads.log"))
	if err := w.Writable(); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(w.Path); err != nil || info.Size() != 0 {
		t.Fatalf("after Writable: %v, %v", info, err)
	}
	if err := NewFile(filepath.Join(dir, "missing", "heads.log")).Writable(); err == nil {
		t.Fatal("an anchor in a missing directory is writable")
	}
}

// An auditor checks an anchored head's signature with OpenSSL, from the line
// alone, following the package documentation.
func TestOpenSSLVerifiesAnchoredHead(t *testing.T) {
	priv, pub := testKeys(t)
	h := testHead(42)
	h.sign(priv)
	if !h.validSignature(pub) {
		t.Fatal("the head's own signature does not verify")
	}
	msg := "sluice-audit-anchor:1 seq=42 runs=4 run=4 at=2026-03-01T09:30:00.123456Z trail=" + strings.Repeat("a", 64) +
		" hash=" + strings.Repeat("b", 64) + " database=7716337510682740896/platform"
	if string(h.Message()) != msg {
		t.Fatalf("message\n%s\nwant\n%s", h.Message(), msg)
	}
	opensslVerify(t, msg, h.Signature)
}
