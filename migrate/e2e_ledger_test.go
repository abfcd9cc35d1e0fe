package migrate_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/sluicedb/sluice/plan"
)

// checkLedger proves the chunk ledger of a table's current generation has
// no duplicate and no gap: chunks 1..n, each starting after the key its
// predecessor ended on, and their rows add up to the source's rows.
func checkLedger(t *testing.T, e *env, tableID string, sourceRows int64) {
	t.Helper()
	gen := e.int64(t, "SELECT generation FROM sluice.tables WHERE id = $1", tableID)
	rows, err := e.db.Query(context.Background(), `SELECT chunk_no, coalesce(after_key, ''), coalesce(last_key, ''), rows_read
		FROM sluice.chunks WHERE table_id = $1 AND generation = $2 ORDER BY chunk_no`, tableID, gen)
	if err != nil {
		t.Fatalf("read the ledger of %s: %v", tableID, err)
	}
	defer rows.Close()
	var no, read, total int64
	var after, last, prevLast string
	for i := int64(1); rows.Next(); i++ {
		if err := rows.Scan(&no, &after, &last, &read); err != nil {
			t.Fatalf("read the ledger of %s: %v", tableID, err)
		}
		if no != i || after != prevLast {
			t.Errorf("%s: ledger chunk %d (after %q) follows chunk %d (last %q)", tableID, no, after, i-1, prevLast)
		}
		prevLast, total = last, total+read
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read the ledger of %s: %v", tableID, err)
	}
	if no == 0 || total != sourceRows {
		t.Errorf("%s: %d chunks read %d rows, the source holds %d", tableID, no, total, sourceRows)
	}
}

// fingerprint is an md5 over a target table's rows in a fixed order: two
// targets with equal fingerprints hold the same rows.
func fingerprint(t *testing.T, e *env, pt *plan.Table) string {
	t.Helper()
	q := fmt.Sprintf(`SELECT count(*) || ':' || md5(coalesce(string_agg(x::text, E'\n' ORDER BY x::text), '')) FROM %s.%s x`,
		plan.QuoteIdent(e.plan.Schema), plan.QuoteIdent(pt.Name))
	return e.text(t, q)
}

// fingerprints are the fingerprints of every planned table, by name.
func fingerprints(t *testing.T, e *env) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, pt := range e.plan.Tables {
		m[pt.Name] = fingerprint(t, e, pt)
	}
	return m
}

// sameContent fails when two targets' tables differ.
func sameContent(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s: %s is %s, want %s", what, name, got[name], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d tables, want %d", what, len(got), len(want))
	}
}
