package plan

import (
	"github.com/google/uuid"
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// The golden fixture: a PascalCase MySQL-like source with every type family,
// a composite key, a composite foreign key (columns in another order than
// the key), a self-reference, a cycle, a table without key and one with only
// a unique index; and a SQLite source that a column rule references.

func col(name string, t sluice.Type, nullable bool) sluice.Column {
	return sluice.Column{Name: name, Type: t, Nullable: nullable}
}

func intT(raw string, bits int, unsigned bool) sluice.Type {
	return sluice.Type{Kind: sluice.KindInt, Raw: raw, Bits: bits, Unsigned: unsigned}
}

func strT(raw string, n int) sluice.Type {
	return sluice.Type{Kind: sluice.KindString, Raw: raw, Length: n}
}

func kindT(k sluice.Kind, raw string) sluice.Type {
	return sluice.Type{Kind: k, Raw: raw}
}

func fkTo(cols []string, table string, refCols []string) sluice.ForeignKey {
	return sluice.ForeignKey{Name: "fk_" + table, Columns: cols, RefTable: table, RefColumns: refCols}
}

func clinicSchema() *sluice.Schema {
	return &sluice.Schema{Source: "clinic", Engine: "mysql", Tables: []sluice.Table{
		patients(), doctors(), departments(), orders(), orderLines(), auditLog(), settingsTable(),
	}}
}

// withDefault gives a fixture column a default, as the engine reports it.
func withDefault(c sluice.Column, def string) sluice.Column {
	c.Default = &def
	return c
}

func patients() sluice.Table {
	id := col("PatientID", intT("int(11)", 32, false), false)
	id.AutoIncrement = true
	updated := withDefault(col("UpdatedAt", kindT(sluice.KindTimestampTZ, "timestamp"), true), "current_timestamp()")
	updated.OnUpdate = "current_timestamp()"
	name := col("FullName", strT("varchar(100)", 100), false)
	name.Comment = "as on the patient's card"
	born := col("BirthYear", kindT(sluice.KindYear, "year(4)"), true)
	born.Generated = "year(`BirthDate`)"
	return sluice.Table{
		Name: "Patients", Rows: 123456, PrimaryKey: []string{"PatientID"}, Comment: "one row per patient",
		Checks: []sluice.Check{{Name: "age_range", Expr: "`Age` between 0 and 150"}, {Name: "CONSTRAINT_2", Expr: "`Code` regexp '^[A-Z]+$'"}},
		Columns: []sluice.Column{
			id,
			name,
			withDefault(col("IsActive", kindT(sluice.KindBool, "tinyint(1)"), true), "1"),
			col("Age", intT("tinyint(3) unsigned", 8, true), true),
			withDefault(col("Visits", intT("smallint(5) unsigned", 16, true), false), "0"),
			col("Weight", intT("mediumint(9)", 24, false), true),
			col("Score", intT("int(10) unsigned", 32, true), true),
			col("BigCounter", intT("bigint(20)", 64, false), true),
			col("HugeCounter", intT("bigint(20) unsigned", 64, true), true),
			col("Balance", sluice.Type{Kind: sluice.KindDecimal, Raw: "decimal(12,2)", Precision: 12, Scale: 2}, true),
			col("Height", sluice.Type{Kind: sluice.KindFloat, Raw: "float", Bits: 32}, true),
			col("Precise", sluice.Type{Kind: sluice.KindFloat, Raw: "double", Bits: 64}, true),
			withDefault(col("Code", sluice.Type{Kind: sluice.KindString, Raw: "char(8)", Length: 8, Fixed: true}, true), "newid()"),
			col("Notes", kindT(sluice.KindText, "text"), true),
			col("Photo", kindT(sluice.KindBytes, "blob"), true),
			col("BirthDate", kindT(sluice.KindDate, "date"), true),
			withDefault(col("CreatedAt", sluice.Type{Kind: sluice.KindTimestamp, Raw: "datetime(3)", Precision: 3}, false), "current_timestamp(3)"),
			updated,
			col("WakeTime", kindT(sluice.KindTime, "time"), true),
			born,
			withDefault(col("Status", sluice.Type{Kind: sluice.KindEnum, Raw: "enum('active','inactive')", Values: []string{"active", "inactive"}}, false), "'active'"),
			withDefault(col("Tags", sluice.Type{Kind: sluice.KindSet, Raw: "set('vip','new')", Values: []string{"vip", "new"}}, true), "'vip,new'"),
			col("Flags", sluice.Type{Kind: sluice.KindBit, Raw: "bit(8)", Bits: 8}, true),
			col("HasFlag", sluice.Type{Kind: sluice.KindBit, Raw: "bit(1)", Bits: 1}, true),
			col("Profile", kindT(sluice.KindJSON, "json"), true),
			col("Location", kindT(sluice.KindOther, "geometry"), true),
			col("DoctorID", intT("int(11)", 32, false), true),
			col("PharmacyDrugID", intT("int(11)", 32, false), true),
		},
		Indexes: []sluice.Index{
			{Name: "ix_name", Columns: []string{"FullName"}},
			{Name: "DoctorID", Columns: []string{"DoctorID"}},
		},
		ForeignKeys: []sluice.ForeignKey{fkTo([]string{"DoctorID"}, "Doctors", []string{"DoctorID"})},
	}
}

func doctors() sluice.Table {
	return sluice.Table{
		Name: "Doctors", Rows: 50, PrimaryKey: []string{"DoctorID"},
		Columns: []sluice.Column{
			col("DoctorID", intT("int(11)", 32, false), false),
			col("Name", strT("varchar(80)", 80), false),
			col("DeptID", intT("int(11)", 32, false), true),
			col("MentorID", intT("int(11)", 32, false), true),
		},
		ForeignKeys: []sluice.ForeignKey{
			fkTo([]string{"DeptID"}, "Departments", []string{"DeptID"}),
			withActions(fkTo([]string{"MentorID"}, "Doctors", []string{"DoctorID"}), sluice.SetNull, sluice.NoAction),
		},
	}
}

func departments() sluice.Table {
	return sluice.Table{
		Name: "Departments", Rows: 5, PrimaryKey: []string{"DeptID"},
		Columns: []sluice.Column{
			col("DeptID", intT("int(11)", 32, false), false),
			col("Name", strT("varchar(50)", 50), false),
			col("HeadDoctorID", intT("int(11)", 32, false), true),
		},
		ForeignKeys: []sluice.ForeignKey{fkTo([]string{"HeadDoctorID"}, "Doctors", []string{"DoctorID"})},
	}
}

func orders() sluice.Table {
	return sluice.Table{
		Name: "Orders", Rows: 40000, PrimaryKey: []string{"OrderNo", "Branch"},
		Columns: []sluice.Column{
			col("OrderNo", intT("int(11)", 32, false), false),
			col("Branch", strT("varchar(10)", 10), false),
			col("PatientID", intT("int(11)", 32, false), false),
			col("OrderedOn", kindT(sluice.KindDate, "date"), false),
		},
		ForeignKeys: []sluice.ForeignKey{withActions(fkTo([]string{"PatientID"}, "Patients", []string{"PatientID"}), sluice.Cascade, sluice.Restrict)},
	}
}

func withActions(fk sluice.ForeignKey, onDelete, onUpdate sluice.FKAction) sluice.ForeignKey {
	fk.OnDelete, fk.OnUpdate = onDelete, onUpdate
	return fk
}

func orderLines() sluice.Table {
	return sluice.Table{
		Name: "OrderLines", Rows: 250001, PrimaryKey: []string{"LineID"},
		Columns: []sluice.Column{
			col("LineID", intT("int(11)", 32, false), false),
			col("Branch", strT("varchar(10)", 10), false),
			col("OrderNo", intT("int(11)", 32, false), false),
			col("Qty", sluice.Type{Kind: sluice.KindDecimal, Raw: "decimal(10,3)", Precision: 10, Scale: 3}, false),
		},
		// The foreign key lists its columns in another order than Orders' key.
		ForeignKeys: []sluice.ForeignKey{fkTo([]string{"Branch", "OrderNo"}, "Orders", []string{"Branch", "OrderNo"})},
	}
}

func auditLog() sluice.Table {
	return sluice.Table{
		Name: "AuditLog", Rows: 10,
		Columns: []sluice.Column{
			col("Message", kindT(sluice.KindText, "text"), true),
			withDefault(col("LoggedAt", kindT(sluice.KindTimestamp, "datetime"), true), "current_timestamp()"),
		},
	}
}

func settingsTable() sluice.Table {
	return sluice.Table{
		Name: "Settings", Rows: 3,
		Columns: []sluice.Column{
			col("Name", strT("varchar(64)", 64), false),
			col("Value", kindT(sluice.KindText, "text"), true),
		},
		Indexes: []sluice.Index{{Name: "Name", Columns: []string{"Name"}, Unique: true}},
	}
}

func pharmacySchema() *sluice.Schema {
	return &sluice.Schema{Source: "pharmacy", Engine: "sqlite", Tables: []sluice.Table{
		{
			Name: "Drugs", Rows: 900, PrimaryKey: []string{"DrugID"}, RowID: "rowid",
			Checks: []sluice.Check{{Name: "Drugs_Price_check", Expr: "Price >= 0"}},
			Columns: []sluice.Column{
				drugID(),
				col("Name", kindT(sluice.KindText, "TEXT"), false),
				col("Label", strT("NVARCHAR(160)", 160), true),
				col("Price", sluice.Type{Kind: sluice.KindDecimal, Raw: "NUMERIC(10,2)", Precision: 10, Scale: 2}, true),
				withDefault(col("Active", kindT(sluice.KindBool, "BOOLEAN"), true), "1"),
				col("Doses", intT("SMALLINT", 16, false), true),
				col("Ratio", sluice.Type{Kind: sluice.KindFloat, Raw: "REAL", Bits: 64}, true),
				withDefault(col("Added", kindT(sluice.KindTimestamp, "DATETIME"), true), "CURRENT_TIMESTAMP"),
				col("Pack", kindT(sluice.KindBytes, "BLOB"), true),
				col("Meta", kindT(sluice.KindJSON, "JSON"), true),
				col("Strength", kindT(sluice.KindOther, ""), true),
				col("SupplierID", intT("INTEGER", 64, false), true),
			},
			ForeignKeys: []sluice.ForeignKey{fkTo([]string{"SupplierID"}, "Suppliers", []string{"SupplierID"})},
		},
		{
			Name: "Suppliers", Rows: 20, PrimaryKey: []string{"SupplierID"}, RowID: "rowid",
			Columns: []sluice.Column{
				col("SupplierID", intT("INTEGER", 64, false), false),
				col("Name", kindT(sluice.KindText, "TEXT"), false),
			},
		},
		{
			Name: "Stock", Rows: 70000, RowID: "rowid",
			Columns: []sluice.Column{
				col("DrugID", intT("INTEGER", 64, false), true),
				col("Qty", intT("INTEGER", 64, false), true),
			},
		},
	}}
}

// drugID is SQLite's INTEGER PRIMARY KEY: the row id, numbered by SQLite.
func drugID() sluice.Column {
	c := col("DrugID", intT("INTEGER", 64, false), false)
	c.AutoIncrement = true
	return c
}

func fixtureSchemas() []*sluice.Schema {
	return []*sluice.Schema{clinicSchema(), pharmacySchema()}
}

func strp(s string) *string { return &s }

// fixtureConfig is the config of one golden variant; the rules are the same
// in both, the defaults differ.
func fixtureConfig(d config.Defaults) *config.Config {
	return &config.Config{
		File: "sluice.yaml", Version: 1,
		Sources: []config.Source{
			{Name: "clinic", URL: "mysql://app:s3cr3t@db1.internal:3306/clinic", Line: 4},
			{Name: "pharmacy", URL: "sqlite:///data/pharmacy.db", Line: 6},
		},
		Target:   config.Target{URL: "postgres://sluice:${TARGET_PASSWORD}@pg:5432/platform", Schema: "legacy", Line: 9},
		Defaults: d,
		Tables: []config.TableRule{
			{Source: "clinic", Table: "Patients", Line: 20, Target: "patients", LegacyColumn: "legacy_patient_id",
				Where: "Status <> 'deleted'", Columns: []config.ColumnRule{
					{Name: "PharmacyDrugID", Line: 24, References: "pharmacy.Drugs"},
					{Name: "Notes", Line: 25, Drop: true},
					{Name: "FullName", Line: 26, Type: "varchar(50)"},
					{Name: "IsActive", Line: 27, Type: "boolean", Default: strp("true")},
					{Name: "WakeTime", Line: 28, Type: "interval"},
				}},
			{Source: "clinic", Table: "AuditLog", Line: 30, ChunkRows: 5000},
			{Source: "pharmacy", Table: "Suppliers", Line: 33, Skip: true},
		},
	}
}

func uuidDefaults() config.Defaults {
	return config.Defaults{Naming: config.NamingSnake, Keys: config.KeysUUID, KeyNamespace: sluice.DefaultNamespace,
		LegacyColumn: "legacy_id", ChunkRows: 20000, Workers: 4, Strategy: config.StrategyCreate, ZeroDates: config.ZeroDatesNull}
}

func keepDefaults() config.Defaults {
	return config.Defaults{Naming: config.NamingCamel, Keys: config.KeysKeep, KeyNamespace: uuid.MustParse("6ba7b811-9dad-11d1-80b4-00c04fd430c8"),
		LegacyColumn: "legacy_id", ChunkRows: 50000, Workers: 8, Strategy: config.StrategyTruncate, ZeroDates: config.ZeroDatesReject}
}
