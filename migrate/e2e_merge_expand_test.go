package migrate_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/verify"
)

// clinicsScript holds counts, lists and arrays with their edge cases: NULL,
// 0, an empty list and array, empty elements, spaces, JSON non-strings.
const clinicsScript = `CREATE TABLE Clinics (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL, NumChairs INTEGER, Tags TEXT, Codes TEXT);
INSERT INTO Clinics VALUES
  (1, 'A', 3, 'red;green;blue', '["x1","x2"]'),
  (2, 'B', 0, '', '[]'),
  (3, 'C', NULL, NULL, NULL),
  (4, 'D', 5, ' solo ', '["a", 7, null, {"k": 1}, [1, 2]]'),
  (5, 'E', 1, 'a;;b;', '["only"]'),
  (6, 'F', 2, 'x', '["p","q","r"]'),
  (7, 'G', 4, 'u;v;w;x;y', '[true]');`

func expandYAML(src, tgt string) string {
	return fmt.Sprintf(`version: 1
sources:
  src: {url: %q}
target: {url: %q}
defaults:
  naming: snake_case
  keys: uuid
  chunk_rows: 2
tables:
  src.Clinics:
    expand:
      chairs: {count: NumChairs, ordinal: chair_no}
      tags: {list: Tags, separator: ";", value: tag}
      codes: {json: Codes, value: code}
`, src, tgt)
}

// TestExpandCountListAndJSON expands a count, a list and a JSON array into
// child tables and checks each child row against the source row it comes
// from: how many, their ordinals and values, their parent and their ids.
func TestExpandCountListAndJSON(t *testing.T) {
	t.Parallel()
	src := newSQLite(t, "clinics", clinicsScript)
	e := newEnv(t, expandYAML(src, sluicetest.NewPostgresDB(t)))
	sum := e.mustRun(t, migrate.Options{Verify: allLevels})
	want := expectedChildren(t, e.plan.Namespace, src)
	queries := map[string]string{
		"chairs": `SELECT c.id::text, p.legacy_id::text, c.chair_no::text, '' FROM public.chairs c JOIN public.clinics p ON p.id = c.clinics_id`,
		"tags":   `SELECT c.id::text, p.legacy_id::text, c.ordinal::text, c.tag FROM public.tags c JOIN public.clinics p ON p.id = c.clinics_id`,
		"codes":  `SELECT c.id::text, p.legacy_id::text, c.ordinal::text, coalesce(c.code, '<NULL>') FROM public.codes c JOIN public.clinics p ON p.id = c.clinics_id`,
	}
	for child, q := range queries {
		got := e.rows(t, q)
		sameSet(t, child, got, want[child])
		if n := e.int64(t, "SELECT count(*) FROM public."+child); n != int64(len(want[child])) {
			t.Errorf("%s holds %d rows, %d of them join their parent; want %d", child, n, len(got), len(want[child]))
		}
		r := result(t, sum, "src.Clinics#"+child)
		if r.Read != 7 || r.Loaded != int64(len(want[child])) || r.Rejected != 0 {
			t.Errorf("%s: %s, loaded %d; want 7 read and %d loaded", child, counts(r), r.Loaded, len(want[child]))
		}
	}
	verifyClean(t, e)

	again := newEnv(t, expandYAML(src, sluicetest.NewPostgresDB(t)))
	again.mustRun(t, migrate.Options{})
	for child, q := range queries {
		sameSet(t, child+" on a fresh target", again.rows(t, q), e.rows(t, q))
	}
	checkMissingChildFound(t, e)
}

// expectedChildren reads the parent rows and expands them as the config
// documents: a count makes that many rows (none for NULL or 0); a list is
// split on the separator, each element trimmed, empty ones skipped; a JSON
// array gives its elements, strings unquoted, null as NULL, others as
// compact JSON. Each child row: its id (the key function over the parent
// key and the ordinal), the parent's legacy key, the ordinal, the element.
func expectedChildren(t *testing.T, ns uuid.UUID, src string) map[string][]string {
	t.Helper()
	want := map[string][]string{}
	add := func(child string, id int64, elems []string) {
		for i, v := range elems {
			key := keyUUID(t, ns, "src", "Clinics#"+child, id, int64(i+1))
			want[child] = append(want[child], fmt.Sprintf("%s|%d|%d|%s", key, id, i+1, v))
		}
	}
	for _, r := range sourceRows(t, src, "SELECT Id, NumChairs, Tags, Codes FROM Clinics") {
		f := strings.Split(r, "|")
		id := atoi(t, f[0])
		add("chairs", id, make([]string, countOf(t, f[1])))
		add("tags", id, listOf(f[2]))
		add("codes", id, arrayOf(t, f[3]))
	}
	return want
}

func countOf(t *testing.T, s string) int {
	if s == "<NULL>" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("count %q: %v", s, err)
	}
	return n
}

func listOf(s string) []string {
	var out []string
	if s == "<NULL>" {
		return nil
	}
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func arrayOf(t *testing.T, s string) []string {
	if s == "<NULL>" {
		return nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		t.Fatalf("array %q: %v", s, err)
	}
	out := make([]string, len(raw))
	for i, e := range raw {
		var str string
		switch {
		case string(e) == "null":
			out[i] = "<NULL>"
		case json.Unmarshal(e, &str) == nil:
			out[i] = str
		default:
			var b bytes.Buffer
			_ = json.Compact(&b, e)
			out[i] = b.String()
		}
	}
	return out
}

// checkMissingChildFound deletes one child row: verify, which knows how many
// rows each source row makes, must notice.
func checkMissingChildFound(t *testing.T, e *env) {
	t.Helper()
	e.exec(t, `DELETE FROM public.tags WHERE ordinal = 2 AND clinics_id = (SELECT id FROM public.clinics WHERE legacy_id = 7)`)
	report, err := verify.All(context.Background(), e.plan, e.srcs, e.tgt, verify.Options{Levels: allLevels})
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	for _, tr := range report.Tables {
		if (tr.ID == "src.Clinics#tags") != (tr.FindingCount() > 0) {
			t.Errorf("verify after deleting a tag: %s has %d findings", tr.ID, tr.FindingCount())
		}
	}
}
