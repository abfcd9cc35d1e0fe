package tds

import (
	"strings"
	"testing"
)

// testSession is a session on the conformance fixture, for the engine's
// own tests (no network).
func testSession(t *testing.T) *session {
	t.Helper()
	dbs, err := LoadFixture("conformance")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(dbs...)
	return &session{srv: srv, db: dbs[0], isolation: "READ COMMITTED"}
}

// collect is a rowSink that keeps a result as text.
type collect struct {
	cols []resultCol
	rows []string
}

func (c *collect) columns(cols []resultCol) error { c.cols = cols; return nil }
func (c *collect) row(vals []any) error {
	parts := make([]string, len(vals))
	for i, v := range vals {
		if v == nil {
			parts[i] = "NULL"
		} else {
			parts[i] = valueText(v, c.cols[i].typ)
		}
	}
	c.rows = append(c.rows, strings.Join(parts, "|"))
	return nil
}

func runQuery(t *testing.T, s *session, sql string, params map[string]param) ([]string, error) {
	t.Helper()
	stmts, err := parseBatch(sql)
	if err != nil {
		return nil, err
	}
	var out collect
	for _, st := range stmts {
		switch x := st.(type) {
		case selectStmt:
			if _, err := s.runSelect(x, params, &out); err != nil {
				return nil, err
			}
		case setStmt:
			s.apply(x)
		}
	}
	return out.rows, nil
}

func TestSelectShapes(t *testing.T) {
	s := testSession(t)
	cases := map[string]string{
		"SELECT COUNT(*) FROM dbo.people":                                                               "5",
		"SELECT TOP (2) id FROM people WHERE id > 1 ORDER BY id":                                        "2,3",
		"SELECT id FROM [dbo].[people] WHERE (id = 1 OR id = 5) AND (id > 1)":                           "5",
		"SELECT name FROM people WHERE name = N'DUP' ORDER BY id DESC":                                  "Dup,Dup",
		"SELECT a, b FROM pairs WHERE a = 2 OR (a = 1 AND b > N'x') ORDER BY a, b":                      "1|y,2|a|b,2|x",
		"SELECT id FROM people WHERE born BETWEEN '1900-01-01' AND '2000-12-31' ORDER BY id":            "2,4",
		"SELECT id FROM people WHERE score IS NULL":                                                     "3",
		"SELECT id FROM people WHERE id IN (2, 4) ORDER BY 1":                                           "2,4",
		"SELECT id FROM people WHERE name LIKE N'd_p' ORDER BY id OFFSET 1 ROWS FETCH NEXT 1 ROWS ONLY": "5",
		"SELECT SUM(score), MIN(born), MAX(id) FROM people":                                             "12345766.24|1815-12-10|5",
		"SELECT DATALENGTH(photo) FROM people WHERE id = 1":                                             "256",
		"SELECT ISNULL(CAST(manager_id AS nvarchar(10)), N'none') FROM people WHERE id = 1":             "none",
		"SELECT CASE WHEN active = 1 THEN N'yes' ELSE N'no' END FROM people WHERE id < 3 ORDER BY id":   "yes,no",
		"SELECT [maß] FROM [größe] WHERE [naïve] = N'CAFÉ'":                                             "1",
		"SELECT [select] FROM [order] ORDER BY [group] DESC":                                            "2,1",
		"SELECT DB_NAME(), @@SERVERNAME":                                                                "Conformance|sluice-tds",
	}
	for sql, want := range cases {
		rows, err := runQuery(t, s, sql, nil)
		if err != nil {
			t.Errorf("%s: %v", sql, err)
			continue
		}
		if got := strings.Join(rows, ","); got != want {
			t.Errorf("%s: %q, want %q", sql, got, want)
		}
	}
}

// TestUnsupportedIsNamed: what the engine does not do is an error naming
// it, never an empty or wrong result.
func TestUnsupportedIsNamed(t *testing.T) {
	s := testSession(t)
	cases := map[string]string{
		"MERGE people USING pairs ON 1 = 1":            "does not support MERGE",
		"UPDATE people SET name = N'x' FROM pairs":     "does not support UPDATE ... FROM",
		"BEGIN SELECT 1 END":                           "does not support BEGIN ... END",
		"SELECT * FROM people p JOIN pairs q ON 1 = 1": "JOIN",
		"SELECT id FROM people GROUP BY id":            "GROUP",
		"SELECT id FROM people, pairs":                 "joins are not supported",
		"SELECT nope FROM people":                      "invalid column name 'nope'",
		"SELECT id FROM missing":                       "Invalid object name 'missing'",
		"SELECT * FROM sys.all_objects":                "catalog view sys.all_objects",
		"SELECT NEWID()":                               "function NEWID is not supported",
		"SET SHOWPLAN_ALL ON":                          "does not support SET SHOWPLAN_ALL",
		"SELECT id FROM people WHERE id = @p9":         "must declare the scalar variable",
	}
	for sql, want := range cases {
		_, err := runQuery(t, s, sql, nil)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error containing %q", sql, err, want)
		}
	}
}

// TestSnapshotRefused: a snapshot read of a database that does not allow
// snapshot isolation fails with SQL Server's error 3952.
func TestSnapshotRefused(t *testing.T) {
	s := testSession(t)
	_, err := runQuery(t, s, "SET TRANSACTION ISOLATION LEVEL SNAPSHOT; SELECT id FROM people", nil)
	if se, ok := err.(*sqlError); !ok || se.number != 3952 {
		t.Errorf("snapshot read: %v, want error 3952", err)
	}
}

func TestCollationOrder(t *testing.T) {
	ci, _ := LookupCollation("Latin1_General_CI_AS")
	cs, _ := LookupCollation("Latin1_General_CS_AS")
	bin, _ := LookupCollation("Latin1_General_BIN2")
	cases := []struct {
		c    *Collation
		a, b string
		want int
	}{
		{ci, "a", "A", 0}, {ci, "a", "B", -1}, {ci, "e", "é", -1}, {ci, "é", "f", -1},
		{ci, "abc", "abc   ", 0}, {ci, "Zoë", "zoe", 1}, {cs, "a", "A", -1}, {cs, "A", "b", -1},
		{bin, "B", "a", -1}, {bin, "a", "a ", 0},
	}
	for _, c := range cases {
		if got := c.c.Compare(c.a, c.b); got != c.want {
			t.Errorf("%s: Compare(%q, %q) = %d, want %d", c.c.Name, c.a, c.b, got, c.want)
		}
	}
}

func TestScriptErrors(t *testing.T) {
	cases := map[string]string{
		"CREATE TABLE t (a INT)":                                 "no current database",
		"CREATE DATABASE d;\nGO\nUSE d;\nCREATE TABLE t (a FOO)": "cannot find data type FOO",
		"CREATE DATABASE d;\nGO\nUSE d;\nCREATE TABLE t (a VARCHAR(2));\nINSERT INTO t VALUES ('abc')":  "would be truncated",
		"CREATE DATABASE d;\nGO\nUSE d;\nCREATE TABLE t (a INT NOT NULL);\nINSERT INTO t VALUES (NULL)": "cannot insert NULL",
		"CREATE DATABASE d;\nGO\nUSE d;\nDROP TABLE t":                                                  "may not use this statement",
	}
	for script, want := range cases {
		_, err := LoadScript(script)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want an error containing %q", script, err, want)
		}
	}
}

// FuzzParseBatch: no text makes the parser panic or loop.
func FuzzParseBatch(f *testing.F) {
	for _, s := range []string{"SELECT TOP (2) [a], b FROM dbo.t WHERE (x > @p1 OR (x = @p1 AND y > N'z')) ORDER BY x",
		"SET TRANSACTION ISOLATION LEVEL SNAPSHOT; SET TEXTSIZE 2147483647", "SELECT CAST(c AS varbinary(max)) FROM t",
		"USE [db]", "SELECT 'a''b', 0x0A, 1.5e3, -2 /* c */ -- d", "SELECT x.ToString(), geometry::Point(1, 2, 0)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		_, _ = parseBatch(sql)
	})
}
