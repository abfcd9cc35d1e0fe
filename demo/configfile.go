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
# pharmacy (the drug catalogue) and inventory (stock in warehouses). This file
# tells sluice how to move all three into one PostgreSQL database.
#
# Every key is described in docs/CONFIG.md. Try:
#   sluice plan      shows the target tables, the load order and any warnings
#   sluice migrate   copies everything; kill it and run it again, it resumes
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
  strategy: truncate   # each demo run reloads the tables it created before (create refuses to
                       # touch a table Sluice did not load, and skips finished ones)

# Only the tables that need more than the defaults are listed here; every other
# table is migrated as it is, with the defaults.
tables:
  clinical.Clinicians:
    target: practitioners            # a rename: the new platform calls them practitioners
    columns:
      PasswordHash: {drop: true}     # old MD5 password hashes must not move
  clinical.Patients:
    columns:
      BirthDate: {name: date_of_birth}   # a column rename
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
`

// sourceComments say what each database holds, in the order they are written.
var sourceComments = []struct{ name, comment string }{
	{"clinical", "the clinic system"},
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
