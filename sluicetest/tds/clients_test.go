package tds_test

import (
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	mssql "github.com/microsoft/go-mssqldb"

	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/sluicetest/tds"
)

// The independent-client checks: FreeTDS's tsql and tedious read the same
// results as go-mssqldb, value by value, so the test server's wire format
// is not merely what one driver accepts.

// clientQueries are read by every client; values hold no tab or newline,
// which tsql's tab-separated output could not carry.
var clientQueries = []struct{ db, sql string }{
	{"Types", `SELECT id, c_bit, c_tinyint, c_flag, c_smallint, c_int, c_bigint, c_decimal, c_numeric, c_money,
		c_smallmoney, c_float, c_real, c_char, c_varchar, c_cyrillic, c_varchar_max, c_text, c_nchar, c_nvarchar,
		c_nvarchar_max, c_ntext, c_binary, c_varbinary, c_varbinary_max, c_image, c_date, c_time, c_time3,
		c_datetime, c_datetime2, c_datetime2_3, c_smalldatetime, c_dto, c_guid, c_xml, c_rowversion FROM dbo.type_matrix ORDER BY id`},
	{"Types", `SELECT id, c_hierarchyid.ToString() AS h, c_geometry.STAsText() AS g, c_geography.STSrid AS srid,
		CAST(c_variant AS nvarchar(4000)) AS v FROM dbo.type_matrix WHERE id < 3 ORDER BY id`},
	{"Chinook", `SELECT COUNT(*) AS n FROM dbo.Track`},
	{"Chinook", `SELECT InvoiceId, CustomerId, InvoiceDate, BillingAddress, BillingState, Total FROM dbo.Invoice WHERE InvoiceId > 400 ORDER BY InvoiceId`},
	{"Chinook", `SELECT TOP 5 Name, Composer, Milliseconds FROM Track WHERE Composer LIKE N'%Young%' ORDER BY Name DESC`},
}

// result is one query's rows as go-mssqldb reads them, with each column's
// type name.
type result struct {
	types []string
	rows  [][]any
}

func startClientServer(t *testing.T) string {
	t.Helper()
	types, err := tds.LoadFixture("types")
	if err != nil {
		t.Fatal(err)
	}
	chinook, err := tds.LoadScript(sluicetest.ChinookSQLServerScript())
	if err != nil {
		t.Fatal(err)
	}
	return sluicetest.StartTDSServer(t, append(types, chinook...)...).Addr()
}

func readWithGo(t *testing.T, addr, db, query string) result {
	t.Helper()
	conn, err := sql.Open("sqlserver", sluicetest.TDSURL(addr, db))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query(query)
	if err != nil {
		t.Fatalf("go-mssqldb: %s: %v", query, err)
	}
	defer rows.Close()
	cts, _ := rows.ColumnTypes()
	var r result
	for _, ct := range cts {
		r.types = append(r.types, ct.DatabaseTypeName())
	}
	for rows.Next() {
		vals := make([]any, len(cts))
		ptrs := make([]any, len(cts))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		r.rows = append(r.rows, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return r
}

// need finds a client program, or skips the test (fails it under CI=true,
// where scripts/services.sh has installed it).
func need(t *testing.T, program, install string) string {
	t.Helper()
	p, err := exec.LookPath(program)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed and CI=true (%s)", program, install)
		}
		t.Skipf("%s is not installed (%s)", program, install)
	}
	return p
}

func TestTSQLReadsWhatGoReads(t *testing.T) {
	tsql := need(t, "tsql", "apt-get install freetds-bin")
	addr := startClientServer(t)
	conf := filepath.Join(t.TempDir(), "freetds.conf")
	os.WriteFile(conf, []byte("[global]\n\ttds version = 7.4\n\tclient charset = UTF-8\n\ttext size = 2147483647\n"), 0o644)
	host, port, _ := strings.Cut(addr, ":")
	for _, q := range clientQueries {
		want := readWithGo(t, addr, q.db, q.sql)
		cmd := exec.CommandContext(t.Context(), tsql, "-H", host, "-p", port, "-U", "sa", "-P", "any", "-D", q.db, "-o", "fhq")
		cmd.Env = append(os.Environ(), "FREETDSCONF="+conf)
		cmd.Stdin = strings.NewReader(strings.Join(strings.Fields(q.sql), " ") + "\ngo\n")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("tsql: %s: %v", q.sql, err)
		}
		lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
		compare(t, "tsql", q.sql, want, len(lines), func(i, j int) (string, bool) {
			fields := strings.Split(lines[i], "\t")
			if j >= len(fields) {
				return "<missing>", false
			}
			return fields[j], matchTSQL(want.rows[i][j], want.types[j], fields[j])
		})
	}
}

func TestTediousReadsWhatGoReads(t *testing.T) {
	node := need(t, "node", "apt-get install nodejs npm")
	dir := tediousDir(t)
	addr := startClientServer(t)
	host, port, _ := strings.Cut(addr, ":")
	for _, db := range []string{"Types", "Chinook"} {
		var sqls []string
		var queries []string
		for _, q := range clientQueries {
			if q.db == db {
				queries, sqls = append(queries, q.sql), append(sqls, strings.Join(strings.Fields(q.sql), " "))
			}
		}
		cmd := exec.CommandContext(t.Context(), node, "read.js", host, port, db)
		cmd.Dir = dir
		cmd.Stdin = strings.NewReader(strings.Join(sqls, "\n") + "\n")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("node read.js: %v", err)
		}
		for i, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			var got struct {
				Rows  [][]json.RawMessage
				Error string
			}
			if err := json.Unmarshal([]byte(line), &got); err != nil || got.Error != "" {
				t.Fatalf("tedious: %s: %v %s", queries[i], err, got.Error)
			}
			want := readWithGo(t, addr, db, queries[i])
			compare(t, "tedious", queries[i], want, len(got.Rows), func(r, c int) (string, bool) {
				if c >= len(got.Rows[r]) {
					return "<missing>", false
				}
				return string(got.Rows[r][c]), matchTedious(want.rows[r][c], want.types[c], got.Rows[r][c])
			})
		}
	}
}

// tediousDir installs tedious from the committed lock file (npm ci) once.
func tediousDir(t *testing.T) string {
	t.Helper()
	dir, _ := filepath.Abs("clients/tedious")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "tedious")); err == nil {
		return dir
	}
	npm := need(t, "npm", "apt-get install npm")
	cmd := exec.CommandContext(t.Context(), npm, "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("npm ci: %v\n%s", err, out)
		}
		t.Skipf("npm ci failed (offline?): %v\n%s", err, out)
	}
	return dir
}

// compare checks a client's rows against go-mssqldb's, cell by cell.
func compare(t *testing.T, client, query string, want result, rows int, cell func(i, j int) (string, bool)) {
	t.Helper()
	if rows != len(want.rows) {
		t.Errorf("%s: %.60s...: %d rows, go-mssqldb read %d", client, query, rows, len(want.rows))
		return
	}
	for i := range want.rows {
		for j := range want.rows[i] {
			if got, ok := cell(i, j); !ok {
				t.Errorf("%s: %.50s... row %d column %d (%s): %.80s, go-mssqldb read %.80v",
					client, query, i+1, j+1, want.types[j], got, want.rows[i][j])
			}
		}
	}
}

// floatText rounds a number to the digits its type carries, so that two
// clients' renderings of one value compare equal.
func floatText(f float64, typ string) string {
	digits := 15
	if typ == "REAL" {
		digits = 7
	}
	return strconv.FormatFloat(f, 'g', digits, 64)
}

func numberOf(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case []byte:
		f, err := strconv.ParseFloat(string(x), 64)
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	}
	return 0, false
}

func isNumeric(typ string) bool {
	switch typ {
	case "INT", "BIGINT", "SMALLINT", "TINYINT", "DECIMAL", "NUMERIC", "MONEY", "SMALLMONEY", "FLOAT", "REAL":
		return true
	}
	return false
}

// matchTSQL compares a go-mssqldb value with tsql's text: tsql shows dates
// as "Jan  1 2020 10:00AM" (a datetimeoffset in its own offset), binary as
// lower-case hex, bits as 0 and 1.
func matchTSQL(v any, typ, s string) bool {
	switch {
	case v == nil:
		return s == "NULL"
	case isNumeric(typ):
		f, ok := numberOf(v)
		g, err := strconv.ParseFloat(s, 64)
		return ok && err == nil && floatText(f, typ) == floatText(g, typ)
	}
	switch x := v.(type) {
	case string: // a byte its code page lacks: go-mssqldb shows U+FFFD, tsql '?'
		return strings.ReplaceAll(x, "\uFFFD", "?") == s
	case bool:
		return s == map[bool]string{true: "1", false: "0"}[x]
	case []byte:
		if typ == "UNIQUEIDENTIFIER" {
			var g mssql.UniqueIdentifier
			return g.Scan(x) == nil && g.String() == s
		}
		return hex.EncodeToString(x) == s
	case time.Time:
		if typ == "TIME" {
			x = time.Date(1900, 1, 1, x.Hour(), x.Minute(), x.Second(), x.Nanosecond(), time.UTC)
		}
		return tsqlDate(x) == s
	}
	return fmt.Sprint(v) == s
}

// tsqlDate writes a time as tsql does, to the minute, in its own zone.
func tsqlDate(x time.Time) string {
	h := x.Hour() % 12
	if h == 0 {
		h = 12
	}
	ampm := "AM"
	if x.Hour() >= 12 {
		ampm = "PM"
	}
	return fmt.Sprintf("%s %2d %d %02d:%02d%s", x.Month().String()[:3], x.Day(), x.Year(), h, x.Minute(), ampm)
}

// matchTedious compares a go-mssqldb value with tedious's JSON: numbers
// as JavaScript numbers (bigint as text), dates as UTC instants to the
// millisecond plus the nanoseconds tedious keeps beyond them.
func matchTedious(v any, typ string, j json.RawMessage) bool {
	if v == nil {
		return string(j) == "null"
	}
	var got any
	if err := json.Unmarshal(j, &got); err != nil {
		return false
	}
	if isNumeric(typ) {
		f, ok := numberOf(v)
		g, ok2 := numberOf(jsonNumber(got))
		return ok && ok2 && floatText(f, typ) == floatText(g, typ)
	}
	switch x := v.(type) {
	case bool:
		return got == x
	case []byte:
		if typ == "UNIQUEIDENTIFIER" {
			var g mssql.UniqueIdentifier
			return g.Scan(x) == nil && got == g.String()
		}
		m, ok := got.(map[string]any)
		return ok && m["hex"] == hex.EncodeToString(x)
	case time.Time:
		return matchTediousTime(x, typ, got)
	}
	return got == fmt.Sprint(v)
}

func jsonNumber(v any) any {
	if s, ok := v.(string); ok {
		return s
	}
	return v
}

func matchTediousTime(x time.Time, typ string, got any) bool {
	m, ok := got.(map[string]any)
	if !ok {
		return false
	}
	if typ == "TIME" {
		x = time.Date(1970, 1, 1, x.Hour(), x.Minute(), x.Second(), x.Nanosecond(), time.UTC)
	}
	x = x.UTC()
	ms := x.Truncate(time.Millisecond)
	ns, _ := m["ns"].(float64)
	return m["iso"] == ms.Format("2006-01-02T15:04:05.000Z") && math.Abs(float64(x.Sub(ms))-ns) < 1
}
