package migrate_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/uuid"
	_ "modernc.org/sqlite" // to build SQLite sources for the merge tests

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/verify"
)

// allLevels are the verification levels the CLI's migrate checks by default.
var allLevels = []int{1, 2, 3, 4, 5, 6}

// newSQLite writes a SQLite database from a script into the test's
// temporary directory and returns its sqlite: URL.
func newSQLite(t *testing.T, name, script string) string {
	t.Helper()
	u := "sqlite:" + filepath.Join(t.TempDir(), name+".db")
	execSQLite(t, u, script)
	return u
}

// execSQLite runs a script on the SQLite database of a sqlite: URL: the
// source changing between runs.
func execSQLite(t *testing.T, u, script string) {
	t.Helper()
	db, err := sql.Open("sqlite", strings.TrimPrefix(u, "sqlite:"))
	if err != nil {
		t.Fatalf("open %s: %v", u, err)
	}
	defer db.Close()
	if _, err := db.Exec(script); err != nil {
		t.Fatalf("run a script on %s: %v\n%s", u, err, script)
	}
}

// sourceRows runs a query on a SQLite or MySQL source, for the facts a test
// computes from the source itself, and returns each row as its columns'
// text joined by "|" (NULL reads as <NULL>).
func sourceRows(t *testing.T, u, query string) []string {
	t.Helper()
	driver, dsn := "sqlite", strings.TrimPrefix(u, "sqlite:")
	if strings.HasPrefix(u, "mysql:") {
		driver, dsn = "mysql", sluicetest.MySQLDSN(t, u)
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", u, err)
	}
	defer db.Close()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatalf("%s on %s: %v", query, u, err)
	}
	defer rows.Close()
	return scanText(t, rows, query)
}

func scanText(t *testing.T, rows *sql.Rows, query string) []string {
	t.Helper()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		out = append(out, joinNull(vals))
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return out
}

func joinNull(vals []sql.NullString) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = "<NULL>"
		if v.Valid {
			parts[i] = v.String
		}
	}
	return strings.Join(parts, "|")
}

// rows runs a query on the target and returns each row as its columns' text
// joined by "|" (cast the columns to text in the query; NULL is <NULL>).
func (e *env) rows(t *testing.T, query string, args ...any) []string {
	t.Helper()
	rs, err := e.db.Query(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		vals, err := rs.Values()
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = "<NULL>"
			if v != nil {
				parts[i] = fmt.Sprint(v)
			}
		}
		out = append(out, strings.Join(parts, "|"))
	}
	if err := rs.Err(); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return out
}

// exec runs a statement on the target (the application writing to it).
func (e *env) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	if _, err := e.db.Exec(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// sameSet fails unless got and want hold the same rows, in any order.
func sameSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	g, w := sorted(got), sorted(want)
	if strings.Join(g, "\n") == strings.Join(w, "\n") {
		return
	}
	gs, ws := toSet(g), toSet(w)
	var missing, extra []string
	for _, r := range w {
		if !gs[r] {
			missing = append(missing, r)
		}
	}
	for _, r := range g {
		if !ws[r] {
			extra = append(extra, r)
		}
	}
	t.Errorf("%s: %d rows, want %d; missing %s; unexpected %s", what, len(g), len(w), firstFew(missing), firstFew(extra))
}

func sorted(s []string) []string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return c
}

func toSet(s []string) map[string]bool {
	m := make(map[string]bool, len(s))
	for _, v := range s {
		m[v] = true
	}
	return m
}

func firstFew(s []string) string {
	if len(s) > 5 {
		return fmt.Sprintf("%q and %d more", s[:5], len(s)-5)
	}
	return fmt.Sprintf("%q", s)
}

// keyUUID is the identity the key function gives a source row or a natural
// key, computed here from the values, not read from the target.
func keyUUID(t *testing.T, ns uuid.UUID, source, table string, key ...any) string {
	t.Helper()
	u, ok := sluice.KeyUUID(ns, source, table, key)
	if !ok {
		t.Fatalf("no key uuid for %s.%s %v", source, table, key)
	}
	return u.String()
}

// result returns the summary's result for a table ID.
func result(t *testing.T, sum *migrate.Summary, id string) migrate.TableResult {
	t.Helper()
	for _, r := range sum.Tables {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("the summary has no table %s: %+v", id, sum.Tables)
	return migrate.TableResult{}
}

// counts is a table result's merge counts, for compact comparisons.
func counts(r migrate.TableResult) string {
	return fmt.Sprintf("read %d inserted %d updated %d unchanged %d deleted %d rejected %d",
		r.Read, r.Inserted, r.Updated, r.Unchanged, r.Deleted, r.Rejected)
}

// verifyClean runs every verification level on the env's target as `sluice
// verify` does and fails the test on any finding.
func verifyClean(t *testing.T, e *env) {
	t.Helper()
	report, err := verify.All(context.Background(), e.plan, e.srcs, e.tgt, verify.Options{Levels: allLevels})
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if !report.OK() {
		var b strings.Builder
		_ = report.WriteText(&b)
		t.Errorf("verify found %d problems:\n%s", report.Findings, b.String())
	}
}

// xmins maps each row's id to its xmin: a row that was rewritten has a new one.
func (e *env) xmins(t *testing.T, table, key string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, r := range e.rows(t, fmt.Sprintf("SELECT %s::text, xmin::text FROM public.%s", key, table)) {
		k, x, _ := strings.Cut(r, "|")
		m[k] = x
	}
	return m
}
