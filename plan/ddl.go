package plan

import (
	"fmt"
	"regexp"
	"slices"
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

// CreateTable creates the table with its columns, types, NOT NULL, defaults,
// identities and CHECK constraints: keys, unique constraints and indexes
// come after the data (PostLoad), when building them is faster and COPY
// does not maintain them row by row.
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
		b.WriteString(columnAttributes(c))
	}
	b.WriteString(checkConstraints(t))
	b.WriteString("\n);")
	return b.String()
}

// PostLoad is everything that builds a table's keys and indexes after its
// data: BuildIndexes, then AttachConstraints.
func PostLoad(schema string, t *Table) []string {
	return append(BuildIndexes(schema, t), AttachConstraints(schema, t)...)
}

// BuildIndexes creates the indexes behind the primary key, the unique
// constraints and the plain indexes. Each statement stands alone, so they can
// run in parallel, and IF NOT EXISTS lets a rerun after a kill skip the ones
// already built (CREATE INDEX is atomic: an index is there whole or not at all).
func BuildIndexes(schema string, t *Table) []string {
	var stmts []string
	for _, b := range IndexBuilds(schema, t) {
		stmts = append(stmts, b.SQL)
	}
	return stmts
}

// IndexBuild is one statement of BuildIndexes.
type IndexBuild struct {
	Name string
	SQL  string
	// Plain is set on an index that enforces nothing: its failure leaves
	// the data as it is and fails only that index. A primary key's or a
	// unique index's failure means the rows break a rule of the source.
	Plain bool
}

// IndexBuilds lists the statements of BuildIndexes with their index.
func IndexBuilds(schema string, t *Table) []IndexBuild {
	var out []IndexBuild
	if len(t.PrimaryKey) > 0 {
		out = append(out, IndexBuild{Name: PrimaryKeyName(t), SQL: fmt.Sprintf("CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (%s);",
			QuoteIdent(PrimaryKeyName(t)), qualified(schema, t.Name), quoteList(t.PrimaryKey))})
	}
	for _, ix := range t.Indexes {
		out = append(out, IndexBuild{Name: ix.Name, SQL: CreateIndex(schema, t, ix), Plain: !ix.Unique})
	}
	return out
}

// CreateIndex builds one index, idempotently.
func CreateIndex(schema string, t *Table, ix Index) string {
	var b strings.Builder
	b.WriteString("CREATE ")
	if ix.Unique {
		b.WriteString("UNIQUE ")
	}
	fmt.Fprintf(&b, "INDEX IF NOT EXISTS %s ON %s ", QuoteIdent(ix.Name), qualified(schema, t.Name))
	if ix.Method != "" {
		fmt.Fprintf(&b, "USING %s ", methodName(ix.Method))
	}
	if ix.Expr != "" {
		fmt.Fprintf(&b, "(%s)", ix.Expr)
	} else {
		fmt.Fprintf(&b, "(%s)", quoteList(ix.Columns))
	}
	if ix.Where != "" {
		fmt.Fprintf(&b, " WHERE %s", ix.Where)
	}
	b.WriteString(";")
	return b.String()
}

// AttachConstraints turns the unique indexes into the primary key and the
// unique constraints. It only updates the catalog, so it is quick, and it
// runs in one transaction with the table's move to "indexed".
func AttachConstraints(schema string, t *Table) []string {
	table := qualified(schema, t.Name)
	var stmts []string
	if len(t.PrimaryKey) > 0 {
		name := QuoteIdent(PrimaryKeyName(t))
		stmts = append(stmts, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s PRIMARY KEY USING INDEX %s;", table, name, name))
	}
	for _, ix := range t.Indexes {
		if ix.constraint() {
			name := QuoteIdent(ix.Name)
			stmts = append(stmts, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s UNIQUE USING INDEX %s;", table, name, name))
		}
	}
	return stmts
}

// DropTable removes a target table that Sluice itself loaded under an
// earlier mapping, before it is created with the current one.
func DropTable(schema string, t *Table) string {
	return fmt.Sprintf("DROP TABLE IF EXISTS %s;", qualified(schema, t.Name))
}

// DropPostLoad removes the primary key, unique constraints and indexes that
// PostLoad builds, when a table is emptied for a reload: rows then load
// without index upkeep (random UUIDs make that 2-3 times slower) and
// PostLoad rebuilds them after the data. Objects Sluice does not plan are
// left alone. IF EXISTS makes it safe on a table that lacks them.
func DropPostLoad(schema string, t *Table) []string {
	table := qualified(schema, t.Name)
	var stmts []string
	var names []string
	if len(t.PrimaryKey) > 0 {
		names = append(names, PrimaryKeyName(t))
	}
	for _, ix := range t.Indexes {
		names = append(names, ix.Name)
	}
	// A constraint drops its index; an index built before the run was killed
	// may not have become its constraint yet, so both are dropped.
	for _, name := range names {
		stmts = append(stmts, fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s;", table, QuoteIdent(name)),
			fmt.Sprintf("DROP INDEX IF EXISTS %s;", qualified(schema, name)))
	}
	return stmts
}

// AddForeignKeys adds every foreign key NOT VALID: instant, and checked for
// new rows only; ValidateForeignKeys then checks the loaded rows without
// blocking writes.
func AddForeignKeys(schema string, p *Plan) []string {
	return eachForeignKey(p, func(t *Table, fk ForeignKey) string {
		return fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s (%s)%s NOT VALID;",
			qualified(schema, t.Name), QuoteIdent(fk.Name), quoteList(fk.Columns),
			qualified(schema, fk.RefTable), quoteList(fk.RefColumns), actionsDDL(fk))
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

// eachForeignKey writes a statement per constraint: once for the parts of
// a merged table, which share theirs, and none for a reference to another
// database, which cannot be a constraint (it is checked for orphans).
func eachForeignKey(p *Plan, stmt func(*Table, ForeignKey) string) []string {
	var stmts []string
	done := map[string]bool{}
	for _, t := range p.Tables {
		for _, fk := range t.ForeignKeys {
			key := t.Database + "." + t.Name + "." + fk.Name
			if fk.RefDatabase != "" || done[key] {
				continue
			}
			done[key] = true
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
	var names []string
	for _, t := range tables {
		if name := qualified(schema, t.Name); !slices.Contains(names, name) {
			names = append(names, name) // the parts of a merged table are one table
		}
	}
	return "TRUNCATE TABLE " + strings.Join(names, ", ") + ";"
}

var plainName = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// methodName writes an access method as a name PostgreSQL reads back as it.
func methodName(m string) string {
	if plainName.MatchString(m) {
		return m
	}
	return QuoteIdent(m)
}
