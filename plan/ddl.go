package plan

import (
	"fmt"
	"strings"
)

// The DDL is produced by pure functions and executed elsewhere. Identifiers
// are always double-quoted, so reserved words, capitals and Unicode names
// survive as written. Types come from the type map or the config and are
// written as they are.

// QuoteIdent double-quotes a PostgreSQL identifier, doubling inner quotes.
func QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

func qualified(schema, table string) string {
	return QuoteIdent(schema) + "." + QuoteIdent(table)
}

func quoteList(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = QuoteIdent(n)
	}
	return strings.Join(quoted, ", ")
}

// CreateSchema creates the target schema unless it exists.
func CreateSchema(schema string) string {
	return "CREATE SCHEMA IF NOT EXISTS " + QuoteIdent(schema) + ";"
}

// CreateTable creates the table with its columns, types and NOT NULL only:
// keys, unique constraints and indexes come after the data (PostLoad), when
// building them is faster and COPY does not maintain them row by row.
func CreateTable(schema string, t *Table) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE %s (", qualified(schema, t.Name))
	for i, c := range t.Columns {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "\n  %s %s", QuoteIdent(c.Name), c.Type)
		if c.NotNull {
			b.WriteString(" NOT NULL")
		}
	}
	b.WriteString("\n);")
	return b.String()
}

// PostLoad adds the primary key, the unique constraints and the indexes,
// once the table holds its data.
func PostLoad(schema string, t *Table) []string {
	table := qualified(schema, t.Name)
	var stmts []string
	if len(t.PrimaryKey) > 0 {
		stmts = append(stmts, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s PRIMARY KEY (%s);",
			table, QuoteIdent(PrimaryKeyName(t)), quoteList(t.PrimaryKey)))
	}
	for _, ix := range t.Indexes {
		if ix.Unique {
			stmts = append(stmts, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s UNIQUE (%s);",
				table, QuoteIdent(ix.Name), quoteList(ix.Columns)))
			continue
		}
		stmts = append(stmts, fmt.Sprintf("CREATE INDEX %s ON %s (%s);", QuoteIdent(ix.Name), table, quoteList(ix.Columns)))
	}
	return stmts
}

// DropPostLoad removes the primary key, unique constraints and indexes that
// PostLoad builds, when a table is emptied for a reload: rows then load
// without index upkeep (random UUIDs make that 2-3 times slower) and
// PostLoad rebuilds them after the data. Objects Sluice does not plan are
// left alone. IF EXISTS makes it safe on a table that lacks them.
func DropPostLoad(schema string, t *Table) []string {
	table := qualified(schema, t.Name)
	var stmts []string
	for _, ix := range t.Indexes {
		if ix.Unique {
			stmts = append(stmts, fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s;", table, QuoteIdent(ix.Name)))
			continue
		}
		stmts = append(stmts, fmt.Sprintf("DROP INDEX IF EXISTS %s;", qualified(schema, ix.Name)))
	}
	if len(t.PrimaryKey) > 0 {
		stmts = append(stmts, fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s;", table, QuoteIdent(PrimaryKeyName(t))))
	}
	return stmts
}

// AddForeignKeys adds every foreign key NOT VALID: instant, and checked for
// new rows only; ValidateForeignKeys then checks the loaded rows without
// blocking writes.
func AddForeignKeys(schema string, p *Plan) []string {
	return eachForeignKey(p, func(t *Table, fk ForeignKey) string {
		return fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s (%s) NOT VALID;",
			qualified(schema, t.Name), QuoteIdent(fk.Name), quoteList(fk.Columns),
			qualified(schema, fk.RefTable), quoteList(fk.RefColumns))
	})
}

// ValidateForeignKeys checks the rows loaded before the foreign keys existed.
func ValidateForeignKeys(schema string, p *Plan) []string {
	return eachForeignKey(p, func(t *Table, fk ForeignKey) string {
		return fmt.Sprintf("ALTER TABLE %s VALIDATE CONSTRAINT %s;", qualified(schema, t.Name), QuoteIdent(fk.Name))
	})
}

// DropForeignKeys removes the foreign keys before the truncate strategy
// reloads existing tables; IF EXISTS makes it safe on a first run.
func DropForeignKeys(schema string, p *Plan) []string {
	return eachForeignKey(p, func(t *Table, fk ForeignKey) string {
		return fmt.Sprintf("ALTER TABLE IF EXISTS %s DROP CONSTRAINT IF EXISTS %s;", qualified(schema, t.Name), QuoteIdent(fk.Name))
	})
}

func eachForeignKey(p *Plan, stmt func(*Table, ForeignKey) string) []string {
	var stmts []string
	for _, t := range p.Tables {
		for _, fk := range t.ForeignKeys {
			stmts = append(stmts, stmt(t, fk))
		}
	}
	return stmts
}

// Truncate empties every table in one statement, so foreign keys between
// them never force an order; it returns "" for no tables.
func Truncate(schema string, tables []*Table) string {
	if len(tables) == 0 {
		return ""
	}
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = qualified(schema, t.Name)
	}
	return "TRUNCATE TABLE " + strings.Join(names, ", ") + ";"
}
