package plan

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/sluicedb/sluice/sluicetest"
)

func TestQuoteIdent(t *testing.T) {
	cases := map[string]string{
		"plain": `"plain"`, `a"b`: `"a""b"`, "select": `"select"`, "Größe": `"Größe"`, `""`: `""""""`,
	}
	for in, want := range cases {
		if got := QuoteIdent(in); got != want {
			t.Errorf("QuoteIdent(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestDDLStatements(t *testing.T) {
	tbl := &Table{
		Name: `Order "Lines"`, PrimaryKey: []string{"id"},
		Columns:     []Column{{Name: "id", Type: "uuid", NotNull: true}, {Name: "select", Type: "varchar(5)"}},
		Indexes:     []Index{{Name: "x_select_key", Columns: []string{"select"}, Unique: true}, {Name: "x_select_idx", Columns: []string{"select"}}},
		ForeignKeys: []ForeignKey{{Name: "x_id_fkey", Columns: []string{"id"}, RefTable: "p", RefColumns: []string{"id"}}},
	}
	p := &Plan{Schema: "s", Tables: []*Table{tbl}}
	checkSQL(t, CreateSchema(`my "s"`), `CREATE SCHEMA IF NOT EXISTS "my ""s""";`)
	checkSQL(t, CreateTable("s", tbl), "CREATE TABLE \"s\".\"Order \"\"Lines\"\"\" (\n  \"id\" uuid NOT NULL,\n  \"select\" varchar(5)\n);")
	checkSQL(t, strings.Join(PostLoad("s", tbl), "\n"), strings.Join([]string{
		`CREATE UNIQUE INDEX IF NOT EXISTS "Order ""Lines""_pkey" ON "s"."Order ""Lines""" ("id");`,
		`CREATE UNIQUE INDEX IF NOT EXISTS "x_select_key" ON "s"."Order ""Lines""" ("select");`,
		`CREATE INDEX IF NOT EXISTS "x_select_idx" ON "s"."Order ""Lines""" ("select");`,
		`ALTER TABLE "s"."Order ""Lines""" ADD CONSTRAINT "Order ""Lines""_pkey" PRIMARY KEY USING INDEX "Order ""Lines""_pkey";`,
		`ALTER TABLE "s"."Order ""Lines""" ADD CONSTRAINT "x_select_key" UNIQUE USING INDEX "x_select_key";`,
	}, "\n"))
	checkSQL(t, strings.Join(AddForeignKeys("s", p), ""), `ALTER TABLE "s"."Order ""Lines""" ADD CONSTRAINT "x_id_fkey" FOREIGN KEY ("id") REFERENCES "s"."p" ("id") NOT VALID;`)
	checkSQL(t, strings.Join(ValidateForeignKeys("s", p), ""), `ALTER TABLE "s"."Order ""Lines""" VALIDATE CONSTRAINT "x_id_fkey";`)
	checkSQL(t, strings.Join(DropForeignKeys("s", p), ""), `ALTER TABLE IF EXISTS "s"."Order ""Lines""" DROP CONSTRAINT IF EXISTS "x_id_fkey";`)
	checkSQL(t, Truncate("s", []*Table{tbl, {Name: "p"}}), `TRUNCATE TABLE "s"."Order ""Lines""", "s"."p";`)
	checkSQL(t, Truncate("s", nil), "")
	checkSQL(t, DropTable("s", tbl), `DROP TABLE IF EXISTS "s"."Order ""Lines""";`)
	checkSQL(t, strings.Join(DropPostLoad("s", tbl), "\n"), strings.Join([]string{
		`ALTER TABLE "s"."Order ""Lines""" DROP CONSTRAINT IF EXISTS "Order ""Lines""_pkey";`,
		`DROP INDEX IF EXISTS "s"."Order ""Lines""_pkey";`,
		`ALTER TABLE "s"."Order ""Lines""" DROP CONSTRAINT IF EXISTS "x_select_key";`,
		`DROP INDEX IF EXISTS "s"."x_select_key";`,
		`ALTER TABLE "s"."Order ""Lines""" DROP CONSTRAINT IF EXISTS "x_select_idx";`,
		`DROP INDEX IF EXISTS "s"."x_select_idx";`,
	}, "\n"))
}

func checkSQL(t *testing.T, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// The golden fixture's DDL runs on a real PostgreSQL: every type the maps
// produce exists, every constraint and foreign key is accepted, and the
// truncate strategy's statements run on the loaded schema, twice.
func TestDDLRunsOnPostgres(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			url := sluicetest.NewPostgresDB(t)
			p := buildVariant(t, v.defaults())
			p.Schema = `Legacy "Data"`
			sluicetest.ExecPostgres(t, url, ddlScript(p))
			checkCounts(t, url, p, len(AddForeignKeys(p.Schema, p)))
			truncate := append(DropForeignKeys(p.Schema, p), Truncate(p.Schema, p.Tables))
			sluicetest.ExecPostgres(t, url, strings.Join(truncate, "\n"))
			sluicetest.ExecPostgres(t, url, strings.Join(truncate, "\n"))
			checkCounts(t, url, p, 0)
			// An existing table reloaded gets the plan's attributes again,
			// as often as it is reloaded, and its identities move on.
			var reshape, advance []string
			for _, tbl := range distinctTables(p.Tables) {
				reshape = append(reshape, Reshape(p.Schema, tbl)...)
				for _, c := range tbl.Columns {
					if c.AutoIncrement {
						advance = append(advance, AdvanceIdentity(p.Schema, tbl, c))
					}
				}
			}
			sluicetest.ExecPostgres(t, url, strings.Join(append(reshape, reshape...), "\n"))
			var kept []string
			for _, tbl := range distinctTables(p.Tables) {
				kept = append(kept, ReshapeKept(p.Schema, tbl)...)
			}
			sluicetest.ExecPostgres(t, url, strings.Join(append(kept, kept...), "\n"))
			sluicetest.ExecPostgres(t, url, strings.Join(append(advance, advance...), "\n"))
			// A reload drops Sluice's keys and indexes (twice is harmless) and
			// PostLoad builds them again.
			var drop, build []string
			for _, tbl := range p.Tables {
				drop = append(drop, DropPostLoad(p.Schema, tbl)...)
				build = append(build, PostLoad(p.Schema, tbl)...)
			}
			sluicetest.ExecPostgres(t, url, strings.Join(append(drop, drop...), "\n"))
			sluicetest.ExecPostgres(t, url, strings.Join(build, "\n"))
			checkCounts(t, url, p, 0)
			// A kill after the indexes were built but before they became
			// constraints: the rerun's drop removes the bare indexes too, and a
			// rerun of BuildIndexes skips what exists.
			var indexes []string
			for _, tbl := range p.Tables {
				indexes = append(indexes, BuildIndexes(p.Schema, tbl)...)
			}
			sluicetest.ExecPostgres(t, url, strings.Join(drop, "\n"))
			sluicetest.ExecPostgres(t, url, strings.Join(indexes, "\n"))
			sluicetest.ExecPostgres(t, url, strings.Join(drop, "\n"))
			sluicetest.ExecPostgres(t, url, strings.Join(append(indexes, indexes...), "\n"))
			sluicetest.ExecPostgres(t, url, strings.Join(build, "\n"))
			checkCounts(t, url, p, 0)
		})
	}
}

// checkCounts compares the catalog with the plan: every table, every index,
// and wantFKs foreign keys.
func checkCounts(t *testing.T, url string, p *Plan, wantFKs int) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var tables, fks, indexes int
	err = conn.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM pg_tables WHERE schemaname = $1),
		(SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = $1 AND c.contype = 'f'),
		(SELECT count(*) FROM pg_indexes WHERE schemaname = $1)`, p.Schema).Scan(&tables, &fks, &indexes)
	if err != nil {
		t.Fatal(err)
	}
	wantIndexes, distinct := 0, distinctTables(p.Tables)
	for _, tbl := range distinct {
		wantIndexes += len(tbl.Indexes)
		if len(tbl.PrimaryKey) > 0 {
			wantIndexes++
		}
	}
	if tables != len(distinct) || fks != wantFKs || indexes != wantIndexes {
		t.Errorf("catalog has %d tables, %d foreign keys, %d indexes; want %d, %d, %d", tables, fks, indexes, len(distinct), wantFKs, wantIndexes)
	}
}

// The merge fixture's DDL runs on PostgreSQL, each database's on its own:
// the parts of a merged table create it once, their shared foreign keys
// are added once, and a reference to the other database adds nothing.
func TestMergeDDLRunsOnPostgres(t *testing.T) {
	p := mergePlan(t)
	wantFKs := map[string]int{"clinical": 4, "billing": 0}
	for _, db := range p.Databases {
		t.Run(db.Name, func(t *testing.T) {
			url := sluicetest.NewPostgresDB(t)
			q := p.ForDatabase(db.Name)
			sluicetest.ExecPostgres(t, url, ddlScript(q))
			checkCounts(t, url, q, wantFKs[db.Name])
		})
	}
}
