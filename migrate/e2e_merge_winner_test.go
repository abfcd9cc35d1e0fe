package migrate_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
)

// Two clinics that share patients M1..M3 and disagree on every value; M4 is
// only in the east, M5 only in the west. Only the east keeps an email. On
// M3 both were updated at the same moment.
const (
	winnerEast = `CREATE TABLE Patients (PatientId INTEGER PRIMARY KEY, MRN TEXT NOT NULL, Name TEXT, Phone TEXT,
  Email TEXT, UpdatedAt DATETIME);
INSERT INTO Patients VALUES
  (1, 'M1', 'Ann E', 'e1', 'ann@east', '2024-01-01 10:00:00'),
  (2, 'M2', 'Bo E', 'e2', NULL, '2024-03-01 00:00:00'),
  (3, 'M3', 'Cy E', 'e3', 'cy@east', '2024-02-02 00:00:00'),
  (4, 'M4', 'Di E', 'e4', 'di@east', '2024-01-01 00:00:00');`
	winnerWest = `CREATE TABLE Patient (Id INTEGER PRIMARY KEY, MRN TEXT NOT NULL, Name TEXT, Phone TEXT, UpdatedAt DATETIME);
INSERT INTO Patient VALUES
  (10, 'M1', 'Ann W', 'w1', '2024-02-01 00:00:00'),
  (20, 'M2', 'Bo W', 'w2', '2024-01-01 00:00:00'),
  (30, 'M3', 'Cy W', 'w3', '2024-02-02 00:00:00'),
  (50, 'M5', 'Ed W', 'w5', '2023-01-01 00:00:00');`
)

// candidate is one source row of a patient.
type candidate struct {
	source, key, name, phone, email, updated string
}

// TestMergeWinners loads the two clinics with prefer and with latest (in
// both from orders) and checks each patient's row against the winner the
// rule picks, computed here from the source rows.
func TestMergeWinners(t *testing.T) {
	t.Parallel()
	east, west := newSQLite(t, "east", winnerEast), newSQLite(t, "west", winnerWest)
	cases := []struct {
		name, from, rule string
		rank             []string // the better-ranked source first
		latest           bool
	}{
		{"prefer_west", "[east.Patients, west.Patient]", "prefer: [west, east]", []string{"west", "east"}, false},
		{"latest_east_first", "[east.Patients, west.Patient]", "latest: updated_at", []string{"east", "west"}, true},
		{"latest_west_first", "[west.Patient, east.Patients]", "latest: updated_at", []string{"west", "east"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, fmt.Sprintf(`version: 1
sources:
  east: {url: %q}
  west: {url: %q}
target: {url: %q}
tables:
  patients:
    from: %s
    match_on: [mrn]
    %s
`, east, west, sluicetest.NewPostgresDB(t), c.from, c.rule))
			e.mustRun(t, migrate.Options{Verify: allLevels})
			want := winners(t, east, west, c.rank, c.latest)
			got := e.rows(t, `SELECT mrn, source, legacy_id, name, phone, coalesce(email, '<NULL>'),
				to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS') FROM public.patients`)
			sameSet(t, "patients", got, want)
			verifyClean(t, e)
		})
	}
}

// winners applies the documented rule: per MRN the winning row gives every
// column its source provides; the email, which only the east provides,
// comes from the east's row whoever wins.
func winners(t *testing.T, east, west string, rank []string, latest bool) []string {
	t.Helper()
	byMRN := map[string][]candidate{}
	add := func(source, u, query string) {
		for _, r := range sourceRows(t, u, query) {
			f := strings.Split(r, "|")
			byMRN[f[1]] = append(byMRN[f[1]], candidate{source, f[0], f[2], f[3], f[4], f[5]})
		}
	}
	add("east", east, "SELECT PatientId, MRN, Name, Phone, Email, strftime('%Y-%m-%d %H:%M:%S', UpdatedAt) FROM Patients")
	add("west", west, "SELECT Id, MRN, Name, Phone, '<NULL>', strftime('%Y-%m-%d %H:%M:%S', UpdatedAt) FROM Patient")
	var rows []string
	for mrn, cs := range byMRN {
		w := cs[0]
		for _, c := range cs[1:] {
			if beats(c, w, rank, latest) {
				w = c
			}
		}
		email := "<NULL>"
		for _, c := range cs {
			if c.source == "east" {
				email = c.email
			}
		}
		rows = append(rows, strings.Join([]string{mrn, w.source, w.key, w.name, w.phone, email, w.updated}, "|"))
	}
	return rows
}

// beats: the later row under latest (a tie goes to the rank), else the
// better-ranked source.
func beats(c, w candidate, rank []string, latest bool) bool {
	if latest && c.updated != w.updated {
		return c.updated > w.updated
	}
	return indexOf(rank, c.source) < indexOf(rank, w.source)
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return len(s)
}
