package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/sluicetest"
)

const indexSchema = `
CREATE TABLE Docs (
  DocID int PRIMARY KEY,
  Code varchar(20) NOT NULL,
  Title varchar(100) NOT NULL,
  Body longtext,
  KEY ix_title (Title),
  KEY ix_code (Code)
);
INSERT INTO Docs
  SELECT seq, CONCAT('c', seq), CONCAT('doc ', seq),
    (SELECT GROUP_CONCAT(SHA2(CONCAT(s.seq, '-', d.seq), 256) SEPARATOR ' ') FROM seq_1_to_400 s)
  FROM seq_1_to_5 d;
CREATE TABLE Tags (TagID int PRIMARY KEY, Name varchar(20) NOT NULL);
INSERT INTO Tags VALUES (1, 'a'), (2, 'b');
`

func indexConfig(src, dst, rules string) string {
	return fmt.Sprintf(`version: 1
sources:
  shop: {url: %q}
target: {url: %q}
tables:
  shop.Docs:
    indexes:
      ix_title: {drop: true}
      ix_code: {columns: [code, title], unique: true}
%s`, src, dst, rules)
}

// The config drops one index and redefines another; an index the target
// cannot build (a B-tree over text longer than an index entry holds) fails
// alone, with the reason, and exit code 6: every table loads and the other
// indexes are built. Once the rule is gone, a rerun succeeds and the
// failure is forgotten.
func TestIndexFailureIsIsolated(t *testing.T) {
	t.Parallel()
	src := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, src, indexSchema)
	dst := sluicetest.NewPostgresDB(t)
	dir := t.TempDir()
	in := invocation{dir: dir}
	writeFile(t, dir, "sluice.yaml", indexConfig(src, dst, "      ix_body: {columns: [body]}\n"))
	r := in.run(t, "migrate", "--progress", "none")
	wantCode(t, r, 6)
	if !strings.Contains(r.stdout, "not created (1;") || !strings.Contains(r.stdout, "index public.ix_body of shop.Docs: ERROR: index row requires") ||
		!strings.Contains(r.stdout, "index row") {
		t.Errorf("the summary does not report the failed index with its reason:\n%s", r)
	}
	conn := pgConn(t, dst)
	if n := pgInt(t, conn, "SELECT count(*) FROM docs") + pgInt(t, conn, "SELECT count(*) FROM tags"); n != 7 {
		t.Errorf("%d rows loaded, want 7", n)
	}
	want := []string{
		"docs_code_title_key | CREATE UNIQUE INDEX docs_code_title_key ON public.docs USING btree (code, title)",
		"docs_pkey | CREATE UNIQUE INDEX docs_pkey ON public.docs USING btree (doc_id)",
	}
	if got := pgRows(t, conn, "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'docs' ORDER BY 1"); !slices.Equal(got, want) {
		t.Errorf("indexes of docs:\n got %q\nwant %q", got, want)
	}
	st := in.run(t, "status")
	wantCode(t, st, 0)
	if !strings.Contains(st.stdout, "ix_body of shop.Docs: ERROR: index row") {
		t.Errorf("status does not show the failed index:\n%s", st.stdout)
	}
	writeFile(t, dir, "sluice.yaml", indexConfig(src, dst, "      ix_body: {drop: true}\n"))
	wantCode(t, in.run(t, "plan"), 2) // ix_body names no source index
	writeFile(t, dir, "sluice.yaml", indexConfig(src, dst, "      ix_hash: {columns: [body], method: hash}\n"))
	again := in.run(t, "migrate", "--progress", "none")
	wantCode(t, again, 0)
	if n := pgInt(t, conn, "SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_hash' AND indexdef LIKE '%USING hash (body)'"); n != 1 {
		t.Errorf("the index added on a rerun of a finished table is missing")
	}
	if g := pgInt(t, conn, "SELECT generation FROM sluice.tables WHERE id = 'shop.Docs'"); g != 1 {
		t.Errorf("changing the indexes reloaded the table (generation %d)", g)
	}
	if n := pgInt(t, conn, "SELECT count(*) FROM sluice.object_failures"); n != 0 {
		t.Errorf("%d failures still recorded after the index left the config", n)
	}
}
