package audit

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"
)

func export(t *testing.T, q Querier) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Export(context.Background(), q, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func verifyLines(t *testing.T, data []byte, pub []byte) *Report {
	t.Helper()
	rep, err := VerifyLines(bytes.NewReader(data), Options{PublicKey: pub})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// An exported file verifies offline to the very report Verify gives on the
// table: intact, and after tampering with the table.
func TestExportVerifiesOfflineLikeTheTable(t *testing.T) {
	pool, pub, _ := signedStore(t)
	priv, _ := testKeys(t)
	appendOne(t, pool, Entry{RunID: 2, Operation: OpTablePlan, Details: map[string]any{"float": 2.5e-7, "big": uint64(1) << 63, "text": "ß\n\"x\""}})
	finishSignedRun(t, pool, 2, priv)
	data := export(t, pool)
	if n := bytes.Count(data, []byte("\n")); n != 8 {
		t.Fatalf("%d lines, want 8:\n%s", n, data)
	}
	online, offline := verify(t, pool, pub), verifyLines(t, data, pub)
	wantOK(t, offline)
	if !reflect.DeepEqual(online, offline) {
		t.Fatalf("offline report differs:\n%+v\n%+v", offline, online)
	}

	mustExec(t, pool, `UPDATE sluice.audit SET details = '{"status": "failed"}' WHERE seq = 5`)
	online, offline = verify(t, pool, pub), verifyLines(t, export(t, pool), pub)
	wantChain(t, offline, Altered, 5)
	if !reflect.DeepEqual(online, offline) {
		t.Fatalf("offline report of the tampered table differs:\n%s\n%s", offline, online)
	}
}

func TestVerifyLinesFindsTamperedLines(t *testing.T) {
	pool := newStore(t)
	appendRun(t, pool, 1, 8)
	lines := strings.SplitAfter(string(export(t, pool)), "\n")
	lines = lines[:len(lines)-1] // the empty string after the last newline
	cases := []struct {
		name   string
		tamper func([]string) []string
		kind   Kind
		seq    int64
	}{
		{"value edited", func(l []string) []string { l[3] = strings.Replace(l[3], `"rows":10003`, `"rows":10004`, 1); return l }, Altered, 4},
		{"broken JSON", func(l []string) []string { l[2] = l[2][:40] + "\n"; return l }, Altered, 3},
		{"unknown field", func(l []string) []string { l[2] = `{"x":1,` + l[2][1:]; return l }, Altered, 3},
		{"line deleted", func(l []string) []string { return append(l[:4], l[5:]...) }, Deleted, 5},
		{"lines swapped", func(l []string) []string { l[5], l[6] = l[6], l[5]; return l }, Reordered, 6},
		{"line duplicated", func(l []string) []string { return append(l[:3], append([]string{l[2]}, l[3:]...)...) }, Inserted, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tampered := c.tamper(append([]string(nil), lines...))
			wantChain(t, verifyLines(t, []byte(strings.Join(tampered, "")), nil), c.kind, c.seq)
		})
	}
	wantOK(t, verifyLines(t, []byte(strings.Join(lines, "")+"\n\n"), nil))
}

func TestReportText(t *testing.T) {
	pool := newStore(t)
	appendRun(t, pool, 1, 6)
	mustExec(t, pool, `DELETE FROM sluice.audit WHERE seq = 3`)
	text := verify(t, pool, nil).String()
	for _, want := range []string{"audit trail: 5 entries (seq 1..6)", "chain: BROKEN at entry 3: deleted: entry 3 is missing", "not checked (no public key)"} {
		if !strings.Contains(text, want) {
			t.Errorf("report text lacks %q:\n%s", want, text)
		}
	}
}

// A row whose details are no longer an object is exported as it is, and
// found offline at the same entry.
func TestExportKeepsAnUnreadableRow(t *testing.T) {
	pool := newStore(t)
	appendRun(t, pool, 1, 5)
	mustExec(t, pool, `UPDATE sluice.audit SET details = '[1, {"b": 2,   "a": 1}]' WHERE seq = 2`)
	data := export(t, pool)
	if !bytes.Contains(data, []byte(`"details":[1,{"a":1,"b":2}]`)) {
		t.Fatalf("the tampered details are not exported as stored:\n%s", data)
	}
	wantChain(t, verify(t, pool, nil), Altered, 2)
	wantChain(t, verifyLines(t, data, nil), Altered, 2)
}

// An empty trail verifies as a chain, but the report says that nothing
// proves it complete; with a key it is a finding: nothing is signed.
func TestEmptyTrail(t *testing.T) {
	pool := newStore(t)
	rep := verify(t, pool, nil)
	wantOK(t, rep)
	if rep.Entries != 0 || len(export(t, pool)) != 0 || !reflect.DeepEqual(rep, verifyLines(t, nil, nil)) {
		t.Fatalf("empty trail: %+v", rep)
	}
	if !strings.Contains(rep.String(), "chain: empty: an empty trail cannot be proven complete without an anchor") {
		t.Fatalf("report text:\n%s", rep)
	}
	keyed := verify(t, pool, ed25519PublicForTest(t))
	wantSignature(t, keyed, MissingSignature, 0)
	if !reflect.DeepEqual(keyed, verifyLines(t, nil, ed25519PublicForTest(t))) {
		t.Fatalf("offline report of the empty trail differs: %+v", keyed)
	}
}

func ed25519PublicForTest(t *testing.T) []byte {
	_, pub := testKeys(t)
	return pub
}
