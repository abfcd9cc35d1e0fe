package demo

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// configHead explains the file to someone who has never seen sluice.
const configHead = `# sluice.yaml for the demo estate written by ` + "`sluice demo`" + `.
#
# A small healthcare group runs three legacy systems, each with its own
# database: clinical (clinics, clinicians, patients, visits, prescriptions),
# pharmacy (the drug catalogue) and inventory (stock in warehouses). It took
# over the west clinic, whose own system, clinic_west, keeps its patients in
# a table designed by other people, and some of them are patients of the
# group already. This file tells sluice how to move all four into one
# PostgreSQL database, with one patients table for everyone.
#
# Every key is described in docs/CONFIG.md. Try:
#   sluice plan      shows the target tables, the load order, any warnings, and
#                    how the two patient tables differ and how that is settled
#   sluice migrate   copies everything; kill it and run it again, it resumes;
#                    run it again once finished, it writes only what changed
#   sluice verify    proves that every source row arrived, was rejected or filtered
#
# A few values in clinical.Patients are planted to be rejected (a 0000-00-00
# birth date, notes that are not UTF-8, an IsActive flag of 2): migrate puts
# them into sluice.rejects with the reason, and loads everything else.

version: 1

# The legacy databases, by the name the rest of this file uses for them.
sources:
`

// configRules is the part of the file that does not depend on paths.
const configRules = `
# Rules for every table unless a table rule below says otherwise.
defaults:
  naming: snake_case   # PatientID becomes patient_id, StockItems becomes stock_items
  keys: uuid           # integer keys become UUIDs, the same in every database and every run;
                       # the old key is kept in the column legacy_id
  zero_dates: reject   # a 0000-00-00 date goes to sluice.rejects (write null to load it as NULL)
  strategy: merge      # a rerun compares each source row with its target row (by a hash of
                       # the row kept in sluice_row_hash) and writes only what changed: run
                       # the demo twice and the second run writes nothing. (truncate would
                       # reload every table; create would skip finished tables, changed or not)

# Only the tables that need more than the defaults are listed here; every other
# table is migrated as it is, with the defaults.
tables:
  clinical.Clinics:
    expand:
      # NumRooms counts a clinic's rooms; the new platform books rooms, so each
      # becomes a row of the table clinic_rooms: NumRooms rows per clinic (none
      # where it is NULL), numbered 1, 2, ... in room_no, each pointing at its
      # clinic in clinic_id. A room's UUID comes from its clinic's key and its
      # number, so a rerun finds the same rooms.
      clinic_rooms: {count: NumRooms, ordinal: room_no, parent: clinic_id}
  clinical.Clinicians:
    target: practitioners            # a rename: the new platform calls them practitioners
    columns:
      PasswordHash: {drop: true}     # old MD5 password hashes must not move
  clinical.Patients:
    columns:
      BirthDate: {name: date_of_birth}   # a column rename
      Gender: {drop: true}               # not moved as it is: sex below replaces it
    computed:
      # Target columns computed from the source row with an expression over
      # its columns (the language is in docs/CONFIG.md). A row whose
      # expression fails goes to sluice.rejects with the reason.
      full_name: {expr: 'FirstName + " " + LastName'}
      # A value map: F and M spelled out; U, NULL or anything else is unknown.
      sex: {expr: '{"F": "female", "M": "male"}[Gender] ?? "unknown"'}
  clinic_west.Patient:
    # The west clinic names the same data differently. Each rename gives a
    # column the target name its clinical.Patients counterpart has, so that
    # both land in the same column of patients.
    columns:
      MedicalRecordNo: {name: mrn}
      GivenName: {name: first_name}
      FamilyName: {name: last_name}
      DOB: {name: date_of_birth}
      EmailAddress: {name: email}
      PhoneNumber: {name: phone}         # VARCHAR(60) here, NVARCHAR(30) in clinical: the
                                         # target column takes the wider, varchar(60)
      RegisteredOn: {name: created_at}
      Sex: {drop: true}                  # an ISO 5218 code; sex below replaces it
      PagerNo: {drop: true}              # nobody carries a pager any more
      # PreferredLanguage has no counterpart in clinical: it becomes the column
      # preferred_language, NULL for clinical's patients.
    computed:
      full_name: {expr: 'GivenName + " " + FamilyName'}
      # A case/when on ISO 5218 codes: 1 male, 2 female, 0 unknown, 9 not applicable.
      sex: {expr: 'Sex == 1 ? "male" : Sex == 2 ? "female" : "unknown"'}
    fill:
      # Columns of patients this table lacks, and the value its rows get in
      # them: the west clinic keeps only active patients on file. The columns
      # it lacks and that have no fill here (clinic_id, notes) are NULL.
      is_active: true
  # A name without a dot is a target table that several source tables feed:
  # each keeps its own rule above, and patients gets the columns of both
  # (sluice plan lists how they differ). Each row records its source in the
  # column source, and its key there in legacy_id.
  patients:
    from: [clinical.Patients, clinic_west.Patient]
    # A patient on file at both clinics has the same MRN (issued group-wide):
    # the two rows become one row of patients, whose id is a UUID of the MRN.
    # Both legacy keys stay queryable in sluice.legacy_keys, and the visits
    # that point at the clinical row point at this one.
    match_on: [mrn]
    # Where the two disagree (a phone number changed at one clinic only),
    # clinical's value wins; the west row still fills what clinical lacks
    # (preferred_language).
    prefer: [clinical, clinic_west]
  clinical.Prescriptions:
    columns:
      # A foreign key into another database, which SQLite cannot declare.
      # With keys: uuid the value becomes the UUID of the pharmacy.Drugs row.
      DrugID: {references: pharmacy.Drugs}
  inventory.StockItems:
    columns:
      DrugID: {references: pharmacy.Drugs}
  inventory.AuditTrail:
    # Entries before 2010 were archived years ago. The rows this filter leaves
    # out are counted as filtered, so the totals still reconcile.
    where: "` + auditWhere + `"
    # The trail has no primary key, so merge could not tell which target row
    # a source row is: create loads it once, and later runs skip it as done.
    strategy: create
`

// sourceComments say what each database holds, in the order they are written.
var sourceComments = []struct{ name, comment string }{
	{"clinical", "the clinic system"},
	{"clinic_west", "the patient system of the west clinic, taken over by the group"},
	{"pharmacy", "the drug catalogue; clinical and inventory refer to its drugs"},
	{"inventory", "stock per warehouse, and an audit trail without a primary key"},
}

// writeConfig writes est.ConfigPath: the sources as absolute sqlite:// URLs,
// the target URL as given, and the rules the estate needs.
func writeConfig(est *Estate, target string) error {
	var b strings.Builder
	b.WriteString(configHead)
	for _, s := range sourceComments {
		fmt.Fprintf(&b, "  %s:   # %s\n    url: %s\n", s.name, s.comment, yamlScalar("sqlite://"+est.Databases[s.name]))
	}
	fmt.Fprintf(&b, "\n# The PostgreSQL database everything moves into.\ntarget:\n  url: %s\n  schema: public\n", yamlScalar(target))
	b.WriteString(configRules)
	if err := os.WriteFile(est.ConfigPath, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("write demo sluice.yaml: %w", err)
	}
	return nil
}

// yamlScalar writes s as a YAML scalar, quoted only where YAML needs it
// (a path with ": " or a leading "%", say).
func yamlScalar(s string) string {
	out, err := yaml.Marshal(s)
	text := strings.TrimSuffix(string(out), "\n")
	if err != nil || strings.Contains(text, "\n") {
		// a block scalar would break the layout; Go's escapes are YAML's too
		return strconv.Quote(s)
	}
	return text
}
