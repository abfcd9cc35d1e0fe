package migrate_test

import (
	"context"
	"math"
	"strconv"
	"testing"

	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/verify"
)

// Single-precision values the server's text protocol would print with 6
// significant digits (1234567 as 1234570), and edges of every binary
// format, with the DOUBLE and DECIMAL edges beside them.
var floatRows = []struct {
	id int
	f  float32
	d  float64
}{
	{1, 1234567, 0.1},
	{2, 0.1, 5e-324},
	{3, 16777216, math.MaxFloat64},
	{4, math.MaxFloat32, -2.2250738585072014e-308},
	{5, -math.MaxFloat32, 1e23},
	{6, 1.17549435e-38, 0.30000000000000004},
	{7, math.SmallestNonzeroFloat32, -123456789012345678},
	{8, -7654321, 1.7976931348623155e308},
	{9, 0.3, 9007199254740993},
}

const floatsDecimalMax = "99999999999999999999999999999999999.999999999999999999999999999999"

// floatsScript creates the table floats in an engine's dialect (columns
// f, fs, d, n of the types given) and inserts floatRows.
func floatsScript(types string) string {
	s := "CREATE TABLE floats (id int PRIMARY KEY, " + types + ");\nINSERT INTO floats (id, f, d) VALUES "
	for i, r := range floatRows {
		if i > 0 {
			s += ", "
		}
		// Each literal is the exact double of the value, so the server stores
		// that value (FLT_MAX's shortest float32 form would read as a double past it).
		s += "(" + strconv.Itoa(r.id) + ", " + strconv.FormatFloat(float64(r.f), 'g', -1, 64) + ", " + strconv.FormatFloat(r.d, 'g', -1, 64) + ")"
	}
	return s + ";\nUPDATE floats SET fs = 1234.567, n = '" + floatsDecimalMax + "' WHERE id = 1;" +
		"\nUPDATE floats SET fs = -0.001, n = '-0.000000000000000000000000000001' WHERE id = 2;"
}

// A MariaDB FLOAT arrives as the exact single-precision value the source
// holds, bit for bit, and DOUBLE and DECIMAL edges exactly; verify agrees
// at every level, and a merge rerun sees a change in the seventh digit (the
// server's digest of a chunk must not round a FLOAT either).
func TestMySQLFloatsArriveExactly(t *testing.T) {
	src := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, src, floatsScript("f float, fs float(9,3), d double, n decimal(65,30)"))
	yaml := wardsConfig(src, sluicetest.NewPostgresDB(t), "keep", "merge")
	e := newEnv(t, yaml)
	e.mustRun(t, migrate.Options{Verify: verify.Levels})
	checkFloats(t, e, 1234567)
	if got := e.text(t, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'floats'::regclass AND attname = 'f'"); got != "real" {
		t.Errorf("a FLOAT column became %s, want real", got)
	}
	if got := e.text(t, "SELECT fs::text || ' ' || n::text FROM floats WHERE id = 1"); got != "1234.567 "+floatsDecimalMax {
		t.Errorf("FLOAT(9,3) and DECIMAL(65,30) arrived as %s", got)
	}
	e = newEnv(t, yaml)
	e.mustRun(t, migrate.Options{Verify: verify.Levels}) // records each chunk's digest
	sluicetest.ExecMySQL(t, src, "UPDATE floats SET f = 1234568 WHERE id = 1")
	e = newEnv(t, yaml)
	e.mustRun(t, migrate.Options{Verify: verify.Levels})
	checkFloats(t, e, 1234568)
}

// PostgreSQL real and double precision and SQLite REAL (a double) arrive
// exactly too, and verify agrees at every level.
func TestPostgresAndSQLiteFloatsArriveExactly(t *testing.T) {
	pg := sluicetest.NewPostgresDB(t)
	sluicetest.ExecPostgres(t, pg, floatsScript("f real, fs real, d double precision, n numeric(65,30)"))
	lite := newSQLite(t, "floats", floatsScript("f REAL, fs REAL, d REAL, n NUMERIC"))
	for name, src := range map[string]string{"postgres": pg, "sqlite": lite} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, wardsConfig(src, sluicetest.NewPostgresDB(t), "keep", "merge"))
			e.mustRun(t, migrate.Options{Verify: verify.Levels})
			checkFloats(t, e, 1234567)
		})
	}
}

// checkFloats compares every f (as a float32 bit pattern) and d (as a
// float64 one) on the target with the source's; first is the expected f
// of row 1. A SQLite REAL arrives as double precision: it must still hold
// exactly the single-precision value.
func checkFloats(t *testing.T, e *env, first float32) {
	t.Helper()
	rows, err := e.db.Query(context.Background(), "SELECT id, f::float8, d FROM floats ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id int
		var f, d float64
		if err := rows.Scan(&id, &f, &d); err != nil {
			t.Fatal(err)
		}
		want := floatRows[n]
		if id == 1 {
			want.f = first
		}
		single := float32(f)
		if id != want.id || float64(single) != f || math.Float32bits(single) != math.Float32bits(want.f) || math.Float64bits(d) != math.Float64bits(want.d) {
			t.Errorf("row %d arrived as f %v d %v, want f %v d %v", id, f, d, want.f, want.d)
		}
		n++
	}
	if err := rows.Err(); err != nil || n != len(floatRows) {
		t.Fatalf("read %d rows of %d: %v", n, len(floatRows), err)
	}
}
