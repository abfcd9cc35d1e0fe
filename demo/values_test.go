package demo_test

import (
	"bytes"
	"database/sql"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sluicedb/sluice/demo"
)

// TestBadRowsHoldTheirBadValues reads every planted value back raw, as
// SQLite stores it.
func TestBadRowsHoldTheirBadValues(t *testing.T) {
	est := generate(t, 2000)
	db := openDB(t, est.Databases["clinical"])
	for _, b := range est.BadRows {
		if b.Source != "clinical" || b.Table != "Patients" || b.Why == "" {
			t.Errorf("unexpected bad row %+v", b)
			continue
		}
		typ, raw := rawValue(t, db, b)
		switch b.Column {
		case "BirthDate":
			if typ != "text" || string(raw) != "0000-00-00" {
				t.Errorf("patient %s BirthDate is %s %q, want text 0000-00-00", b.Key, typ, raw)
			}
		case "Notes":
			if typ != "text" || utf8.Valid(raw) {
				t.Errorf("patient %s Notes is %s %q, want TEXT that is not UTF-8", b.Key, typ, raw)
			}
		case "IsActive":
			if typ != "integer" || string(raw) != "2" {
				t.Errorf("patient %s IsActive is %s %q, want integer 2", b.Key, typ, raw)
			}
		default:
			t.Errorf("unexpected bad column %+v", b)
		}
	}
}

func TestInvalidUTF8NotesKeepTheirExactBytes(t *testing.T) {
	est := generate(t, 2000)
	db := openDB(t, est.Databases["clinical"])
	for _, b := range est.BadRows {
		if b.Column != "Notes" {
			continue
		}
		_, raw := rawValue(t, db, b)
		// The driver must neither replace the bad bytes (U+FFFD) nor drop them.
		if bytes.Contains(raw, []byte("\uFFFD")) || !bytes.ContainsAny(raw, "\xc3\xe9\xff") {
			t.Errorf("patient %s Notes lost its bytes: %q", b.Key, raw)
		}
	}
}

func rawValue(t testing.TB, db *sql.DB, b demo.BadRow) (typ string, raw []byte) {
	t.Helper()
	q := fmt.Sprintf("SELECT typeof(%[1]s), CAST(%[1]s AS BLOB) FROM Patients WHERE PatientID = ?", b.Column)
	if err := db.QueryRow(q, b.Key).Scan(&typ, &raw); err != nil {
		t.Fatalf("read patient %s %s: %v", b.Key, b.Column, err)
	}
	return typ, raw
}

// TestOnlyBadRowsAreInvalid checks every value of the estate against its
// declared type, the way the migration will: the values it would reject
// must be exactly the planted ones.
func TestOnlyBadRowsAreInvalid(t *testing.T) {
	est := generate(t, 3000)
	want := map[string]bool{}
	for _, b := range est.BadRows {
		want[fmt.Sprintf("%s.%s %s %s", b.Source, b.Table, b.Key, b.Column)] = true
	}
	got := map[string]string{}
	for source, path := range est.Databases {
		db := openDB(t, path)
		for _, table := range tableNames(t, db) {
			for k, why := range invalidValues(t, db, table) {
				got[source+"."+table+" "+k] = why
			}
		}
	}
	for k, why := range got {
		if !want[k] {
			t.Errorf("%s is invalid but not planted: %s", k, why)
		}
	}
	for k := range want {
		if _, ok := got[k]; !ok {
			t.Errorf("planted %s is not invalid", k)
		}
	}
}

type column struct {
	name, typ string
	notNull   bool
	pk        int
}

// invalidValues returns "<key> <column>" → why, for every value of table
// that does not fit its declared type.
func invalidValues(t testing.TB, db *sql.DB, table string) map[string]string {
	t.Helper()
	cols := columns(t, db, table)
	rows, err := db.Query(selectRaw(table, cols))
	if err != nil {
		t.Fatalf("read %s: %v", table, err)
	}
	defer rows.Close()
	bad := map[string]string{}
	for rows.Next() {
		key, vals := scanRaw(t, rows, len(cols))
		for i, c := range cols {
			if why := checkValue(c, vals[2*i].String, vals[2*i+1]); why != "" {
				bad[key+" "+c.name] = why
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read %s: %v", table, err)
	}
	return bad
}

func columns(t testing.TB, db *sql.DB, table string) []column {
	t.Helper()
	rows, err := db.Query("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)", table)
	if err != nil {
		t.Fatalf("describe %s: %v", table, err)
	}
	defer rows.Close()
	var cols []column
	for rows.Next() {
		var c column
		if err := rows.Scan(&c.name, &c.typ, &c.notNull, &c.pk); err != nil {
			t.Fatalf("describe %s: %v", table, err)
		}
		cols = append(cols, c)
	}
	return cols
}

// selectRaw selects the row's key as text, then typeof and raw bytes of
// every column.
func selectRaw(table string, cols []column) string {
	var key []string
	var exprs []string
	for _, c := range cols {
		if c.pk > 0 {
			key = append(key, c.name)
		}
		exprs = append(exprs, fmt.Sprintf("typeof(%[1]s), CAST(%[1]s AS BLOB)", c.name))
	}
	keyExpr := "'rowid ' || rowid"
	if len(key) > 0 {
		keyExpr = strings.Join(key, " || '|' || ")
	}
	return fmt.Sprintf("SELECT %s, %s FROM %s", keyExpr, strings.Join(exprs, ", "), table)
}

type rawCell struct {
	String string
	Bytes  []byte
}

func scanRaw(t testing.TB, rows *sql.Rows, n int) (string, []rawCell) {
	t.Helper()
	var key string
	types := make([]string, n)
	raws := make([][]byte, n)
	dest := []any{&key}
	for i := range n {
		dest = append(dest, &types[i], &raws[i])
	}
	if err := rows.Scan(dest...); err != nil {
		t.Fatalf("scan: %v", err)
	}
	out := make([]rawCell, 2*n)
	for i := range n {
		out[2*i].String, out[2*i+1].Bytes = types[i], raws[i]
	}
	return key, out
}

var (
	lengthOf     = regexp.MustCompile(`^N?(?:VAR)?CHAR\((\d+)\)$`)
	dateShape    = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	dateTimeForm = regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$`)
	money        = regexp.MustCompile(`^-?\d{1,8}(\.\d{1,2})?$`)
)

// checkValue says why a value of declared type c.typ would be rejected, or "".
func checkValue(c column, typ string, raw rawCell) string {
	v := string(raw.Bytes)
	switch {
	case typ == "null":
		if c.notNull {
			return "NULL in a NOT NULL column"
		}
		return ""
	case c.typ == "INTEGER":
		return want(typ == "integer", "not an integer: "+typ)
	case c.typ == "TINYINT(1)":
		return want(typ == "integer" && (v == "0" || v == "1"), "flag is "+v)
	case c.typ == "NUMERIC(10,2)":
		return want((typ == "integer" || typ == "real") && money.MatchString(v), "not numeric(10,2): "+v)
	case c.typ == "DATE":
		return want(typ == "text" && dateShape.MatchString(v) && parses(dateLayout, v), "not a date: "+v)
	case c.typ == "DATETIME":
		return want(typ == "text" && dateTimeForm.MatchString(v) && parses(dateTimeLayout, v), "not a datetime: "+v)
	}
	return checkText(c, typ, raw.Bytes)
}

func checkText(c column, typ string, b []byte) string {
	if typ != "text" {
		return "not text: " + typ
	}
	if !utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0 {
		return "not UTF-8 without NUL"
	}
	if m := lengthOf.FindStringSubmatch(c.typ); m != nil {
		n, _ := strconv.Atoi(m[1])
		return want(utf8.RuneCount(b) <= n, fmt.Sprintf("%d characters in %s", utf8.RuneCount(b), c.typ))
	}
	return want(c.typ == "TEXT", "undeclared type "+c.typ)
}

const (
	dateLayout     = "2006-01-02"
	dateTimeLayout = "2006-01-02 15:04:05"
)

func parses(layout, v string) bool {
	_, err := time.Parse(layout, v)
	return err == nil
}

func want(ok bool, why string) string {
	if ok {
		return ""
	}
	return why
}

func TestRejectedPatientsHaveNoVisits(t *testing.T) {
	est := generate(t, 2000)
	db := openDB(t, est.Databases["clinical"])
	for _, b := range est.BadRows {
		if n := count(t, db, "SELECT count(*) FROM Visits WHERE PatientID = ?", b.Key); n != 0 {
			t.Errorf("patient %s, planted to be rejected, has %d visits that would dangle", b.Key, n)
		}
	}
}

// TestCheckValueRejects proves the checker above can fail.
func TestCheckValueRejects(t *testing.T) {
	cases := []struct {
		col  column
		typ  string
		v    string
		okay bool
	}{
		{column{typ: "NVARCHAR(5)"}, "text", "Zoë Ł", true},
		{column{typ: "NVARCHAR(5)"}, "text", "Zoë Łu", false},
		{column{typ: "CHAR(1)"}, "integer", "1", false},
		{column{typ: "TEXT"}, "text", "caf\xc3\x28", false},
		{column{typ: "TEXT"}, "text", "a\x00b", false},
		{column{typ: "DATE"}, "text", "0000-00-00", false},
		{column{typ: "DATE"}, "text", "2024-02-30", false},
		{column{typ: "DATETIME"}, "text", "2024-02-01T10:00:00", false},
		{column{typ: "DATETIME"}, "text", "2024-02-01 10:00:00", true},
		{column{typ: "TINYINT(1)"}, "integer", "2", false},
		{column{typ: "NUMERIC(10,2)"}, "real", "12.345", false},
		{column{typ: "NUMERIC(10,2)"}, "real", "123456789.5", false},
		{column{typ: "NUMERIC(10,2)"}, "real", "2499.99", true},
		{column{typ: "INTEGER", notNull: true}, "null", "", false},
		{column{typ: "INTEGER"}, "null", "", true},
	}
	for _, c := range cases {
		why := checkValue(c.col, c.typ, rawCell{Bytes: []byte(c.v)})
		if (why == "") != c.okay {
			t.Errorf("%s %s %q: got %q, want ok=%v", c.col.typ, c.typ, c.v, why, c.okay)
		}
	}
}
