package target

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// patients is a table merged from east (which has phones) and west (which
// has emails) on the natural key mrn.
const patientsDDL = `CREATE TABLE patients (id uuid PRIMARY KEY, source text NOT NULL, legacy_key text NOT NULL,
	mrn text NOT NULL, name text, phone text, email text, updated_at timestamptz, sluice_row_hash bytea,
	UNIQUE (source, legacy_key))`

var patientColumns = []string{"id", "source", "legacy_key", "mrn", "name", "phone", "email", "updated_at", "sluice_row_hash"}

var testNamespace = uuid.MustParse("6ba7b811-9dad-11d1-80b4-00c04fd430c8")

func legacyUUID(source, key string) uuid.UUID {
	return uuid.NewSHA1(testNamespace, []byte(source+".Patients:"+key))
}

func entityUUID(mrn string) uuid.UUID {
	return uuid.NewSHA1(testNamespace, []byte("match.patients:"+mrn))
}

// pt is one source row of patients.
type pt struct {
	source, legacy, mrn, name, phone, email string
	updated                                 time.Time
}

func patient(source, legacy, mrn, name, phone, email string) pt {
	return pt{source: source, legacy: legacy, mrn: mrn, name: name, phone: phone, email: email}
}

func (p pt) at(day int) pt {
	p.updated = time.Date(2024, 1, day, 0, 0, 0, 0, time.UTC)
	return p
}

func (p pt) row() []any {
	null := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	var updated any
	if !p.updated.IsZero() {
		updated = p.updated
	}
	vals := []any{[16]byte(entityUUID(p.mrn)), p.source, p.legacy, p.mrn, p.name, null(p.phone), null(p.email), updated}
	return append(vals, rowHash(vals...))
}

// specFor returns the merge spec of a source's part under a conflict rule.
type specFor func(source string) *MergeSpec

func matchSpec(latest string, manual bool) specFor {
	return func(source string) *MergeSpec {
		provided := map[string][]string{"east": {"mrn", "name", "phone", "updated_at"}, "west": {"mrn", "name", "email", "updated_at"}}
		return &MergeSpec{Mode: MergeUpsert, Key: []string{"id"}, HashColumn: "sluice_row_hash",
			SourceColumn: "source", Source: source, TrackSeen: true,
			Match: &MatchSpec{LegacyColumn: "legacy_key", Rank: []string{"east", "west"}, Latest: latest, Manual: manual,
				Provided: provided[source],
				Providers: map[string][]string{"mrn": {"east", "west"}, "name": {"east", "west"},
					"phone": {"east"}, "email": {"west"}, "updated_at": {"east", "west"}}}}
	}
}

func preferSpec() specFor { return matchSpec("", false) }
func latestSpec() specFor { return matchSpec("updated_at", false) }
func manualSpec() specFor { return matchSpec("", true) }

// loadPatients loads rows as chunk 1 of the source's part in generation gen.
func loadPatients(t testing.TB, tg *Target, source string, gen int, spec specFor, rows ...pt) ChunkResult {
	t.Helper()
	id := source + ".Patients"
	beginGeneration(t, tg, id, "patients", gen)
	c := ChunkLoad{TableID: id, Generation: gen, ChunkNo: 1, Schema: "public", Table: "patients",
		Columns: patientColumns, RowsRead: len(rows), Merge: spec(source)}
	for _, p := range rows {
		c.Rows = append(c.Rows, p.row())
		c.Identities = append(c.Identities, legacyUUID(p.source, p.legacy))
	}
	c.KeyOf = func(i int) string { return rows[i].legacy }
	return mustLoad(t, tg, c)
}

// patientsText lists the patients as mrn:source/legacy:name:phone:email.
func patientsText(t testing.TB, conn *pgx.Conn) string {
	t.Helper()
	return queryText(t, conn, `SELECT string_agg(concat_ws(':', mrn, source || '/' || legacy_key, name,
		coalesce(phone, '-'), coalesce(email, '-')), ' ' ORDER BY mrn) FROM patients`)
}

func TestMatchedPreferRankedSourceOwnsAndLoserFillsWhatOwnerLacks(t *testing.T) {
	t.Parallel()
	tg, conn := newTarget(t)
	mustExec(t, conn, patientsDDL)
	east := []pt{patient("east", "e1", "A", "Ann", "111", ""), patient("east", "e2", "B", "Bob", "222", "")}
	west := []pt{patient("west", "w1", "A", "Anne", "", "a@x"), patient("west", "w2", "C", "Cy", "", "c@x")}
	if res := loadPatients(t, tg, "east", 1, preferSpec(), east...); res != (ChunkResult{Loaded: 2, Inserted: 2}) {
		t.Errorf("east = %+v", res)
	}
	if res := loadPatients(t, tg, "west", 1, preferSpec(), west...); res != (ChunkResult{Loaded: 2, Inserted: 1, Updated: 1}) {
		t.Errorf("west = %+v, want C inserted and A's email filled", res)
	}
	const want = "A:east/e1:Ann:111:a@x B:east/e2:Bob:222:- C:west/w2:Cy:-:c@x"
	if got := patientsText(t, conn); got != want {
		t.Errorf("patients = %s, want %s", got, want)
	}
	if n := queryInt(t, conn, "SELECT count(*) FROM sluice.legacy_keys WHERE entity = $1", entityUUID("A")); n != 2 {
		t.Errorf("A has %d legacy keys, want east's and west's", n)
	}
	if n, _ := tg.CountLegacyKeys(context.Background(), "west.Patients"); n != 2 {
		t.Errorf("west recorded %d legacy keys", n)
	}
	if n, _ := tg.CountWhere(context.Background(), "public", "patients", "source", "west"); n != 1 {
		t.Errorf("west owns %d rows, want 1", n)
	}

	before := xmins(t, conn, "patients", "mrn")
	lkBefore := xmins(t, conn, "sluice.legacy_keys", "legacy_uuid")
	if res := loadPatients(t, tg, "east", 2, preferSpec(), east...); res != (ChunkResult{Loaded: 2, Unchanged: 2}) {
		t.Errorf("east's rerun = %+v", res)
	}
	if res := loadPatients(t, tg, "west", 2, preferSpec(), west...); res != (ChunkResult{Loaded: 2, Unchanged: 2}) {
		t.Errorf("west's rerun = %+v", res)
	}
	if got := rewritten(before, xmins(t, conn, "patients", "mrn")); len(got) != 0 {
		t.Errorf("the rerun wrote patients %v", got)
	}
	if got := rewritten(lkBefore, xmins(t, conn, "sluice.legacy_keys", "legacy_uuid")); len(got) != 0 {
		t.Errorf("the rerun wrote legacy keys %v", got)
	}

	// Loaded the other way round, the table ends the same.
	tg2, conn2 := newTarget(t)
	mustExec(t, conn2, patientsDDL)
	loadPatients(t, tg2, "west", 1, preferSpec(), west...)
	if res := loadPatients(t, tg2, "east", 1, preferSpec(), east...); res != (ChunkResult{Loaded: 2, Inserted: 1, Updated: 1}) {
		t.Errorf("east after west = %+v, want B inserted and A taken over", res)
	}
	if got := patientsText(t, conn2); got != want {
		t.Errorf("patients loaded west first = %s, want %s", got, want)
	}
}

func TestMatchedLatestWinsAndTiesGoByRank(t *testing.T) {
	t.Parallel()
	tg, conn := newTarget(t)
	mustExec(t, conn, patientsDDL)
	loadPatients(t, tg, "east", 1, latestSpec(), patient("east", "e1", "A", "Ann", "111", "").at(1),
		patient("east", "e2", "B", "Bob", "222", "").at(5))
	res := loadPatients(t, tg, "west", 1, latestSpec(), patient("west", "w1", "A", "Anne", "", "a@x").at(2),
		patient("west", "w2", "B", "Bobby", "", "b@x").at(5))
	if res != (ChunkResult{Loaded: 2, Updated: 2}) {
		t.Errorf("west = %+v", res)
	}
	// A: west is later and takes it (east's phone stays); B: a tie, east ranks better, west fills the email.
	if got, want := patientsText(t, conn), "A:west/w1:Anne:111:a@x B:east/e2:Bob:222:b@x"; got != want {
		t.Errorf("patients = %s, want %s", got, want)
	}
	res = loadPatients(t, tg, "east", 2, latestSpec(), patient("east", "e1", "A", "Ann", "111", "").at(3),
		patient("east", "e2", "B", "Bob", "222", "").at(5))
	if res != (ChunkResult{Loaded: 2, Updated: 1, Unchanged: 1}) {
		t.Errorf("east updated later = %+v", res)
	}
	if got, want := patientsText(t, conn), "A:east/e1:Ann:111:a@x B:east/e2:Bob:222:b@x"; got != want {
		t.Errorf("patients = %s, want %s", got, want)
	}
}

// Two rows of one source with the same natural key in one chunk: the first
// owns the entity, the second loses to it.
func TestMatchedRowsOfOneEntityInAChunkMergeInOrder(t *testing.T) {
	t.Parallel()
	tg, conn := newTarget(t)
	mustExec(t, conn, patientsDDL)
	res := loadPatients(t, tg, "west", 1, manualSpec(), patient("west", "w1", "A", "Anne", "", "a@x"),
		patient("west", "w2", "A", "Annie", "", "a@x"), patient("west", "w3", "A", "Anne", "", "a@x"))
	if res != (ChunkResult{Loaded: 3, Inserted: 1, Unchanged: 2, Conflicts: 1}) {
		t.Errorf("result = %+v, want 1 inserted, 2 unchanged, 1 conflict", res)
	}
	if got, want := patientsText(t, conn), "A:west/w1:Anne:-:a@x"; got != want {
		t.Errorf("patients = %s, want %s", got, want)
	}
	cs, _ := tg.Conflicts(context.Background(), ConflictFilter{})
	if len(cs) != 1 || cs[0].OtherKey != "w2" || cs[0].OwnerValue != "Anne" || cs[0].OtherValue != "Annie" {
		t.Errorf("conflicts = %+v", cs)
	}
	if n := queryInt(t, conn, "SELECT count(*) FROM sluice.legacy_keys WHERE entity = $1", entityUUID("A")); n != 3 {
		t.Errorf("%d legacy keys for A, want 3", n)
	}
}

// A row the table refuses on its way from the stage (here a check
// constraint) is rejected alone; its legacy key is not recorded.
func TestMatchedRowRefusedByTheTableIsRejected(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, conn := newTarget(t)
	mustExec(t, conn, patientsDDL+`; ALTER TABLE patients ADD CHECK (name <> 'bad')`)
	res := loadPatients(t, tg, "east", 1, preferSpec(), patient("east", "e1", "A", "Ann", "", ""),
		patient("east", "e2", "B", "bad", "", ""), patient("east", "e3", "C", "Cy", "", ""))
	if res != (ChunkResult{Loaded: 2, Rejected: 1, Inserted: 2}) {
		t.Errorf("result = %+v", res)
	}
	rejects, _ := tg.Rejects(ctx, 0, 0)
	if len(rejects) != 1 || rejects[0].Key != "e2" || rejects[0].Reason != `new row for relation "patients" violates check constraint "patients_name_check"` {
		t.Errorf("rejects = %+v", rejects)
	}
	if n, _ := tg.CountLegacyKeys(ctx, "east.Patients"); n != 2 {
		t.Errorf("%d legacy keys recorded, want 2", n)
	}
	if got, want := patientsText(t, conn), "A:east/e1:Ann:-:- C:east/e3:Cy:-:-"; got != want {
		t.Errorf("patients = %s, want %s", got, want)
	}
}
