package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice/sluicetest"
)

// Two sources feed patients merged on mrn; visits of the first, and the
// tags its patients expand into, reference its patients (resolved to the
// matched row). Under sync, each source inserts matching rows, updates on
// both sides, deletes a row the other source still has, deletes the
// preferred row of an entity, and changes a match key; after sync
// --catch-up the target must equal, value for value and conflict for
// conflict, a fresh migrate of the sources as they are into another
// database, and verify is clean. Once per conflict rule.
func TestSyncMatchedPrefer(t *testing.T) { testSyncMatched(t, "prefer: [two, one]", "postgres") }

func TestSyncMatchedLatest(t *testing.T) { testSyncMatched(t, "latest: updated", "postgres") }

func TestSyncMatchedManual(t *testing.T) { testSyncMatched(t, "manual: true", "postgres") }

// The second source a MariaDB database, its changes read from the binlog.
func TestSyncMatchedLatestMariaDB(t *testing.T) { testSyncMatched(t, "latest: updated", "mariadb") }

const (
	matchedOne = `CREATE TABLE patients (id int PRIMARY KEY, mrn text NOT NULL, name text, phone text, updated timestamptz, tags text);
		CREATE TABLE visits (id int PRIMARY KEY, patient_id int REFERENCES patients, note text);
		INSERT INTO patients VALUES (1, 'M1', 'Ann', '111', '2024-01-01', 'a'), (2, 'M2', 'Bo', '222', '2024-01-01', 'b,c'),
			(3, 'M3', 'Cy', '333', '2024-03-01', NULL), (7, 'M7', 'Fay O', '770', '2024-01-01', 'd');
		INSERT INTO visits VALUES (1, 1, 'a'), (2, 3, 'b'), (4, 7, 'd'), (5, 2, 'e')`
	matchedTwo = `CREATE TABLE patient (id int PRIMARY KEY, mrn text NOT NULL, name text, phone text, fax text, updated timestamptz);
		INSERT INTO patient VALUES (10, 'M1', 'Ann L', '999', 'f10', '2024-02-01'), (30, 'M3', 'Cy', '333', NULL, '2024-01-01'),
			(40, 'M4', 'Di', '444', 'f40', '2024-01-01'), (60, 'M7', 'Fay', '777', 'f60', '2024-02-01')`
	// The changes, in order, each a transaction of one source.
	matchedChanges = `one: INSERT INTO patients VALUES (5, 'M5', 'Ed', '555', '2024-04-01', 'e,f'), (6, 'M4', 'Dee', '446', '2024-04-01', NULL)
two: UPDATE patient SET phone = '998', updated = '2024-05-01' WHERE id = 10
one: UPDATE patients SET phone = '112', updated = '2024-06-01', tags = 'a,g' WHERE id = 1
two: INSERT INTO patient VALUES (50, 'M5', 'Ed W', '550', 'f50', '2024-01-01')
one: DELETE FROM visits WHERE id = 2; DELETE FROM patients WHERE id = 3
two: DELETE FROM patient WHERE id = 60
one: UPDATE patients SET mrn = 'M6' WHERE id = 2
two: UPDATE patient SET mrn = 'M2', name = 'Di B' WHERE id = 40
one: INSERT INTO visits VALUES (3, 6, 'c'); UPDATE visits SET patient_id = 5 WHERE id = 1`
)

func testSyncMatched(t *testing.T, rule, engine string) {
	one := sluicetest.NewPostgresDB(t)
	sluicetest.ExecPostgres(t, one, matchedOne)
	two, exec := sluicetest.NewPostgresDB, sluicetest.ExecPostgres
	if engine == "mariadb" {
		two, exec = sluicetest.NewMySQLDB, sluicetest.ExecMySQL
	}
	twoURL := two(t)
	exec(t, twoURL, strings.ReplaceAll(matchedTwo, "timestamptz", map[string]string{"postgres": "timestamptz", "mariadb": "datetime"}[engine]))
	synced, fresh := sluicetest.NewPostgresDB(t), sluicetest.NewPostgresDB(t)
	in, again := invocation{dir: t.TempDir()}, invocation{dir: t.TempDir()}
	writeFile(t, in.dir, "sluice.yaml", matchedConfig(one, twoURL, synced, rule))
	writeFile(t, again.dir, "sluice.yaml", matchedConfig(one, twoURL, fresh, rule))

	wantCode(t, in.run(t, "sync", "--catch-up", "--progress", "none"), 0)
	t.Cleanup(func() { in.run(t, "sync", "--drop-slot") })
	for _, line := range strings.Split(matchedChanges, "\n") {
		src, stmt, _ := strings.Cut(line, ": ")
		if src == "one" {
			sluicetest.ExecPostgres(t, one, stmt)
		} else {
			exec(t, twoURL, stmt)
		}
	}
	wantCode(t, in.run(t, "sync", "--catch-up", "--progress", "none"), 0)
	wantCode(t, again.run(t, "migrate", "--progress", "none"), 0)

	got, want := pgConn(t, synced), pgConn(t, fresh)
	for _, q := range []string{
		"SELECT p::text FROM patients AS p",
		"SELECT v::text FROM visits AS v",
		"SELECT x::text FROM patient_tags AS x",
		`SELECT concat_ws(' ', entity, column_name, owner_source, owner_key, owner_value, other_source, other_key, other_value, status)
			FROM sluice.conflicts`,
		"SELECT concat_ws(' ', legacy_uuid, table_id, legacy_key, entity, row_values) FROM sluice.legacy_keys",
	} {
		g, w := sortedRows(t, got, q), sortedRows(t, want, q)
		if !slices.Equal(g, w) {
			t.Errorf("%s: synced and fresh differ:\n%s", q, firstDiff(g, w))
		}
	}
	if n := pgInt(t, got, "SELECT count(*) FROM patient_tags"); n != 7 {
		t.Errorf("patient_tags holds %d rows, want 7", n)
	}
	if n := pgInt(t, got, `SELECT count(*) FROM visits AS v JOIN patients AS p ON p.id = v.patient_id
		WHERE (v.legacy_id, p.mrn) IN ((1, 'M5'), (3, 'M4'), (4, 'M7'), (5, 'M6'))`); n != 4 {
		t.Errorf("%d visits reference the matched rows they should, want 4", n)
	}
	if n := pgInt(t, got, "SELECT count(*) FROM sluice.stream_stops"); n != 0 {
		t.Errorf("%d tables stopped, want none", n)
	}
	if n := pgInt(t, got, "SELECT count(*) FROM sluice.streams WHERE changes > 0"); n != 2 {
		t.Errorf("%d sources' streams applied changes, want both", n)
	}
	if n := pgInt(t, got, "SELECT count(*) FROM sluice.rejects"); n != 0 {
		t.Errorf("%d rejects, want none: %s", n, pgRows(t, got, "SELECT table_id, row_key, reason FROM sluice.rejects"))
	}
	wantCode(t, in.run(t, "verify"), 0)
}

func matchedConfig(one, two, tgt, rule string) string {
	return fmt.Sprintf(`version: 1
sources:
  one:
    url: %s
  two:
    url: %s
target:
  url: %s
defaults:
  keys: uuid
tables:
  one.patients:
    expand:
      patient_tags: {list: tags}
  patients:
    from: [one.patients, two.patient]
    match_on: [mrn]
    %s
`, one, two, tgt, rule)
}

// newMatched makes the two PostgreSQL sources (the first with extra
// statements run after its fixture), a target and a config with rule.
func newMatched(t *testing.T, rule, extra string) (one, two, tgt string, in invocation) {
	t.Helper()
	one, two, tgt = sluicetest.NewPostgresDB(t), sluicetest.NewPostgresDB(t), sluicetest.NewPostgresDB(t)
	sluicetest.ExecPostgres(t, one, matchedOne+";"+extra)
	sluicetest.ExecPostgres(t, two, matchedTwo)
	in = invocation{dir: t.TempDir()}
	writeFile(t, in.dir, "sluice.yaml", matchedConfig(one, two, tgt, rule))
	return one, two, tgt, in
}

func sortedRows(t *testing.T, conn *pgx.Conn, q string) []string {
	t.Helper()
	out := pgRows(t, conn, q)
	slices.Sort(out)
	return out
}

// Rows of a matched table copied without their values (by a sluice from
// before the state kept them) cannot be rebuilt: a rerun of migrate records
// them again; a sync that finds them stops the table and says why.
func TestSyncMatchedUnrecorded(t *testing.T) {
	_, _, tgt, in := newMatched(t, "prefer: [two, one]", "")
	wantCode(t, in.run(t, "migrate", "--progress", "none"), 0)
	conn := pgConn(t, tgt)
	unrecorded := "SELECT count(*) FROM sluice.legacy_keys WHERE row_values IS NULL"
	sluicetest.ExecPostgres(t, tgt, "UPDATE sluice.legacy_keys SET row_values = NULL WHERE table_id = 'two.patient'")
	wantCode(t, in.run(t, "migrate", "--progress", "none"), 0)
	if n := pgInt(t, conn, unrecorded); n != 0 {
		t.Errorf("a rerun of migrate left %d matched rows without their values", n)
	}

	wantCode(t, in.run(t, "sync", "--catch-up", "--progress", "none"), 0)
	t.Cleanup(func() { in.run(t, "sync", "--drop-slot") })
	sluicetest.ExecPostgres(t, tgt, "UPDATE sluice.legacy_keys SET row_values = NULL WHERE table_id = 'two.patient'")
	wantCode(t, in.run(t, "sync", "--catch-up", "--progress", "none"), 0)
	st := in.run(t, "status")
	wantCode(t, st, 0)
	for _, id := range []string{"one.patients", "two.patient"} {
		if !strings.Contains(st.stdout, id+": stream stopped: rows of patients were copied by an earlier sluice") {
			t.Errorf("status does not say why %s is not streamed:\n%s", id, st.stdout)
		}
	}
}

// A manual conflict resolved while sync runs stays resolved through changes
// that leave its two values alone (the rebuilt row gets the resolved value
// again), and opens again when the other source changes its value.
func TestSyncMatchedResolution(t *testing.T) {
	one, two, tgt, in := newMatched(t, "manual: true", "")
	wantCode(t, in.run(t, "sync", "--catch-up", "--progress", "none"), 0)
	t.Cleanup(func() { in.run(t, "sync", "--drop-slot") })
	conn := pgConn(t, tgt)
	phone := func() string {
		return strings.Join(pgRows(t, conn, "SELECT phone FROM patients WHERE mrn = 'M1'"), ",")
	}
	var id int64
	for _, c := range listConflictsJSON(t, in, "open") {
		if c.Column == "phone" && c.OwnerKey == "1" {
			id = c.ID
		}
	}
	if id == 0 {
		t.Fatal("no open conflict on M1's phone")
	}
	wantCode(t, in.run(t, "conflicts", "resolve", fmt.Sprint(id), "--take", "other", "--by", "tester"), 0)

	sluicetest.ExecPostgres(t, one, "UPDATE patients SET name = 'Anna' WHERE id = 1")
	wantCode(t, in.run(t, "sync", "--catch-up", "--progress", "none"), 0)
	if p := phone(); p != "999" {
		t.Errorf("M1's phone is %s after a change of its name, want the resolution's 999", p)
	}
	status := "SELECT status FROM sluice.conflicts WHERE conflict_id = $1"
	if s := pgRows(t, conn, status, id); len(s) != 1 || s[0] != "resolved" {
		t.Errorf("the conflict is %v after a change of another column, want resolved", s)
	}

	sluicetest.ExecPostgres(t, two, "UPDATE patient SET phone = '998' WHERE id = 10")
	wantCode(t, in.run(t, "sync", "--catch-up", "--progress", "none"), 0)
	if p := phone(); p != "111" {
		t.Errorf("M1's phone is %s after the other source changed its value, want the owner's 111", p)
	}
	if s := pgRows(t, conn, status, id); len(s) != 1 || s[0] != "open" {
		t.Errorf("the conflict is %v after the other source changed its value, want open again", s)
	}
}

// Two rows of one source matched to one row, one of them referenced: when
// the referenced one moves to another matched row, the references cannot be
// told from the other row's; they stay, each case a reject of the
// referencing table saying why, and the stream goes on.
func TestSyncMatchedReferencesStuck(t *testing.T) {
	one, _, tgt, in := newMatched(t, "prefer: [one, two]", `INSERT INTO patients VALUES (8, 'M8', 'Gil', '888', NULL, NULL),
		(9, 'M8', 'Gil', '889', NULL, NULL); INSERT INTO visits VALUES (9, 9, 'g')`)
	wantCode(t, in.run(t, "sync", "--catch-up", "--progress", "none"), 0)
	t.Cleanup(func() { in.run(t, "sync", "--drop-slot") })
	sluicetest.ExecPostgres(t, one, "UPDATE patients SET mrn = 'M9' WHERE id = 9")
	wantCode(t, in.run(t, "sync", "--catch-up", "--progress", "none"), 0)
	conn := pgConn(t, tgt)
	got := pgRows(t, conn, "SELECT table_id, row_key, reason FROM sluice.rejects")
	if len(got) != 1 || !strings.HasPrefix(got[0], "one.visits | 9 | row 9 of one.patients moved to another matched row") {
		t.Errorf("rejects %v, want one of one.visits for the moved row 9", got)
	}
	if n := pgInt(t, conn, "SELECT count(*) FROM patients WHERE mrn IN ('M8', 'M9')"); n != 2 {
		t.Errorf("%d matched rows for M8 and M9, want 2", n)
	}
}
