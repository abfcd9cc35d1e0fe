package sqlexpr

import (
	"strings"
	"testing"
)

// cols is the table the cases translate against: source names on the
// left, renamed target columns of every class on the right.
var cols = map[string]Column{
	"Qty":       {Target: "qty", Type: "integer"},
	"Price":     {Target: "price", Type: "numeric(10,2)"},
	"Ratio":     {Target: "ratio", Type: "double precision"},
	"Name":      {Target: "name", Type: "varchar(50)"},
	"Status":    {Target: "status", Type: "text", Members: []string{"active", "inactive"}},
	"Active":    {Target: "active", Type: "boolean"},
	"Born":      {Target: "born", Type: "date"},
	"Seen":      {Target: "seen", Type: "timestamp(3)"},
	"Meta":      {Target: "meta", Type: "jsonb"},
	"Tags":      {Target: "tags", Type: "text[]", Members: []string{"a", "b"}},
	"PatientID": {Target: "id", Type: "uuid", Unusable: "holds the row's uuid in the target"},
	"Shape":     {Target: "shape", Type: "geometry"},
	"select":    {Target: "select", Type: "integer"},
}

// env is cols as a dialect's catalog names them: PostgreSQL's are lower
// case unless quoted.
func env(d Dialect) Env {
	c := cols
	if d == Postgres {
		c = map[string]Column{}
		for k, v := range cols {
			c[strings.ToLower(k)] = v
		}
	}
	return Env{Dialect: d, Columns: c, EnumTypes: map[string]bool{"mood": true}}
}

// checkCases are checks that translate, and what they become.
var checkCases = []struct {
	d        Dialect
	src, out string
}{
	// MySQL and MariaDB, as information_schema prints them.
	{MySQL, "`Qty` > 0", `("qty" > 0)`},
	{MySQL, "`qty` >= 0 and `Price` < 100.5", `(("qty" >= 0) AND ("price" < 100.5))`},
	{MySQL, "`Qty` between 1 and 10", `("qty" BETWEEN 1 AND 10)`},
	{MySQL, "`Qty` not between -1 and +10", `("qty" NOT BETWEEN -1 AND 10)`},
	{MySQL, "`Status` in ('active','inactive')", `("status" IN ('active', 'inactive'))`},
	{MySQL, "`Name` <> _utf8mb4'' and `Name` not like '%\\\\_%'", `(("name" <> '') AND ("name" NOT LIKE E'%\\_%'))`},
	{MySQL, "`Name` <> 'it\\'s'", `("name" <> 'it''s')`},
	{MySQL, "`Name` is not null or `Qty` is null", `(("name" IS NOT NULL) OR ("qty" IS NULL))`},
	{MySQL, "char_length(`Name`) > 2 && `Qty` <=> 3", `((char_length("name") > 2) AND ("qty" IS NOT DISTINCT FROM 3))`},
	{MySQL, "length(trim(`Name`)) > 0", `(octet_length(trim("name")) > 0)`},
	{MySQL, "`Active` = 1 or `Active` = '0'", `(("active" = true) OR ("active" = false))`},
	{MySQL, "`Active` xor `Qty` > 1", `("active" <> ("qty" > 1))`},
	{MySQL, "!(`Qty` < 0)", `(NOT ("qty" < 0))`},
	{MySQL, "`Qty` > '5'", `("qty" > 5)`},
	{MySQL, "`Qty` DIV 2 > 1 and `Qty` % 2 = 0", `((div("qty", 2) > 1) AND (("qty" % 2) = 0))`},
	{MySQL, "`Born` > '2000-01-01'", `("born" > '2000-01-01')`},
	{MySQL, "`Born` < `Seen`", `("born" < "seen")`},
	{MySQL, "ifnull(`Qty`, 0) + `Qty` * 2 < 10", `((COALESCE("qty", 0) + ("qty" * 2)) < 10)`},
	{MySQL, "json_valid(`Meta`)", `("meta" IS NOT NULL OR NULL)`},
	{MySQL, "case when `Qty` > 0 then `Name` is not null else true end", `CASE WHEN ("qty" > 0) THEN ("name" IS NOT NULL) ELSE true END`},
	{MySQL, "`select` > 0 -- a comment", `("select" > 0)`},
	{MySQL, "upper(`Name`) = `Name` || `Qty` > 0", `((upper("name") = "name") OR ("qty" > 0))`},
	// SQLite, as written in CREATE TABLE.
	{SQLite, `"Qty" > 0 AND [Price] >= 0`, `(("qty" > 0) AND ("price" >= 0))`},
	{SQLite, "name LIKE 'a%'", `("name" ILIKE 'a%' ESCAPE '')`},
	{SQLite, "length(Name) <= 50 AND Name != ''", `((char_length("name") <= 50) AND ("name" <> ''))`},
	{SQLite, "Name || 'x' == 'ax'", `(("name" || 'x') = 'ax')`},
	{SQLite, "Active IN (0, 1)", `("active" IN (false, true))`},
	{SQLite, "Ratio / 2.0 < 1.0", `(("ratio" / 2.0) < 1.0)`},
	// PostgreSQL, as pg_get_constraintdef prints it.
	{Postgres, `((qty > 0) AND ((name)::text <> ''::text))`, `(("qty" > 0) AND (CAST("name" AS text) <> CAST('' AS text)))`},
	{Postgres, `((price >= (0)::numeric) AND (price <= (100)::numeric))`, `(("price" >= CAST(0 AS numeric)) AND ("price" <= CAST(100 AS numeric)))`},
	{Postgres, `((status ~~ 'a%'::text) OR (status = ANY (ARRAY['active'::text, 'inactive'::text])))`, `(("status" LIKE CAST('a%' AS text)) OR ("status" IN (CAST('active' AS text), CAST('inactive' AS text))))`},
	{Postgres, `(status <> ALL (ARRAY['x'::text]))`, `("status" NOT IN (CAST('x' AS text)))`},
	{Postgres, `(status = 'active'::mood)`, `("status" = 'active')`},
	{Postgres, `("select" > 0)`, `("select" > 0)`},
	{Postgres, `(qty / 2 > 1)`, `(("qty" / 2) > 1)`},
	{Postgres, `(active IS TRUE)`, `("active" IS TRUE)`},
	// SQL Server, as sys.check_constraints shows checks.
	{SQLServer, "([Qty]>(0))", `("qty" > 0)`},
	{SQLServer, "([Qty]>=(0) AND [Price]<(100.5))", `(("qty" >= 0) AND ("price" < 100.5))`},
	{SQLServer, "([Name]<>N'' AND [name] IS NOT NULL)", `(("name" <> '') AND ("name" IS NOT NULL))`},
	{SQLServer, "([Active]=(1) OR [Active]=(0))", `(("active" = true) OR ("active" = false))`},
	{SQLServer, "(isnull([Qty],(0))>=(0))", `(COALESCE("qty", 0) >= 0)`},
	{SQLServer, "([Born]>='1900-01-01')", `("born" >= '1900-01-01')`},
}

func TestCheck(t *testing.T) {
	for _, c := range checkCases {
		got, err := Check(env(c.d), c.src)
		if err != nil {
			t.Errorf("%s %q: %v", c.d, c.src, err)
			continue
		}
		if got != c.out {
			t.Errorf("%s %q:\n got  %s\n want %s", c.d, c.src, got, c.out)
		}
	}
}

// Every check that cannot mean the same in PostgreSQL is refused, and the
// reason names what is wrong.
func TestCheckRefused(t *testing.T) {
	cases := []struct {
		d        Dialect
		src, why string
	}{
		{MySQL, "`d` regexp '^[a-z]+$'", "REGEXP is not translated"},
		{MySQL, "`Nope` > 0", "Nope, which is not a column"},
		{MySQL, "`PatientID` > 0", "holds the row's uuid"},
		{MySQL, "`Shape` is not null", "of type geometry"},
		{MySQL, "`Qty`", "is not a condition"},
		{MySQL, "`Qty` and 1", "is not a condition"},
		{MySQL, "`Name` = 5", "compares them as numbers"},
		{MySQL, "`Qty` > 'abc'", "'abc' is not a number"},
		{MySQL, "`Qty` > `Name`", "compares an integer with text"},
		{MySQL, "`Status` > 'active'", "ordering text"},
		{MySQL, "`Status` = 'deleted'", "not a member of the ENUM"},
		{MySQL, "`Active` > 0", "ordering a boolean"},
		{MySQL, "`Qty` / 2 > 1", "division differs"},
		{MySQL, "`Price` % 2 = 0", "remainder of non-integers"},
		{MySQL, "`Qty` & 1 = 1", "operator & is not translated"},
		{MySQL, "cast(`Name` as signed) > 0", "converts differently"},
		{MySQL, "`Born` > '0000-00-00'", "is not a date PostgreSQL can hold"},
		{MySQL, "`Seen` < now()", "current time"},
		{MySQL, "newid() is not null", "newid() has no PostgreSQL equivalent known"},
		{MySQL, "`Name` collate utf8mb4_bin = 'a'", "COLLATE"},
		{MySQL, "find_in_set('a', `Tags`) > 0", "find_in_set() has no PostgreSQL equivalent"},
		{MySQL, "`Qty` in (select 1)", "subquery"},
		{MySQL, "'unterminated", "unterminated string"},
		{SQLite, "Name LIKE 'é%'", "ASCII pattern only"},
		{SQLite, "Name GLOB 'a*'", "GLOB is not translated"},
		{SQLite, "Qty / 2 > 1", "division differs"},
		{Postgres, `(qty > ANY (ARRAY[1, 2]))`, "> ANY"},
		{Postgres, `((name)::regclass IS NOT NULL)`, "a cast to regclass"},
		{Postgres, `("Qty" > 0)`, "Qty, which is not a column"},
	}
	for _, c := range cases {
		got, err := Check(env(c.d), c.src)
		if err == nil {
			t.Errorf("%s %q translated to %s; want it refused (%s)", c.d, c.src, got, c.why)
			continue
		}
		if !strings.Contains(err.Error(), c.why) {
			t.Errorf("%s %q: %v; want a reason with %q", c.d, c.src, err, c.why)
		}
	}
}

// defaultCases are defaults that translate, for a column of type typ.
var defaultCases = []struct {
	d             Dialect
	src, typ, out string
	members       []string
}{
	{MySQL, "'it''s'", "varchar(20)", "'it''s'", nil},
	{MySQL, `'a\\b'`, "text", `E'a\\b'`, nil},
	{MySQL, "5", "integer", "5", nil},
	{MySQL, "'5'", "bigint", "5", nil},
	{MySQL, "-1500", "double precision", "-1500", nil},
	{MySQL, "1.50", "numeric(5,2)", "1.50", nil},
	{MySQL, "5", "varchar(3)", "'5'", nil},
	{MySQL, "NULL", "integer", "", nil},
	{MySQL, "1", "boolean", "true", nil},
	{MySQL, "'0'", "boolean", "false", nil},
	{MySQL, "b'1'", "boolean", "true", nil},
	{MySQL, "b'101'", "bit(8)", "B'00000101'", nil},
	{MySQL, "0", "bit(3)", "B'000'", nil},
	{MySQL, "current_timestamp()", "timestamp", "LOCALTIMESTAMP", nil},
	{MySQL, "current_timestamp(3)", "timestamptz(3)", "CURRENT_TIMESTAMP(3)", nil},
	{MySQL, "CURRENT_TIMESTAMP", "timestamptz", "CURRENT_TIMESTAMP", nil},
	{MySQL, "now()", "date", "CURRENT_DATE", nil},
	{MySQL, "curdate()", "date", "CURRENT_DATE", nil},
	{MySQL, "curtime()", "time", "LOCALTIME", nil},
	{MySQL, "utc_timestamp()", "timestamp", "(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')", nil},
	{MySQL, "'2020-01-01'", "date", "'2020-01-01'", nil},
	{MySQL, "'2020-01-01 10:00:00'", "timestamptz", "'2020-01-01 10:00:00+00'", nil},
	{MySQL, "uuid()", "varchar(36)", "gen_random_uuid()::text", nil},
	{MySQL, "(uuid())", "uuid", "gen_random_uuid()", nil},
	{MySQL, "'active'", "text", "'active'", []string{"active", "inactive"}},
	{MySQL, "'active'", `"s"."t_status"`, "'active'", []string{"active", "inactive"}},
	{MySQL, "'a,b'", "text[]", "ARRAY['a', 'b']::text[]", []string{"a", "b"}},
	{MySQL, "''", "text[]", "'{}'::text[]", []string{"a", "b"}},
	{MySQL, "'{}'", "jsonb", "'{}'", nil},
	{MySQL, "'ab'", "bytea", `'\x6162'::bytea`, nil},
	{MySQL, "x'0A0B'", "bytea", `'\x0a0b'::bytea`, nil},
	{MySQL, "'8c9b1a7e-4b0a-5674-93e2-be8c183b5270'", "uuid", "'8c9b1a7e-4b0a-5674-93e2-be8c183b5270'", nil},
	{SQLite, "CURRENT_TIMESTAMP", "timestamp", "date_trunc('second', CURRENT_TIMESTAMP AT TIME ZONE 'UTC')", nil},
	{SQLite, "(datetime('now'))", "timestamp", "date_trunc('second', CURRENT_TIMESTAMP AT TIME ZONE 'UTC')", nil},
	{SQLite, "CURRENT_DATE", "date", "(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date", nil},
	{SQLite, "CURRENT_TIMESTAMP", "text", "to_char(CURRENT_TIMESTAMP AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')", nil},
	{SQLite, "'n/a'", "text", "'n/a'", nil},
	{SQLite, "0", "boolean", "false", nil},
	{SQLite, "-1", "bigint", "-1", nil},
	{Postgres, "'it''s'::character varying", "varchar(20)", "CAST('it''s' AS character varying)", nil},
	{Postgres, "now()", "timestamptz", "now()", nil},
	{Postgres, "CURRENT_TIMESTAMP", "timestamp", "CURRENT_TIMESTAMP", nil},
	{Postgres, "'{}'::jsonb", "jsonb", "CAST('{}' AS jsonb)", nil},
	{Postgres, "gen_random_uuid()", "uuid", "gen_random_uuid()", nil},
	{Postgres, "'ok'::mood", "text", "'ok'", []string{"sad", "ok"}},
	{Postgres, "true", "boolean", "true", nil},
	{Postgres, "1.5", "numeric(5,2)", "1.5", nil},
	// SQL Server, as sys.default_constraints shows defaults: in parentheses.
	{SQLServer, "((0))", "boolean", "false", nil},
	{SQLServer, "((1))", "smallint", "1", nil},
	{SQLServer, "(N'new')", "varchar(10)", "'new'", nil},
	{SQLServer, "('it''s')", "text", "'it''s'", nil},
	{SQLServer, "(getdate())", "timestamp(3)", "LOCALTIMESTAMP", nil},
	{SQLServer, "(sysutcdatetime())", "timestamp", "(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')", nil},
	{SQLServer, "(newid())", "uuid", "gen_random_uuid()", nil},
	{SQLServer, "((12.50))", "numeric(19,4)", "12.50", nil},
	{SQLServer, "(0x0A)", "bytea", `'\x0a'::bytea`, nil},
}

func TestDefault(t *testing.T) {
	for _, c := range defaultCases {
		got, err := Default(env(c.d), c.src, c.typ, c.members)
		if err != nil {
			t.Errorf("%s %q for %s: %v", c.d, c.src, c.typ, err)
			continue
		}
		if got != c.out {
			t.Errorf("%s %q for %s:\n got  %s\n want %s", c.d, c.src, c.typ, got, c.out)
		}
	}
}

func TestDefaultRefused(t *testing.T) {
	cases := []struct {
		d             Dialect
		src, typ, why string
	}{
		{MySQL, "(`n` + 1)", "integer", "reads column n, which a PostgreSQL default cannot"},
		{MySQL, "'0000-00-00'", "date", "is not a date PostgreSQL can hold"},
		{MySQL, "'0000-00-00 00:00:00'", "timestamp", "is not a timestamp PostgreSQL can hold"},
		{MySQL, "'abc'", "integer", "'abc' is not a number"},
		{MySQL, "'2'", "boolean", "'2' is not a boolean"},
		{MySQL, "b'1111'", "bit(3)", "does not fit bit(3)"},
		{MySQL, "'deleted'", "text", "not a member of the ENUM"},
		{MySQL, "'c'", "text[]", `"c" is not a member of the SET`},
		{MySQL, "'{'", "jsonb", "is not JSON"},
		{MySQL, "newid()", "uuid", "newid() has no PostgreSQL equivalent known"},
		{MySQL, "current_timestamp()", "varchar(20)", "no translation for text"},
		{MySQL, "uuid()", "integer", "gives a uuid to a column of an integer"},
		{MySQL, "'01:00:00'", "interval", "is not a value of another type"},
		{MySQL, "'a\x00b'", "text", "NUL"},
		{SQLite, "(lower(hex(randomblob(16))))", "text", "hex() has no PostgreSQL equivalent known"},
		{SQLite, "datetime('now', 'localtime')", "timestamp", "datetime() has no PostgreSQL equivalent known"},
		{Postgres, "nextval('t_id_seq'::regclass)", "integer", "nextval() has no PostgreSQL equivalent known"},
		{Postgres, "my_func()", "text", "my_func() has no PostgreSQL equivalent known"},
	}
	for _, c := range cases {
		got, err := Default(env(c.d), c.src, c.typ, map[bool][]string{true: {"a", "b"}}[c.typ == "text[]" || c.src == "'deleted'"])
		if err == nil {
			t.Errorf("%s %q for %s translated to %s; want it refused (%s)", c.d, c.src, c.typ, got, c.why)
			continue
		}
		if !strings.Contains(err.Error(), c.why) {
			t.Errorf("%s %q for %s: %v; want a reason with %q", c.d, c.src, c.typ, err, c.why)
		}
	}
}
