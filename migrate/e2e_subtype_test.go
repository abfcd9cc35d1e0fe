package migrate_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice/lineage"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
)

// An EMR schema shaped like OpenMRS's: tables that extend others by sharing
// their key (patient -> person, concept_numeric -> concept, drug_order and
// test_order -> orders, drug_order_detail -> drug_order -> orders), a
// composite one whose foreign key lists its columns in another order than
// its key, a cycle person <-> users, self-references, NULL references,
// subtypes of and under keys: keep tables, and source columns named ID and
// legacy_id. The tables are created first and the foreign keys added after
// the rows, so that the same script runs on MariaDB and PostgreSQL.
const emrTables = `
CREATE TABLE person (person_id int NOT NULL PRIMARY KEY, gender varchar(10), birthdate date, creator int);
CREATE TABLE users (user_id int NOT NULL PRIMARY KEY, username varchar(50) NOT NULL, person_id int, creator int);
CREATE TABLE patient (patient_id int NOT NULL PRIMARY KEY, creator int, allergy_codes varchar(100));
CREATE TABLE concept (concept_id int NOT NULL PRIMARY KEY, short_name varchar(50), creator int);
CREATE TABLE concept_numeric (concept_id int NOT NULL PRIMARY KEY, hi_normal double precision, units varchar(20));
CREATE TABLE orders (order_id int NOT NULL PRIMARY KEY, patient_id int NOT NULL, concept_id int, previous_order_id int);
CREATE TABLE drug_order (order_id int NOT NULL PRIMARY KEY, dose double precision);
CREATE TABLE drug_order_detail (order_id int NOT NULL PRIMARY KEY, instructions varchar(100), started date);
CREATE TABLE test_order (order_id int NOT NULL PRIMARY KEY, specimen_source int);
CREATE TABLE obs (obs_id int NOT NULL PRIMARY KEY, person_id int NOT NULL, concept_id int NOT NULL, order_id int, obs_group_id int, value_numeric double precision);
CREATE TABLE encounter (encounter_id int NOT NULL PRIMARY KEY, patient_id int NOT NULL);
CREATE TABLE order_note (note_id int NOT NULL PRIMARY KEY, order_id int NOT NULL, note varchar(100));
CREATE TABLE concept_set (concept_id int NOT NULL, concept_set int NOT NULL, sort_weight double precision, PRIMARY KEY (concept_id, concept_set));
CREATE UNIQUE INDEX concept_set_member ON concept_set (concept_set, concept_id);
CREATE TABLE concept_set_detail (member_id int NOT NULL, set_id int NOT NULL, note varchar(50), PRIMARY KEY (member_id, set_id));
CREATE TABLE concept_set_usage (usage_id int NOT NULL PRIMARY KEY, s int, m int);
CREATE TABLE person_attribute (person_id int NOT NULL, attribute_type_id int NOT NULL, ID varchar(40), value varchar(50), PRIMARY KEY (person_id, attribute_type_id));
CREATE TABLE location (location_id int NOT NULL PRIMARY KEY, name varchar(50), legacy_id varchar(50));
CREATE TABLE visit_type (visit_type_id int NOT NULL PRIMARY KEY, name varchar(50));
CREATE TABLE visit_type_ext (visit_type_id int NOT NULL PRIMARY KEY, description varchar(50));
CREATE TABLE provider (provider_id int NOT NULL PRIMARY KEY, identifier varchar(50));
CREATE TABLE encounter_provider (encounter_provider_id int NOT NULL PRIMARY KEY, encounter_id int NOT NULL, provider_id int NOT NULL);
`

// emrRows: user 1 created itself; person 1 and user 2 reference nothing;
// person 4 is not a patient; obs 1003 is its own group.
const emrRows = `
INSERT INTO person VALUES (1, 'M', '1970-01-01', NULL), (2, 'F', '1980-02-02', 1), (3, 'F', NULL, 1), (4, 'M', '1990-04-04', 2), (5, NULL, NULL, 3), (6, 'F', '1985-06-06', 1);
INSERT INTO users VALUES (1, 'admin', 1, 1), (2, 'daemon', NULL, 1), (3, 'clerk', 3, 2);
INSERT INTO patient VALUES (2, 1, 'A1,B2'), (3, NULL, NULL), (5, 3, 'C3');
INSERT INTO concept VALUES (10, 'WEIGHT', 1), (11, 'HEIGHT', 1), (12, 'PULSE', NULL), (13, 'BLOOD', 2), (14, 'VITALS', 1), (15, 'UNUSED', 3);
INSERT INTO concept_numeric VALUES (11, 250, 'cm'), (12, NULL, 'bpm');
INSERT INTO orders VALUES (100, 2, 10, NULL), (101, 2, 11, 100), (102, 3, NULL, NULL), (103, 5, 12, 101), (104, 5, 13, 103);
INSERT INTO drug_order VALUES (100, 1.5), (101, NULL), (103, 20);
INSERT INTO test_order VALUES (102, 13), (104, NULL);
INSERT INTO obs VALUES (1000, 2, 11, 101, NULL, 5.5), (1001, 2, 12, NULL, 1000, 7), (1002, 4, 10, NULL, NULL, NULL), (1003, 5, 14, 104, 1003, 1);
INSERT INTO encounter VALUES (500, 2), (501, 5), (502, 2);
INSERT INTO order_note VALUES (1, 101, 'with food'), (2, 101, NULL), (3, 101, 'none');
INSERT INTO concept_set VALUES (11, 14, 1), (12, 14, 2), (13, 10, NULL);
INSERT INTO concept_set_detail VALUES (11, 14, 'x'), (13, 10, NULL);
INSERT INTO concept_set_usage VALUES (1, 14, 11), (2, NULL, NULL), (3, 10, 13), (4, 14, 11);
INSERT INTO person_attribute VALUES (2, 1, 'ID-2-1', 'blue'), (3, 1, NULL, 'green'), (2, 2, 'x', NULL);
INSERT INTO location VALUES (1, 'Ward A', 'OLD-1'), (2, 'Ward B', NULL);
INSERT INTO visit_type VALUES (1, 'outpatient'), (2, 'inpatient'), (3, 'x');
INSERT INTO visit_type_ext VALUES (1, 'walk-in'), (3, NULL);
INSERT INTO provider VALUES (3, 'PRV-3'), (6, 'PRV-6');
INSERT INTO encounter_provider VALUES (1, 500, 3), (2, 501, 6), (3, 502, 3);
`

const emrForeignKeys = `
ALTER TABLE person ADD CONSTRAINT fk_person_creator FOREIGN KEY (creator) REFERENCES users (user_id);
ALTER TABLE users ADD CONSTRAINT fk_users_person FOREIGN KEY (person_id) REFERENCES person (person_id);
ALTER TABLE users ADD CONSTRAINT fk_users_creator FOREIGN KEY (creator) REFERENCES users (user_id);
ALTER TABLE patient ADD CONSTRAINT fk_patient_person FOREIGN KEY (patient_id) REFERENCES person (person_id);
ALTER TABLE patient ADD CONSTRAINT fk_patient_creator FOREIGN KEY (creator) REFERENCES users (user_id);
ALTER TABLE concept ADD CONSTRAINT fk_concept_creator FOREIGN KEY (creator) REFERENCES users (user_id);
ALTER TABLE concept_numeric ADD CONSTRAINT fk_concept_numeric FOREIGN KEY (concept_id) REFERENCES concept (concept_id);
ALTER TABLE orders ADD CONSTRAINT fk_orders_patient FOREIGN KEY (patient_id) REFERENCES patient (patient_id);
ALTER TABLE orders ADD CONSTRAINT fk_orders_concept FOREIGN KEY (concept_id) REFERENCES concept (concept_id);
ALTER TABLE orders ADD CONSTRAINT fk_orders_previous FOREIGN KEY (previous_order_id) REFERENCES orders (order_id);
ALTER TABLE drug_order ADD CONSTRAINT fk_drug_order FOREIGN KEY (order_id) REFERENCES orders (order_id);
ALTER TABLE drug_order_detail ADD CONSTRAINT fk_drug_order_detail FOREIGN KEY (order_id) REFERENCES drug_order (order_id);
ALTER TABLE test_order ADD CONSTRAINT fk_test_order FOREIGN KEY (order_id) REFERENCES orders (order_id);
ALTER TABLE test_order ADD CONSTRAINT fk_test_order_specimen FOREIGN KEY (specimen_source) REFERENCES concept (concept_id);
ALTER TABLE obs ADD CONSTRAINT fk_obs_person FOREIGN KEY (person_id) REFERENCES person (person_id);
ALTER TABLE obs ADD CONSTRAINT fk_obs_concept FOREIGN KEY (concept_id) REFERENCES concept (concept_id);
ALTER TABLE obs ADD CONSTRAINT fk_obs_order FOREIGN KEY (order_id) REFERENCES orders (order_id);
ALTER TABLE obs ADD CONSTRAINT fk_obs_group FOREIGN KEY (obs_group_id) REFERENCES obs (obs_id);
ALTER TABLE encounter ADD CONSTRAINT fk_encounter_patient FOREIGN KEY (patient_id) REFERENCES patient (patient_id);
ALTER TABLE order_note ADD CONSTRAINT fk_order_note FOREIGN KEY (order_id) REFERENCES drug_order_detail (order_id);
ALTER TABLE concept_set ADD CONSTRAINT fk_concept_set_member FOREIGN KEY (concept_id) REFERENCES concept (concept_id);
ALTER TABLE concept_set ADD CONSTRAINT fk_concept_set_set FOREIGN KEY (concept_set) REFERENCES concept (concept_id);
ALTER TABLE concept_set_detail ADD CONSTRAINT fk_concept_set_detail FOREIGN KEY (set_id, member_id) REFERENCES concept_set (concept_set, concept_id);
ALTER TABLE concept_set_usage ADD CONSTRAINT fk_concept_set_usage FOREIGN KEY (s, m) REFERENCES concept_set_detail (set_id, member_id);
ALTER TABLE person_attribute ADD CONSTRAINT fk_person_attribute FOREIGN KEY (person_id) REFERENCES person (person_id);
ALTER TABLE visit_type_ext ADD CONSTRAINT fk_visit_type_ext FOREIGN KEY (visit_type_id) REFERENCES visit_type (visit_type_id);
ALTER TABLE provider ADD CONSTRAINT fk_provider_person FOREIGN KEY (provider_id) REFERENCES person (person_id);
ALTER TABLE encounter_provider ADD CONSTRAINT fk_ep_encounter FOREIGN KEY (encounter_id) REFERENCES encounter (encounter_id);
ALTER TABLE encounter_provider ADD CONSTRAINT fk_ep_provider FOREIGN KEY (provider_id) REFERENCES provider (provider_id);
`

// emrSource is the EMR schema on one engine, with its query runner.
type emrSource struct {
	engine string
	url    string
	// rejected is the drug_order_detail row the load rejects ("" for none):
	// MariaDB stores a zero date, which PostgreSQL cannot hold.
	rejected string
}

func newEMRMariaDB(t *testing.T) emrSource {
	src := emrSource{engine: "mysql", url: sluicetest.NewMySQLDB(t), rejected: "103"}
	sluicetest.ExecMySQL(t, src.url, "SET SESSION sql_mode = '';"+emrTables+emrRows+
		"INSERT INTO drug_order_detail VALUES (101, 'twice a day', '2024-01-02'), (103, NULL, '0000-00-00');"+emrForeignKeys)
	return src
}

func newEMRPostgres(t *testing.T) emrSource {
	src := emrSource{engine: "postgres", url: sluicetest.NewPostgresDB(t)}
	sluicetest.ExecPostgres(t, src.url, emrTables+emrRows+
		"INSERT INTO drug_order_detail VALUES (101, 'twice a day', '2024-01-02'), (103, NULL, NULL);"+emrForeignKeys)
	return src
}

// pairs runs a query of two columns on the source, as text keyed by the first.
func (s emrSource) pairs(t *testing.T, q string) map[string]string {
	t.Helper()
	var out []string
	if s.engine == "mysql" {
		out = mysqlPairs(t, s.url, q)
	} else {
		out = postgresPairs(t, s.url, q)
	}
	m := map[string]string{}
	for i := 0; i < len(out); i += 2 {
		if _, dup := m[out[i]]; dup {
			t.Fatalf("source %s: %s appears twice", q, out[i])
		}
		m[out[i]] = out[i+1]
	}
	return m
}

func mysqlPairs(t *testing.T, url, q string) []string {
	t.Helper()
	db, err := sql.Open("mysql", sluicetest.MySQLDSN(t, url))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k, v sql.NullString
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		out = append(out, k.String, v.String)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out
}

func postgresPairs(t *testing.T, url, q string) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k, v *string
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		out = append(out, deref(k), deref(v))
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// emrYAML migrates the EMR schema with keys: uuid, visit_type and provider
// keeping their keys, in chunks of two rows.
func emrYAML(src, tgt string) string {
	return fmt.Sprintf(`version: 1
sources:
  emr: {url: %q}
target: {url: %q}
defaults:
  keys: uuid
  chunk_rows: 2
tables:
  emr.visit_type: {keys: keep}
  emr.provider: {keys: keep}
  emr.patient:
    expand:
      allergies: {list: allergy_codes, value: code}
`, src, tgt)
}

func TestSubtypesEndToEnd(t *testing.T) {
	t.Parallel()
	for name, open := range map[string]func(*testing.T) emrSource{"mariadb": newEMRMariaDB, "postgres": newEMRPostgres} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			src := open(t)
			e := newEnv(t, emrYAML(src.url, sluicetest.NewPostgresDB(t)))
			sum := e.mustRun(t, migrate.Options{Verify: allLevels, MaxRejects: 1})
			checkEMRSummary(t, e, src, sum)
			verifyClean(t, e)
			fks := 0
			for _, pt := range e.plan.Tables {
				fks += len(pt.ForeignKeys)
			}
			checkForeignKeysValidated(t, e, fks)
			checkEMRJoins(t, e, src)
			checkEMRIdentities(t, e)
			checkEMRTrace(t, e, src)
		})
	}
}

func checkEMRSummary(t *testing.T, e *env, src emrSource, sum *migrate.Summary) {
	t.Helper()
	wantRejected := int64(0)
	if src.rejected != "" {
		wantRejected = 1
	}
	if sum.Rejected != wantRejected {
		t.Errorf("%d rows rejected, want %d: %+v", sum.Rejected, wantRejected, sum.Rejects)
	}
	if len(sum.Tables) != 22 {
		t.Errorf("%d tables loaded, want 22", len(sum.Tables))
	}
	for _, r := range sum.Tables {
		if r.ID != "emr.patient#allergies" && (r.Read != r.Loaded+r.Rejected || r.SourceRows != r.Read || r.Read == 0) {
			t.Errorf("%s: %+v", r.ID, r)
		}
	}
}

// emrJoin is a join through references, on the source by integer keys and
// on the target by uuids; both sides list (first table's key, last table's
// key) and must give the same pairs.
type emrJoin struct{ name, source, target string }

var emrJoins = []emrJoin{
	{"orders -> patient -> person",
		"SELECT o.order_id, pe.person_id FROM orders o JOIN patient pa ON pa.patient_id = o.patient_id JOIN person pe ON pe.person_id = pa.patient_id",
		"SELECT o.legacy_id::text, pe.legacy_id::text FROM orders o JOIN patient pa ON pa.patient_id = o.patient_id JOIN person pe ON pe.person_id = pa.patient_id"},
	// A reference to a subtype is its root's uuid: it joins the root directly.
	{"orders -> person",
		"SELECT o.order_id, pa.patient_id FROM orders o JOIN patient pa ON pa.patient_id = o.patient_id",
		"SELECT o.legacy_id::text, pe.legacy_id::text FROM orders o JOIN person pe ON pe.person_id = o.patient_id"},
	{"encounter -> patient -> person",
		"SELECT e.encounter_id, pe.person_id FROM encounter e JOIN patient pa ON pa.patient_id = e.patient_id JOIN person pe ON pe.person_id = pa.patient_id",
		"SELECT e.legacy_id::text, pe.legacy_id::text FROM encounter e JOIN patient pa ON pa.patient_id = e.patient_id JOIN person pe ON pe.person_id = pa.patient_id"},
	{"order_note -> drug_order_detail -> drug_order -> orders",
		"SELECT n.note_id, o.order_id FROM order_note n JOIN drug_order_detail d ON d.order_id = n.order_id JOIN drug_order g ON g.order_id = d.order_id JOIN orders o ON o.order_id = g.order_id",
		"SELECT n.legacy_id::text, o.legacy_id::text FROM order_note n JOIN drug_order_detail d ON d.order_id = n.order_id JOIN drug_order g ON g.order_id = d.order_id JOIN orders o ON o.order_id = g.order_id"},
	{"test_order -> orders -> patient",
		"SELECT t.order_id, o.patient_id FROM test_order t JOIN orders o ON o.order_id = t.order_id",
		"SELECT t.legacy_id::text, pa.legacy_id::text FROM test_order t JOIN orders o ON o.order_id = t.order_id JOIN patient pa ON pa.patient_id = o.patient_id"},
	{"obs -> orders (previous) -> orders",
		"SELECT b.obs_id, p.order_id FROM obs b JOIN orders o ON o.order_id = b.order_id JOIN orders p ON p.order_id = o.previous_order_id",
		"SELECT b.legacy_id::text, p.legacy_id::text FROM obs b JOIN orders o ON o.order_id = b.order_id JOIN orders p ON p.order_id = o.previous_order_id"},
	{"obs -> obs (group)",
		"SELECT b.obs_id, g.obs_id FROM obs b JOIN obs g ON g.obs_id = b.obs_group_id",
		"SELECT b.legacy_id::text, g.legacy_id::text FROM obs b JOIN obs g ON g.obs_id = b.obs_group_id"},
	{"users -> person (cycle)",
		"SELECT u.user_id, p.person_id FROM users u JOIN person p ON p.person_id = u.person_id",
		"SELECT u.legacy_id::text, p.legacy_id::text FROM users u JOIN person p ON p.person_id = u.person_id"},
	{"person -> users (cycle)",
		"SELECT p.person_id, u.user_id FROM person p JOIN users u ON u.user_id = p.creator",
		"SELECT p.legacy_id::text, u.legacy_id::text FROM person p JOIN users u ON u.user_id = p.creator"},
	{"users -> users (self)",
		"SELECT u.user_id, c.user_id FROM users u JOIN users c ON c.user_id = u.creator",
		"SELECT u.legacy_id::text, c.legacy_id::text FROM users u JOIN users c ON c.user_id = u.creator"},
	{"concept_numeric -> concept",
		"SELECT n.concept_id, c.short_name FROM concept_numeric n JOIN concept c ON c.concept_id = n.concept_id",
		"SELECT n.legacy_id::text, c.short_name FROM concept_numeric n JOIN concept c ON c.concept_id = n.concept_id"},
	{"concept_set_usage -> concept_set_detail -> concept_set",
		"SELECT u.usage_id, CONCAT(cs.concept_id, '|', cs.concept_set) FROM concept_set_usage u JOIN concept_set_detail d ON d.set_id = u.s AND d.member_id = u.m JOIN concept_set cs ON cs.concept_set = d.set_id AND cs.concept_id = d.member_id",
		"SELECT u.legacy_id::text, cs.legacy_id FROM concept_set_usage u JOIN concept_set_detail d ON d.id = u.concept_set_detail_id JOIN concept_set cs ON cs.id = d.id"},
	{"encounter_provider -> provider (keys: keep) -> person",
		"SELECT ep.encounter_provider_id, pe.person_id FROM encounter_provider ep JOIN provider pr ON pr.provider_id = ep.provider_id JOIN person pe ON pe.person_id = pr.provider_id",
		"SELECT ep.legacy_id::text, pe.legacy_id::text FROM encounter_provider ep JOIN provider pr ON pr.provider_id = ep.provider_id JOIN person pe ON pe.legacy_id = pr.provider_id"},
	{"visit_type_ext -> visit_type (keys: keep)",
		"SELECT x.visit_type_id, v.name FROM visit_type_ext x JOIN visit_type v ON v.visit_type_id = x.visit_type_id",
		"SELECT x.legacy_id::text, v.name FROM visit_type_ext x JOIN visit_type v ON v.visit_type_id = x.legacy_id"},
	// The source columns named like the columns keys add, renamed.
	{"person_attribute.ID",
		"SELECT CONCAT(person_id, '|', attribute_type_id), ID FROM person_attribute",
		"SELECT legacy_id, id_2 FROM person_attribute"},
	{"location.legacy_id",
		"SELECT location_id, legacy_id FROM location",
		"SELECT legacy_id::text, legacy_id_2 FROM location"},
}

// checkEMRJoins compares every join's pairs; a row rejected by the load is
// left out of the source's.
func checkEMRJoins(t *testing.T, e *env, src emrSource) {
	t.Helper()
	for _, j := range emrJoins {
		want := src.pairs(t, j.source)
		got := targetPairs(t, e, j.target)
		if len(want) == 0 {
			t.Errorf("%s: the source join is empty", j.name)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: target pairs %v, source pairs %v", j.name, got, want)
		}
	}
	// Each patient's allergies reference the patient, whose uuid is the person's.
	want := map[string]string{"A1": "2", "B2": "2", "C3": "5"}
	if got := targetPairs(t, e, "SELECT a.code, pe.legacy_id::text FROM allergies a JOIN person pe ON pe.person_id = a.patient_id"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("allergies -> person: %v, want %v", got, want)
	}
}

func targetPairs(t *testing.T, e *env, q string) map[string]string {
	t.Helper()
	rows, err := e.db.Query(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var k, v *string
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		m[deref(k)] = deref(v)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return m
}

// emrUUID is the identity the docs specify, written out: UUIDv5(the
// default namespace, "<source>.<root table>:<key>").
func emrUUID(name string) string {
	return uuid.NewSHA1(chinookNamespace, []byte("emr."+name)).String()
}

// checkEMRIdentities recomputes subtype rows' uuids as their roots'.
func checkEMRIdentities(t *testing.T, e *env) {
	t.Helper()
	cases := []struct{ query, key, want string }{
		{"SELECT patient_id::text FROM patient WHERE legacy_id = $1", "2", emrUUID("person:2")},
		{"SELECT person_id::text FROM person WHERE legacy_id = $1", "2", emrUUID("person:2")},
		{"SELECT concept_id::text FROM concept_numeric WHERE legacy_id = $1", "11", emrUUID("concept:11")},
		{"SELECT order_id::text FROM drug_order_detail WHERE legacy_id = $1", "101", emrUUID("orders:101")},
		{"SELECT order_id::text FROM order_note WHERE legacy_id = $1", "1", emrUUID("orders:101")},
		{"SELECT id::text FROM concept_set_detail WHERE legacy_id = $1", "13|10", emrUUID("concept_set:13|10")},
		{"SELECT visit_type_id::text FROM visit_type_ext WHERE legacy_id = $1", "3", emrUUID("visit_type_ext:3")},
	}
	for _, c := range cases {
		if got := e.text(t, c.query, c.key); got != c.want {
			t.Errorf("%s [%s] = %s, want %s", c.query, c.key, got, c.want)
		}
	}
}

// checkEMRTrace finds subtype rows by their uuid (their root's) and by
// their legacy key, and a rejected subtype row by the uuid it would have.
func checkEMRTrace(t *testing.T, e *env, src emrSource) {
	t.Helper()
	ctx := context.Background()
	for _, c := range []struct{ table, key, legacy, uuid string }{
		{"patient", emrUUID("person:5"), "5", emrUUID("person:5")},
		{"patient", "5", "5", emrUUID("person:5")},
		{"drug_order_detail", emrUUID("orders:101"), "101", emrUUID("orders:101")},
		{"concept_set_detail", "11|14", "11|14", emrUUID("concept_set:11|14")},
		{"concept_set_detail", emrUUID("concept_set:11|14"), "11|14", emrUUID("concept_set:11|14")},
	} {
		l, err := lineage.Trace(ctx, e.tgt, e.plan, c.table, c.key)
		if err != nil {
			t.Errorf("trace %s %s: %v", c.table, c.key, err)
			continue
		}
		if len(l.Rows) != 1 || l.Source.Key != c.legacy || l.Target.UUID != c.uuid || l.Chunk == nil {
			t.Errorf("trace %s %s: %d rows, legacy key %q, uuid %s, chunk %v", c.table, c.key, len(l.Rows), l.Source.Key, l.Target.UUID, l.Chunk)
		}
	}
	if src.rejected == "" {
		return
	}
	u := emrUUID("orders:" + src.rejected)
	l, err := lineage.Trace(ctx, e.tgt, e.plan, "drug_order_detail", u)
	if err != nil {
		t.Fatalf("trace the rejected row by its uuid: %v", err)
	}
	if len(l.Rows) != 0 || len(l.Rejects) == 0 || l.Source.Key != src.rejected || l.Target.UUID != u ||
		!strings.Contains(l.Rejects[0].Reason, "date") {
		t.Errorf("trace the rejected row: rows %v, rejects %+v, key %q, uuid %s", l.Rows, l.Rejects, l.Source.Key, l.Target.UUID)
	}
}
