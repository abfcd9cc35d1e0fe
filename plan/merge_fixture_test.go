package plan

import (
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// The merge fixture: two clinics (MySQL east, SQLite west) whose patients
// and doctors merge into one table each, the patients matched on their
// medical record number; east's visits reference its patients; east's
// invoices load into a second database; east's patients expand into rooms
// and tags.

func eastSchema() *sluice.Schema {
	return &sluice.Schema{Source: "east", Engine: "mysql", Tables: []sluice.Table{
		{
			Name: "Patients", Rows: 50000, PrimaryKey: []string{"PatientID"},
			Columns: []sluice.Column{
				col("PatientID", intT("int(11)", 32, false), false),
				col("MRN", strT("varchar(20)", 20), false),
				col("FirstName", strT("varchar(50)", 50), false),
				col("LastName", strT("varchar(50)", 50), false),
				col("Sex", sluice.Type{Kind: sluice.KindString, Raw: "char(1)", Length: 1, Fixed: true}, true),
				col("Age", intT("tinyint(3) unsigned", 8, true), true),
				col("Phone", strT("varchar(30)", 30), true),
				col("Balance", sluice.Type{Kind: sluice.KindDecimal, Raw: "decimal(10,2)", Precision: 10, Scale: 2}, true),
				col("UpdatedAt", kindT(sluice.KindTimestamp, "datetime"), false),
				col("Notes", kindT(sluice.KindText, "text"), true),
				col("Legacy", kindT(sluice.KindText, "text"), true),
				col("DoctorID", intT("int(11)", 32, false), true),
				col("Tags", strT("varchar(200)", 200), true),
				col("NumRooms", intT("int(11)", 32, false), true),
			},
			Indexes: []sluice.Index{
				{Name: "uq_mrn", Columns: []string{"MRN"}, Unique: true},
				{Name: "ix_last", Columns: []string{"LastName"}},
			},
			ForeignKeys: []sluice.ForeignKey{fkTo([]string{"DoctorID"}, "Doctors", []string{"DoctorID"})},
		},
		{
			Name: "Doctors", Rows: 40, PrimaryKey: []string{"DoctorID"},
			Columns: []sluice.Column{
				col("DoctorID", intT("int(11)", 32, false), false),
				col("Name", strT("varchar(80)", 80), false),
			},
		},
		{
			Name: "Visits", Rows: 200000, PrimaryKey: []string{"VisitID"},
			Columns: []sluice.Column{
				col("VisitID", intT("int(11)", 32, false), false),
				col("PatientID", intT("int(11)", 32, false), false),
				col("VisitedOn", kindT(sluice.KindDate, "date"), false),
			},
			ForeignKeys: []sluice.ForeignKey{fkTo([]string{"PatientID"}, "Patients", []string{"PatientID"})},
		},
		{
			Name: "Invoices", Rows: 7000, PrimaryKey: []string{"InvoiceID"},
			Columns: []sluice.Column{
				col("InvoiceID", intT("int(11)", 32, false), false),
				col("DoctorID", intT("int(11)", 32, false), true),
				col("Amount", sluice.Type{Kind: sluice.KindDecimal, Raw: "decimal(10,2)", Precision: 10, Scale: 2}, false),
			},
			ForeignKeys: []sluice.ForeignKey{fkTo([]string{"DoctorID"}, "Doctors", []string{"DoctorID"})},
		},
	}}
}

func westSchema() *sluice.Schema {
	return &sluice.Schema{Source: "west", Engine: "sqlite", Tables: []sluice.Table{
		{
			Name: "Patient", Rows: 30000, PrimaryKey: []string{"ID"}, RowID: "rowid",
			Columns: []sluice.Column{
				col("ID", intT("INTEGER", 64, false), false),
				col("mrn", kindT(sluice.KindText, "TEXT"), false),
				col("first_name", strT("VARCHAR(60)", 60), false),
				col("last_name", strT("VARCHAR(40)", 40), true),
				col("age", intT("INTEGER", 64, false), true),
				col("balance", sluice.Type{Kind: sluice.KindDecimal, Raw: "NUMERIC(12,4)", Precision: 12, Scale: 4}, true),
				col("updated_at", kindT(sluice.KindTimestampTZ, "TIMESTAMPTZ"), true),
				col("fax", kindT(sluice.KindText, "TEXT"), true),
				col("doctor_id", intT("INTEGER", 64, false), true),
				col("photo", kindT(sluice.KindBytes, "BLOB"), true),
			},
			ForeignKeys: []sluice.ForeignKey{fkTo([]string{"doctor_id"}, "Doctor", []string{"ID"})},
		},
		{
			Name: "Doctor", Rows: 25, PrimaryKey: []string{"ID"}, RowID: "rowid",
			Columns: []sluice.Column{
				col("ID", intT("INTEGER", 64, false), false),
				col("name", kindT(sluice.KindText, "TEXT"), false),
			},
		},
	}}
}

func mergeSchemas() []*sluice.Schema {
	return []*sluice.Schema{eastSchema(), westSchema()}
}

func boolp(b bool) *bool { return &b }

// mergeConfig is the merge fixture's config, as the YAML in
// testdata/merge.yaml says it.
func mergeConfig() *config.Config {
	return &config.Config{
		File: "merge.yaml", Version: 1,
		Sources: []config.Source{{Name: "east", URL: "mysql://east", Line: 3}, {Name: "west", URL: "sqlite:///west.db", Line: 5}},
		Target:  config.Target{Name: "clinical", URL: "postgres://clinical", Schema: "public", Line: 8},
		Targets: []config.Target{
			{Name: "clinical", URL: "postgres://clinical", Schema: "public", Line: 8},
			{Name: "billing", URL: "postgres://billing", Schema: "finance", Line: 10},
		},
		Defaults: config.Defaults{Keys: config.KeysUUID, Strategy: config.StrategyCreate},
		Tables: []config.TableRule{
			{Source: "east", Table: "Patients", Line: 16,
				Columns: []config.ColumnRule{
					{Name: "MRN", Line: 18, Target: "mrn"},
					{Name: "Notes", Line: 19, Drop: true},
				},
				Fill: []config.FillRule{{Column: "fax", Line: 21}},
				Computed: []config.ComputedRule{
					{Column: "full_name", Expr: `FirstName + " " + LastName`, Line: 23},
					{Column: "gender", Expr: `{"M": "male", "F": "female"}[Sex] ?? "unknown"`, Line: 24},
				},
				Expand: []config.ExpandRule{
					{Table: "rooms", Kind: config.ExpandCount, Column: "NumRooms", Ordinal: "room_no", Line: 26},
					{Table: "patient_tags", Kind: config.ExpandList, Column: "Tags", Separator: ";", Value: "tag", Line: 27},
				}},
			{Source: "west", Table: "Patient", Line: 28,
				Columns: []config.ColumnRule{{Name: "photo", Line: 30, Drop: true}},
				Fill:    []config.FillRule{{Column: "phone", Value: strp("n/a"), Line: 32}},
				Computed: []config.ComputedRule{
					{Column: "full_name", Expr: `first_name + " " + (last_name ?? "")`, Type: "varchar(120)", Line: 34},
				}},
			{Source: "east", Table: "Invoices", Line: 35, Database: "billing", Strategy: config.StrategyAppend, DeleteMissing: boolp(true)},
		},
		Merges: []config.MergeRule{
			{Table: "patients", From: []string{"east.Patients", "west.Patient"}, MatchOn: []string{"mrn"},
				Prefer: []string{"west"}, DeleteMissing: boolp(true), Line: 38},
			{Table: "doctors", From: []string{"east.Doctors", "west.Doctor"}, Line: 44},
		},
	}
}
