package plan

import (
	"testing"

	"github.com/sluicedb/sluice"
)

type typeCase struct {
	src     sluice.Type
	want    string
	unknown bool
}

func dec(raw string, p, s int) sluice.Type {
	return sluice.Type{Kind: sluice.KindDecimal, Raw: raw, Precision: p, Scale: s}
}

func timeT(k sluice.Kind, raw string, p int) sluice.Type {
	return sluice.Type{Kind: k, Raw: raw, Precision: p}
}

// Every row of docs/TYPES.md, MySQL and MariaDB, as the MySQL source reports
// each type.
func TestMapTypeMySQL(t *testing.T) {
	cases := []typeCase{
		{kindT(sluice.KindBool, "tinyint(1)"), "boolean", false},
		{intT("tinyint(1)", 8, false), "boolean", false}, // a source that leaves it an integer
		{kindT(sluice.KindBool, "bool"), "boolean", false},
		{kindT(sluice.KindBool, "boolean"), "boolean", false},
		{intT("tinyint(4)", 8, false), "smallint", false},
		{intT("tinyint(3) unsigned", 8, true), "smallint", false},
		{intT("smallint(6)", 16, false), "smallint", false},
		{intT("smallint(5) unsigned", 16, true), "integer", false},
		{intT("mediumint(9)", 24, false), "integer", false},
		{intT("mediumint(8) unsigned", 24, true), "integer", false},
		{intT("int(11)", 32, false), "integer", false},
		{intT("int(10) unsigned", 32, true), "bigint", false},
		{intT("bigint(20)", 64, false), "bigint", false},
		{intT("bigint(20) unsigned", 64, true), "numeric(20,0)", false},
		{dec("decimal(12,2)", 12, 2), "numeric(12,2)", false},
		{dec("decimal(65,30)", 65, 30), "numeric(65,30)", false},
		{sluice.Type{Kind: sluice.KindFloat, Raw: "float", Bits: 32}, "real", false},
		{sluice.Type{Kind: sluice.KindFloat, Raw: "double", Bits: 64}, "double precision", false},
		{sluice.Type{Kind: sluice.KindString, Raw: "char(8)", Length: 8, Fixed: true}, "varchar(8)", false},
		{strT("varchar(255)", 255), "varchar(255)", false},
		{kindT(sluice.KindText, "tinytext"), "text", false},
		{kindT(sluice.KindText, "text"), "text", false},
		{kindT(sluice.KindText, "mediumtext"), "text", false},
		{kindT(sluice.KindText, "longtext"), "text", false},
		{sluice.Type{Kind: sluice.KindBytes, Raw: "binary(16)", Length: 16, Fixed: true}, "bytea", false},
		{sluice.Type{Kind: sluice.KindBytes, Raw: "varbinary(200)", Length: 200}, "bytea", false},
		{kindT(sluice.KindBytes, "tinyblob"), "bytea", false},
		{kindT(sluice.KindBytes, "blob"), "bytea", false},
		{kindT(sluice.KindBytes, "mediumblob"), "bytea", false},
		{kindT(sluice.KindBytes, "longblob"), "bytea", false},
		{kindT(sluice.KindDate, "date"), "date", false},
		{timeT(sluice.KindTimestamp, "datetime", 0), "timestamp", false},
		{timeT(sluice.KindTimestamp, "datetime(6)", 6), "timestamp(6)", false},
		{timeT(sluice.KindTimestampTZ, "timestamp", 0), "timestamptz", false},
		{timeT(sluice.KindTimestampTZ, "timestamp(3)", 3), "timestamptz(3)", false},
		{timeT(sluice.KindTime, "time", 0), "time", false},
		{timeT(sluice.KindTime, "time(2)", 2), "time(2)", false},
		{kindT(sluice.KindYear, "year(4)"), "smallint", false},
		{sluice.Type{Kind: sluice.KindEnum, Raw: "enum('a','b')", Values: []string{"a", "b"}}, "text", false},
		{sluice.Type{Kind: sluice.KindSet, Raw: "set('a','b')", Values: []string{"a", "b"}}, "text[]", false},
		{sluice.Type{Kind: sluice.KindBit, Raw: "bit(1)", Bits: 1}, "boolean", false},
		{sluice.Type{Kind: sluice.KindBit, Raw: "bit(12)", Bits: 12}, "bit(12)", false},
		{kindT(sluice.KindJSON, "json"), "jsonb", false},
		{kindT(sluice.KindOther, "geometry"), "text", true},
		{kindT(sluice.KindOther, "point"), "text", true},
		{kindT(sluice.KindUUID, "uuid"), "uuid", false}, // MariaDB 10.7+
	}
	checkTypes(t, "mysql", cases)
}

// Every row of docs/TYPES.md for SQLite, with the kinds the SQLite source
// gives the declared names.
func TestMapTypeSQLite(t *testing.T) {
	cases := []typeCase{
		{kindT(sluice.KindBool, "BOOLEAN"), "boolean", false},
		{kindT(sluice.KindBool, "BOOL"), "boolean", false},
		{kindT(sluice.KindBool, "TINYINT(1)"), "boolean", false},
		{intT("TINYINT", 8, false), "smallint", false},
		{intT("SMALLINT", 16, false), "smallint", false},
		{intT("INT2", 16, false), "smallint", false},
		{intT("INTEGER", 64, false), "bigint", false},
		{intT("INT", 64, false), "bigint", false},
		{intT("BIGINT", 64, false), "bigint", false},
		{intT("UNSIGNED BIG INT", 64, false), "bigint", false},
		{dec("NUMERIC(10,2)", 10, 2), "numeric(10,2)", false},
		{dec("DECIMAL(5,0)", 5, 0), "numeric(5,0)", false},
		{dec("NUMERIC", 0, 0), "numeric", false},
		{dec("DECIMAL", 0, 0), "numeric", false},
		{sluice.Type{Kind: sluice.KindFloat, Raw: "REAL", Bits: 64}, "double precision", false},
		{sluice.Type{Kind: sluice.KindFloat, Raw: "DOUBLE", Bits: 64}, "double precision", false},
		{sluice.Type{Kind: sluice.KindFloat, Raw: "DOUBLE PRECISION", Bits: 64}, "double precision", false},
		{sluice.Type{Kind: sluice.KindFloat, Raw: "FLOAT", Bits: 64}, "double precision", false},
		{strT("CHAR(2)", 2), "varchar(2)", false},
		{strT("VARCHAR(40)", 40), "varchar(40)", false},
		{strT("NCHAR(5)", 5), "varchar(5)", false},
		{strT("NVARCHAR(160)", 160), "varchar(160)", false},
		{strT("CHARACTER(20)", 20), "varchar(20)", false},
		{strT("VARYING CHARACTER(255)", 255), "varchar(255)", false},
		{kindT(sluice.KindText, "TEXT"), "text", false},
		{kindT(sluice.KindText, "CLOB"), "text", false},
		{kindT(sluice.KindText, "VARCHAR"), "text", false},
		{kindT(sluice.KindBytes, "BLOB"), "bytea", false},
		{kindT(sluice.KindDate, "DATE"), "date", false},
		{kindT(sluice.KindTimestamp, "DATETIME"), "timestamp", false},
		{kindT(sluice.KindTimestamp, "TIMESTAMP"), "timestamp", false},
		{kindT(sluice.KindTime, "TIME"), "time", false},
		{kindT(sluice.KindJSON, "JSON"), "jsonb", false},
		{kindT(sluice.KindOther, ""), "text", true},
		{kindT(sluice.KindOther, "MONEY"), "text", true},
	}
	checkTypes(t, "sqlite", cases)
}

// A PostgreSQL source keeps its types; serials become plain integers and
// types that are not built in become text.
func TestMapTypePostgres(t *testing.T) {
	cases := []typeCase{
		{intT("integer", 32, false), "integer", false},
		{intT("bigint", 64, false), "bigint", false},
		{intT("smallint", 16, false), "smallint", false},
		{dec("numeric(12,2)", 12, 2), "numeric(12,2)", false},
		{dec("numeric", 0, 0), "numeric", false},
		{strT("character varying(20)", 20), "character varying(20)", false},
		{strT("varchar(20)", 20), "varchar(20)", false},
		{kindT(sluice.KindText, "text"), "text", false},
		{kindT(sluice.KindBytes, "bytea"), "bytea", false},
		{kindT(sluice.KindBool, "boolean"), "boolean", false},
		{kindT(sluice.KindDate, "date"), "date", false},
		{kindT(sluice.KindTimestamp, "timestamp without time zone"), "timestamp without time zone", false},
		{kindT(sluice.KindTimestamp, "timestamp(3) without time zone"), "timestamp(3) without time zone", false},
		{kindT(sluice.KindTimestampTZ, "timestamp with time zone"), "timestamp with time zone", false},
		{kindT(sluice.KindTimestampTZ, "timestamptz"), "timestamptz", false},
		{kindT(sluice.KindTime, "time without time zone"), "time without time zone", false},
		{kindT(sluice.KindOther, "interval"), "interval", false},
		{kindT(sluice.KindUUID, "uuid"), "uuid", false},
		{kindT(sluice.KindJSON, "json"), "json", false},
		{kindT(sluice.KindJSON, "jsonb"), "jsonb", false},
		{kindT(sluice.KindOther, "integer[]"), "integer[]", false},
		{kindT(sluice.KindOther, "character varying(10)[]"), "character varying(10)[]", false},
		{kindT(sluice.KindOther, "text[][]"), "text[][]", false},
		{intT("serial", 32, false), "integer", false},
		{intT("bigserial", 64, false), "bigint", false},
		{intT("smallserial", 16, false), "smallint", false},
		{sluice.Type{Kind: sluice.KindEnum, Raw: "mood", Values: []string{"sad", "ok"}}, "text", false}, // its members are checked
		{kindT(sluice.KindOther, "us_postal_code"), "text", true},                                       // a domain
		{kindT(sluice.KindOther, "public.complex"), "text", true},                                       // a composite type
		{kindT(sluice.KindOther, "citext"), "text", true},                                               // an extension's type
		{intT("", 32, false), "integer", false},                                                         // no declared type: by kind
	}
	checkTypes(t, "postgres", cases)
}

func checkTypes(t *testing.T, engine string, cases []typeCase) {
	t.Helper()
	for _, c := range cases {
		got, unknown := MapType(engine, c.src)
		if got != c.want || unknown != c.unknown {
			t.Errorf("%s %q (%s): got %q unknown=%v, want %q unknown=%v", engine, c.src.Raw, c.src.Kind, got, unknown, c.want, c.unknown)
		}
	}
}

func TestNarrows(t *testing.T) {
	cases := []struct {
		mapped, override string
		want             bool
	}{
		{"varchar(100)", "varchar(50)", true},
		{"varchar(100)", "varchar(100)", false},
		{"varchar(100)", "varchar(200)", false},
		{"varchar(100)", "text", false},
		{"text", "varchar(255)", true},
		{"text", "char(1)", true},
		{"varchar(10)", "character varying(9)", true},
		{"numeric(12,2)", "numeric(10,2)", true},
		{"numeric(12,2)", "numeric(12,1)", true},
		{"numeric(12,2)", "numeric(14,4)", false},
		{"numeric(12,2)", "numeric", false},
		{"numeric", "numeric(30,10)", true},
		{"numeric(20,0)", "bigint", true},
		{"numeric(5,0)", "integer", false},
		{"numeric(5,2)", "integer", true},
		{"bigint", "integer", true},
		{"integer", "smallint", true},
		{"smallint", "integer", false},
		{"integer", "numeric(9,0)", false},
		{"integer", "numeric(5,0)", true},
		{"bigint", "numeric", false},
		{"double precision", "real", true},
		{"real", "double precision", false},
		{"time", "interval", false},
		{"text", "jsonb", false},
		{"integer", "text", false},
	}
	for _, c := range cases {
		if got := narrows(c.mapped, c.override); got != c.want {
			t.Errorf("narrows(%q, %q) = %v, want %v", c.mapped, c.override, got, c.want)
		}
	}
}
