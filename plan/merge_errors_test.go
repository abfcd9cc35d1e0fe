package plan

import (
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// mergeConfigWith is the merge fixture's config changed by edit.
func mergeConfigWith(edit func(c *config.Config)) *config.Config {
	c := mergeConfig()
	edit(c)
	return c
}

func rule(c *config.Config, id string) *config.TableRule {
	for i := range c.Tables {
		if c.Tables[i].Source+"."+c.Tables[i].Table == id {
			return &c.Tables[i]
		}
	}
	source, table, _ := strings.Cut(id, ".")
	c.Tables = append(c.Tables, config.TableRule{Source: source, Table: table})
	return &c.Tables[len(c.Tables)-1]
}

func TestMergeErrors(t *testing.T) {
	cases := []struct {
		name string
		edit func(c *config.Config)
		want []string
	}{
		{"from", func(c *config.Config) {
			c.Merges[1].From = []string{"east.Doctor", "north.Doctors", "west.Doctor", "westDoctor", "west.Patient"}
		}, []string{
			`merge.yaml:44: tables.doctors.from: east.Doctor: table "Doctor" does not exist in source east (did you mean "Doctors"?)`,
			`merge.yaml:44: tables.doctors.from: north.Doctors: unknown source "north"`,
			`merge.yaml:44: tables.doctors.from: "westDoctor": expected source.Table`,
			`merge.yaml:44: tables.doctors.from: west.Doctor and west.Patient are both from source west; the parts of a merged table come from distinct sources (rows are told apart by their source)`,
			// east.Doctors, which from: misspells, is a table of its own.
			`merge.yaml:44: tables.doctors: target table "doctors" is the target of both east.Doctors and tables.doctors (from west.Doctor)`,
		}},
		{"one part, in another merge", func(c *config.Config) { c.Merges[1].From = []string{"east.Patients"} }, []string{
			`merge.yaml:44: tables.doctors.from: a merged table needs at least two source tables, got 1`,
			`merge.yaml:44: tables.doctors.from: east.Patients already feeds the merged table patients`,
		}},
		{"skipped, keyless", func(c *config.Config) {
			*rule(c, "east.Doctors") = config.TableRule{Source: "east", Table: "Doctors", Line: 50, Skip: true}
			c.Merges[0].From = []string{"east.Patients", "west.Patient", "east.Doctors"}
			c.Merges[1].From = []string{"east.Doctors", "west.Doctor"}
		}, []string{
			`merge.yaml:38: tables.patients.from: east.Doctors is skipped (skip: true)`,
			`merge.yaml:44: tables.doctors.from: east.Doctors is skipped (skip: true)`,
		}},
		{"part rules", func(c *config.Config) {
			r := rule(c, "west.Patient")
			r.Target, r.Strategy, r.Database, r.LegacyColumn, r.Keys = "people", config.StrategyAppend, "billing", "old_id", config.KeysKeep
			rule(c, "east.Patients").LegacyColumn = "legacy_key"
			c.Merges[0].Database = "clinical"
		}, []string{
			`merge.yaml:28: tables.west.Patient.target: west.Patient feeds the merged table patients (tables.patients.from); its target must be empty or patients`,
			`merge.yaml:28: tables.west.Patient.database: west.Patient feeds the merged table patients, which loads into database clinical; a part cannot load into billing`,
			`merge.yaml:28: tables.west.Patient.strategy: west.Patient feeds the merged table patients, loaded with strategy merge (tables.patients.strategy); a part cannot use append`,
			`merge.yaml:28: tables.west.Patient.legacy_column: west.Patient feeds the merged table patients, whose legacy column is legacy_key; the parts share one legacy column`,
		}},
		{"merge rule", func(c *config.Config) {
			m := &c.Merges[0]
			m.MatchOn, m.Prefer, m.Strategy, m.Database = []string{"mrm", "first_name"}, []string{"north", "west"}, config.StrategyTruncate, "clinic"
			c.Merges[1].Conflict = config.ConflictLatest
			c.Merges[1].Latest = ""
		}, []string{
			`merge.yaml:38: tables.patients.prefer: prefer: "north" is not the source of a table in from (east, west)`,
			`merge.yaml:38: tables.patients.strategy: strategy truncate cannot load a merged table, whose rows come from several sources; use merge or append`,
			`merge.yaml:38: tables.patients.database: unknown target database "clinic" (targets: clinical, billing) (did you mean "clinical"?)`,
			`merge.yaml:38: tables.patients.match_on: match_on: column "mrm" is not a column of patients (mrn, first_name, last_name, sex, age, phone, balance, updated_at, legacy, doctor_id, tags, num_rooms, full_name, gender, fax) (did you mean "mrn"?)`,
			`merge.yaml:44: tables.doctors.latest: conflict latest needs latest: the target column whose later value wins`,
		}},
		{"latest column", func(c *config.Config) { c.Merges[1].Latest = "updated" }, []string{
			`merge.yaml:44: tables.doctors.latest: latest: column "updated" is not a column of doctors (name)`,
		}},
		{"fill", func(c *config.Config) {
			rule(c, "east.Patients").Fill = []config.FillRule{{Column: "faxx", Line: 21}, {Column: "phone", Line: 22}}
			rule(c, "east.Invoices").Fill = []config.FillRule{{Column: "fax", Line: 36}}
		}, []string{
			`merge.yaml:21: tables.east.Patients.fill.faxx: fill: faxx is not a column of the merged table patients (mrn, first_name, last_name, sex, age, phone, balance, updated_at, legacy, doctor_id, tags, num_rooms, full_name, gender, fax) (did you mean "fax"?)`,
			`merge.yaml:22: tables.east.Patients.fill.phone: fill: east.Patients has column phone; fill gives a value to the columns a part lacks`,
			`merge.yaml:36: tables.east.Invoices.fill.fax: fill applies to a table merged with others (listed in a from:); east.Invoices is not`,
		}},
		{"computed", func(c *config.Config) {
			r := rule(c, "east.Patients")
			r.Computed[0].Expr = `FirstName + " " + LastNme`
			r.Computed[1].Column = "phone"
		}, []string{
			`merge.yaml:23: tables.east.Patients.computed.full_name: expression FirstName + " " + LastNme: unknown column LastNme; nearest columns: LastName, FirstName, Balance`,
			`merge.yaml:24: tables.east.Patients.computed.phone: target column "phone" comes from both column Phone and the computed column phone; give one of them another name, e.g. rename tables.east.Patients.computed.phone to phone_2`,
		}},
		{"source column", func(c *config.Config) { c.Merges[0].SourceColumn = "age" }, []string{
			`merge.yaml:16: tables.east.Patients: target column "age" comes from both the source column of the merged table (source_column) and column Age; give one of them another name, e.g. tables.patients.source_column: age_2`,
			`merge.yaml:28: tables.west.Patient: target column "age" comes from both the source column of the merged table (source_column) and column age; give one of them another name, e.g. tables.patients.source_column: age_2`,
		}},
		{"expand", func(c *config.Config) {
			r := rule(c, "east.Patients")
			r.Expand[0].Column = "NumRoom"
			r.Expand[1].Kind = "csv"
			*rule(c, "east.Visits") = config.TableRule{Source: "east", Table: "Visits", Line: 60, Keys: config.KeysKeep,
				Expand: []config.ExpandRule{{Table: "visit_days", Kind: config.ExpandCount, Column: "VisitID", Line: 61}}}
		}, []string{
			`merge.yaml:26: tables.east.Patients.expand.rooms.count: column "NumRoom" does not exist in east.Patients (did you mean "NumRooms"?)`,
			`merge.yaml:27: tables.east.Patients.expand.patient_tags: unknown expansion kind "csv" (count, list or json)`,
			`merge.yaml:61: tables.east.Visits.expand.visit_days: expand needs keys: uuid on east.Visits: a child row references its parent by the parent's row uuid`,
		}},
		{"expand a keyless table", func(c *config.Config) {
			*rule(c, "west.Log") = config.TableRule{Source: "west", Table: "Log", Line: 60,
				Expand: []config.ExpandRule{{Table: "words", Kind: config.ExpandList, Column: "Message", Line: 61}}}
		}, []string{
			`merge.yaml:61: tables.west.Log.expand.words: expand needs the primary key of west.Log, which has none: child rows are identified by their parent's key`,
		}},
		{"unknown database", func(c *config.Config) { rule(c, "east.Invoices").Database = "biling" }, []string{
			`merge.yaml:35: tables.east.Invoices.database: unknown target database "biling" (targets: clinical, billing) (did you mean "billing"?)`,
		}},
		{"match across databases", func(c *config.Config) {
			*rule(c, "east.Visits") = config.TableRule{Source: "east", Table: "Visits", Line: 60, Database: "billing"}
		}, []string{
			`merge.yaml:60: tables.east.Visits: column patient_id references the merged table patients in database clinical, whose rows are matched on (mrn): the match is looked up in that database, so east.Visits must load into clinical too`,
		}},
		{"self reference of a matched table", func(c *config.Config) {
			*rule(c, "west.Patient") = config.TableRule{Source: "west", Table: "Patient", Line: 28, Columns: []config.ColumnRule{
				{Name: "fax", Line: 29, References: "west.Patient"}}}
		}, []string{
			`merge.yaml:29: tables.west.Patient.columns.fax: column fax references the merged table patients, whose rows are matched on match_on: such a reference is resolved after every part of it is loaded, but west.Patient would then wait for itself (west.Patient -> west.Patient)`,
		}},
		{"table names per database", func(c *config.Config) {
			*rule(c, "east.Visits") = config.TableRule{Source: "east", Table: "Visits", Line: 60, Target: "doctors"}
			rule(c, "east.Invoices").Target = "doctors" // another database: allowed
		}, []string{
			`merge.yaml:60: tables.east.Visits: target table "doctors" is the target of both tables.doctors (from east.Doctors, west.Doctor) and east.Visits`,
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkErrors(t, mergeConfigWith(c.edit), mergeSchemasWithLog(), c.want)
		})
	}
}

// mergeSchemasWithLog adds a keyless table to west.
func mergeSchemasWithLog() []*sluice.Schema {
	s := mergeSchemas()
	s[1].Tables = append(s[1].Tables, sluice.Table{Name: "Log", Rows: 5, Columns: []sluice.Column{col("Message", kindT(sluice.KindText, "TEXT"), true)}})
	return s
}
