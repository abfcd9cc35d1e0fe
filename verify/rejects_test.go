package verify_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/verify"
)

// itemsSQL plants rows the mapping rejects (a flag of 2, a code too long for
// varchar(3), a zero date) and a row the filter leaves out (id 7).
const itemsSQL = `SET SESSION sql_mode = '';
CREATE TABLE items (id int PRIMARY KEY, active tinyint(1) NOT NULL, code varchar(10), born date);
INSERT INTO items VALUES
  (1, 1, 'abc', '2020-01-01'), (2, 2, 'abc', '2020-01-02'), (3, 0, 'ab', '2020-01-03'),
  (4, 0, 'abcdef', '2020-01-04'), (5, 1, NULL, NULL), (6, 0, 'xyz', '0000-00-00'), (7, 1, 'q', '1999-12-31');`

func items(t *testing.T) *env {
	t.Helper()
	src := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, src, itemsSQL)
	return migrated(t, fmt.Sprintf(`version: 1
sources:
  legacy: {url: %q}
target: {url: %q}
defaults: {keys: uuid, chunk_rows: 2}
tables:
  legacy.items:
    where: "id <> 7"
    columns:
      code: {type: varchar(3)}
`, src, sluicetest.NewPostgresDB(t)), migrate.Options{MaxRejects: 3})
}

// TestRejectsAndFilterAccountedFor: rows the mapping rejects and rows the
// filter leaves out are accounted for, not findings; a reject that
// sluice.rejects lost is found at levels 1 and 6 with its key, column and
// value.
func TestRejectsAndFilterAccountedFor(t *testing.T) {
	t.Parallel()
	e := items(t)
	r := e.verifyAll(t)
	if !r.OK() {
		t.Fatalf("a migration with rejects and a filter has findings:\n%s", text(t, r))
	}
	if d := r.Tables[0].Levels[verify.LevelCounts].Detail; d != "source 7 = loaded 3 + rejected 3 + filtered 1" {
		t.Errorf("level 1: %q", d)
	}
	if _, err := e.db.Exec(context.Background(), `DELETE FROM sluice.rejects WHERE row_key = '4'`); err != nil {
		t.Fatal(err)
	}
	r = e.verifyAll(t)
	onlyLevels(t, r, verify.LevelCounts, verify.LevelContent)
	has(t, r, verify.Finding{Level: 1, Check: "counts", Table: "legacy.items", SourceValue: "7", TargetValue: "6"})
	has(t, r, verify.Finding{Level: 6, Check: "unrecorded reject", Table: "legacy.items", LegacyKey: "4", Column: "code", SourceValue: "abcdef"})
}

// TestLevelsAlone: level 5 alone reads only the keys and still finds a
// forged UUID; level 6 alone reports it as a value, not as a level 5
// finding; levels 1 to 4 alone do not read rows.
func TestLevelsAlone(t *testing.T) {
	t.Parallel()
	e := items(t)
	const forged = "00000000-0000-4000-8000-000000000002"
	e.exec(t, `UPDATE items SET id = '`+forged+`' WHERE legacy_id = 3`)
	ctx := context.Background()
	for _, levels := range [][]int{{5}, {6}, {1, 2, 3, 4}} {
		r, err := verify.All(ctx, e.plan, e.srcs, e.tgt, verify.Options{Levels: levels})
		if err != nil {
			t.Fatal(err)
		}
		tr := r.Tables[0]
		if len(tr.Levels) != len(levels) {
			t.Errorf("levels %v: ran %d levels", levels, len(tr.Levels))
		}
		switch levels[0] {
		case 5:
			has(t, r, verify.Finding{Level: 5, Check: "wrong uuid", Table: "legacy.items", LegacyKey: "3", Key: forged,
				Column: "id", SourceValue: itemUUID(3), TargetValue: forged})
		case 6:
			has(t, r, verify.Finding{Level: 6, Check: "value", Table: "legacy.items", LegacyKey: "3", Key: forged,
				Column: "id", SourceValue: itemUUID(3), TargetValue: forged})
		}
		want := map[int]int{5: 1, 6: 1, 1: 0}[levels[0]]
		if r.Findings != want {
			t.Errorf("levels %v: %d findings, want %d\n%s", levels, r.Findings, want, text(t, r))
		}
	}
}
