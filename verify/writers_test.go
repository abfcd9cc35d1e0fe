package verify

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"flag"
	"github.com/sluicedb/sluice/target"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sluicedb/sluice/sluicetest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// fixedReport has a table with findings at two levels (one of them with a
// finding past MaxFindings), a table with levels that do not apply or were
// skipped, and values that need quoting or escaping.
func fixedReport() *Report {
	started := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	return &Report{
		Started: started, Finished: started.Add(1500 * time.Millisecond), Findings: 4,
		Tables: []TableReport{
			{ID: "shop.Customers", Target: "customers", Elapsed: 1200 * time.Millisecond,
				Levels: map[int]LevelResult{
					1: {Status: StatusOK, Checked: 6, Detail: "source 6 = loaded 6 + rejected 0 + filtered 0", Elapsed: 10 * time.Millisecond},
					2: {Status: StatusOK, Detail: "enforced by NOT NULL and a unique index"},
					3: {Status: StatusNotApplicable, Detail: "the table has no foreign keys"},
					4: {Status: StatusOK, Checked: 10, Detail: "10 columns"},
					5: {Status: StatusFailed, Findings: 1, Checked: 6, Detail: "6 legacy keys and their UUIDs", Elapsed: 800 * time.Millisecond},
					6: {Status: StatusFailed, Findings: 3, Checked: 6, Detail: "6 rows in 3 chunks compared value by value; 0 rejected by the mapping", Elapsed: 800 * time.Millisecond},
				},
				Findings: []Finding{
					{Level: 5, Check: "wrong uuid", Table: "shop.Customers", LegacyKey: "5", Key: "00000000-0000-4000-8000-000000000001",
						Column: "customer_id", SourceValue: "a0b1c2d3-0000-5000-8000-000000000005", TargetValue: "00000000-0000-4000-8000-000000000001",
						Detail: "the row's UUID is not the one the key function gives its legacy key"},
					{Level: 6, Check: "value", Table: "shop.Customers", LegacyKey: "2", Key: "4cf2e7d4-6de4-5052-8fe0-24f0103a8099",
						Column: "name", SourceValue: "O'Brien <\"q\">\ttab & more\n", TargetValue: "O'Brien"},
					{Level: 6, Check: "missing row", Table: "shop.Customers", LegacyKey: "6", Key: "a0b1c2d3-0000-5000-8000-000000000006",
						Detail: "the source row is neither in the target nor in sluice.rejects"},
				}},
			{ID: "shop.Tags", Target: "tags", Elapsed: 50 * time.Millisecond,
				Counts: &Counts{Source: 5, Loaded: 4, Rejected: 1}, Kept: 2,
				Levels: map[int]LevelResult{
					1: {Status: StatusOK, Checked: 5, Detail: "source 5 = loaded 4 + rejected 1 + filtered 0; 2 rows kept whose source row is gone"},
					2: {Status: StatusNotApplicable, Detail: "the table has no primary key"},
					4: {Status: StatusOK, Checked: 2, Detail: "2 columns"},
					6: {Status: StatusSkipped, Detail: "columns missing from the target (see level 4): weight"},
				}},
		},
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s (run with -update to create it): %v", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestWriteText(t *testing.T) {
	var b bytes.Buffer
	if err := fixedReport().WriteText(&b); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.txt", b.Bytes())
}

func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	if err := fixedReport().WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.json", b.Bytes())
	var back struct {
		OK       bool `json:"ok"`
		Findings int  `json:"findings"`
		Tables   []struct {
			Findings []Finding `json:"findings"`
		} `json:"tables"`
	}
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.OK || back.Findings != 4 || back.Tables[0].Findings[1] != fixedReport().Tables[0].Findings[1] {
		t.Errorf("the JSON does not read back: %+v", back)
	}
}

// TestWriteJUnit: golden, and well-formed XML whose counts a CI server
// would show: 10 test cases, 2 failed, 3 skipped.
func TestWriteJUnit(t *testing.T) {
	var b bytes.Buffer
	if err := fixedReport().WriteJUnit(&b); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.xml", b.Bytes())
	var back junitSuites
	if err := xml.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatalf("the JUnit XML does not parse: %v", err)
	}
	if back.Tests != 10 || back.Failures != 2 || back.Skipped != 3 || len(back.Suites) != 2 {
		t.Errorf("tests %d, failures %d, skipped %d, suites %d", back.Tests, back.Failures, back.Skipped, len(back.Suites))
	}
	if f := back.Suites[0].Cases[5].Failures; len(f) != 3 || f[0].Text != fixedReport().Tables[0].Findings[1].line() {
		t.Errorf("level 6 failures: %+v", f)
	}
}

// TestStore: the results land in sluice.verify_results, a row per table
// and level, with the run, the time, the status and the kept findings.
func TestStore(t *testing.T) {
	ctx := context.Background()
	db, err := pgxpool.New(ctx, sluicetest.NewPostgresDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tgt, err := target.Open(ctx, db.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	defer tgt.Close()
	if err := tgt.EnsureState(ctx); err != nil {
		t.Fatal(err)
	}
	r := fixedReport()
	if err := Store(ctx, tgt, 42, r); err != nil {
		t.Fatal(err)
	}
	var n, failed int
	var at time.Time
	var name string
	err = db.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE status = 'failed'), max(at),
		max(details->'findings'->0->>'source_value') FILTER (WHERE level = 6)
		FROM sluice.verify_results WHERE run_id = 42`).Scan(&n, &failed, &at, &name)
	if err != nil {
		t.Fatal(err)
	}
	if n != 10 || failed != 2 || !at.Equal(r.Finished) || name != r.Tables[0].Findings[1].SourceValue {
		t.Errorf("stored %d rows, %d failed, at %s, level 6 finding %q", n, failed, at, name)
	}
}
