package cast_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/cast"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/sluicetest"
)

// copyColumn is one column of the round trip: a source value cast to the
// column's type, and how PostgreSQL shows it after the COPY (col::text).
type copyColumn struct {
	name, typ string
	from      sluice.Type
	in        any
	want      string // "NULL" for NULL
}

var (
	kInt   = sluice.Type{Kind: sluice.KindInt}
	kText  = sluice.Type{Kind: sluice.KindText}
	kOther = sluice.Type{Kind: sluice.KindOther}
	kSet   = sluice.Type{Kind: sluice.KindSet, Values: []string{"a", "b", "c"}}
	kEnum  = sluice.Type{Kind: sluice.KindEnum, Values: []string{"a", "b"}}
)

var copyColumns = []copyColumn{
	{"b", "boolean", sluice.Type{Kind: sluice.KindBool}, int64(1), "true"},
	{"s", "smallint", kInt, int64(-32768), "-32768"},
	{"i", "integer", kText, "2147483647", "2147483647"},
	{"g", "bigint", kInt, uint64(math.MaxInt64), "9223372036854775807"},
	{"n", "numeric", sluice.Type{Kind: sluice.KindDecimal}, "-12.340", "-12.340"},
	{"np", "numeric(10,2)", sluice.Type{Kind: sluice.KindFloat}, 0.1, "0.10"},
	{"nn", "numeric", kText, "NaN", "NaN"},
	{"ni", "numeric", kText, "-Infinity", "-Infinity"},
	{"nbig", "numeric(20,0)", kInt, uint64(math.MaxUint64), "18446744073709551615"},
	{"ne", "numeric", kText, "1e5", "100000"},
	{"nsmall", "numeric", kText, "0.000001", "0.000001"},
	{"r", "real", sluice.Type{Kind: sluice.KindFloat}, 0.1, "0.1"},
	{"d", "double precision", kText, "1152921504606846976", "1.152921504606847e+18"},
	{"v", "varchar(5)", kText, "héllo", "héllo"},
	{"c", "char(3)", kText, "ab", "ab"},
	{"t", "text", kText, "ünïcode ✓", "ünïcode ✓"},
	{"en", "text", kEnum, "b", "b"},
	{"by", "bytea", kText, "\xff\x00", `\xff00`},
	{"dt", "date", kText, "2024-02-29", "2024-02-29"},
	{"zd", "date", kText, "0000-00-00", "NULL"},
	{"ts", "timestamp(3)", sluice.Type{Kind: sluice.KindTimestamp}, time.Date(2024, 1, 2, 3, 4, 5, 123e6, time.UTC), "2024-01-02 03:04:05.123"},
	{"tz", "timestamptz", kText, "2024-01-02 03:04:05+02:00", "2024-01-02 01:04:05+00"},
	{"tm", "time", kText, "23:59:59.999999", "23:59:59.999999"},
	{"iv", "interval", kText, "-838:59:59", "-838:59:59"},
	{"iv2", "interval", kOther, "1 year 2 mons 3 days 04:05:06", "1 year 2 mons 3 days 04:05:06"},
	{"u", "uuid", kText, "6BA7B810-9DAD-11D1-80B4-00C04FD430C8", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"},
	{"j", "json", kText, `{"b": 1, "a": 2}`, `{"b": 1, "a": 2}`},
	{"jb", "jsonb", kText, `{"b":1,"a":[2.50]}`, `{"a": [2.50], "b": 1}`},
	{"ta", "text[]", kSet, "a,c", "{a,c}"},
	{"te", "text[]", kSet, "", "{}"},
	{"tp", "text[]", kOther, `{x,"y z",NULL}`, `{x,"y z",NULL}`},
	{"ia", "integer[]", kOther, "{{1,2},{3,4}}", "{{1,2},{3,4}}"},
	{"ib", "integer[]", kOther, "[0:1]={5,6}", "[0:1]={5,6}"},
	{"ie", "integer[]", kOther, "{}", "{}"},
	{"na", "numeric(4,2)[]", kOther, "{1.50,NaN}", "{1.50,NaN}"},
	{"ja", "jsonb[]", kOther, `{"{\"a\":1}"}`, `{"{\"a\": 1}"}`},
	{"bt", "bit(3)", sluice.Type{Kind: sluice.KindBit, Bits: 3}, []byte{5}, "101"},
	{"vb", "bit varying(5)", kText, "101", "101"},
	{"ip", "inet", kOther, "10.0.0.1/8", "10.0.0.1/8"},
	{"pt", "point", kOther, "(1,2.5)", "(1,2.5)"},
}

// TestCopyRoundTrip proves that the outputs really encode in binary COPY: one
// row with a column per target type goes in, and reads back as expected.
func TestCopyRoundTrip(t *testing.T) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, sluicetest.NewPostgresDB(t))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	createTable(t, conn)
	row, names := castRow(t)
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"casts"}, names, pgx.CopyFromRows([][]any{row})); err != nil {
		t.Fatalf("copy: %v", err)
	}
	got := readBack(t, conn, names)
	for i, c := range copyColumns {
		if got[i] != c.want {
			t.Errorf("%s %s: read back %q, want %q", c.name, c.typ, got[i], c.want)
		}
	}
}

func createTable(t *testing.T, conn *pgx.Conn) {
	t.Helper()
	defs := make([]string, len(copyColumns))
	for i, c := range copyColumns {
		defs[i] = c.name + " " + c.typ
	}
	ddl := "SET TimeZone = 'UTC'; CREATE TABLE casts (" + strings.Join(defs, ", ") + ")"
	if _, err := conn.Exec(context.Background(), ddl); err != nil {
		t.Fatalf("create table: %v", err)
	}
}

func castRow(t *testing.T) ([]any, []string) {
	t.Helper()
	row := make([]any, len(copyColumns))
	names := make([]string, len(copyColumns))
	for i, c := range copyColumns {
		f, err := cast.For(c.from, c.typ, cast.Options{ZeroDates: config.ZeroDatesNull})
		if err != nil {
			t.Fatalf("For %s: %v", c.typ, err)
		}
		if row[i], err = f(c.in); err != nil {
			t.Fatalf("cast %v to %s: %v", c.in, c.typ, err)
		}
		names[i] = c.name
	}
	return row, names
}

func readBack(t *testing.T, conn *pgx.Conn, names []string) []string {
	t.Helper()
	exprs := make([]string, len(names))
	for i, n := range names {
		exprs[i] = "coalesce(" + n + "::text, 'NULL')"
	}
	got := make([]string, len(names))
	ptrs := make([]any, len(names))
	for i := range got {
		ptrs[i] = &got[i]
	}
	err := conn.QueryRow(context.Background(), "SELECT "+strings.Join(exprs, ", ")+" FROM casts").Scan(ptrs...)
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	return got
}
