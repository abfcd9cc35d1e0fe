package plan

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/sluicedb/sluice/config"
)

// Render writes what `sluice plan` prints: each table in load order with its
// columns, then the DDL, then the warnings. A plan holds no URL, so nothing
// secret can be printed.
func (p *Plan) Render(w io.Writer) error {
	r := &renderer{w: w, several: len(p.Databases) > 1}
	r.header(p)
	for i, t := range p.Tables {
		r.table(i+1, t)
	}
	r.drift(p)
	if !r.several {
		r.ddl(p, "")
	}
	for _, db := range p.Databases {
		if r.several {
			r.ddl(p.ForDatabase(db.Name), " (database "+db.Name+")")
		}
	}
	r.warnings(p.Warnings)
	r.losses(p.Losses)
	r.rollback(p)
	r.liveSync(p)
	return r.err
}

func (r *renderer) header(p *Plan) {
	if !r.several {
		r.printf("Plan: %d tables into schema %q (key namespace %s)\n", len(p.Tables), p.Schema, p.Namespace)
		return
	}
	dbs := make([]string, len(p.Databases))
	for i, d := range p.Databases {
		dbs[i] = fmt.Sprintf("%s (schema %q)", d.Name, d.Schema)
	}
	r.printf("Plan: %d tables into %d databases: %s (key namespace %s)\n", len(p.Tables), len(p.Databases), strings.Join(dbs, ", "), p.Namespace)
}

// renderer remembers the first write error so the printing code stays flat.
type renderer struct {
	w       io.Writer
	err     error
	several bool // the plan loads into several databases
}

func (r *renderer) printf(format string, args ...any) {
	if r.err == nil {
		_, r.err = fmt.Fprintf(r.w, format, args...)
	}
}

func (r *renderer) table(n int, t *Table) {
	r.printf("\n%d. %s -> %s", n, t.ID, t.Name)
	if r.several {
		r.printf(" (database %s)", t.Database)
	}
	r.printf("\n   ~%s rows, %s of %s rows, keys: %s, strategy: %s%s\n",
		thousands(t.Rows), plural(t.Chunks, "chunk"), thousands(int64(t.ChunkRows)), t.Keys, t.Strategy, deleteMissingText(t))
	r.printf("   %s\n", pagination(t))
	if m := ChunkMemory(t); m > 0 {
		r.printf("   rows ~%s each: ~%s rows and ~%s a chunk (chunk_bytes %s)\n",
			sizeText(t.RowBytes), thousands(ChunkRowsFor(t)), sizeText(m), config.FormatBytes(t.ChunkBytes))
	}
	if t.Where != "" {
		r.printf("   where: %s\n", t.Where)
	}
	r.origin(t)
	tw := tabwriter.NewWriter(r.w, 0, 4, 2, ' ', 0)
	for _, c := range t.Columns {
		srcName, srcType := columnSource(t, c)
		fmt.Fprintf(tw, "     %s\t%s\t-> %s\t%s\t%s\n", srcName, srcType, c.Name, targetType(c), role(t, c))
	}
	if r.err == nil {
		r.err = tw.Flush()
	}
	for _, fk := range t.ForeignKeys {
		if fk.RefDatabase != "" {
			r.printf("   reference (%s) -> %s.%s (%s): another database, checked for orphans instead of a constraint\n",
				joinCols(fk.Columns), fk.RefDatabase, fk.RefTable, joinCols(fk.RefColumns))
			continue
		}
		r.printf("   foreign key (%s) -> %s (%s)%s\n", joinCols(fk.Columns), fk.RefTable, joinCols(fk.RefColumns), actionsDDL(fk))
	}
	for _, ck := range t.Checks {
		r.printf("   check %s: %s\n", ck.Name, ck.Expr)
	}
}

// origin says where a merged table's or an expansion's rows come from, and
// what a table waits for.
func (r *renderer) origin(t *Table) {
	if m := t.Merged; m != nil {
		r.printf("   merged: %s <- %s (%s)\n", m.Table, joinCols(m.Parts), matchText(m))
	}
	if e := t.Expansion; e != nil {
		r.printf("   expands %s: %s\n", e.Parent, expansionText(e))
	}
	if len(t.DependsOn) > 0 {
		r.printf("   waits for %s: its references are resolved to their matched rows\n", joinCols(t.DependsOn))
	}
}

func deleteMissingText(t *Table) string {
	if t.DeleteMissing && hashed(t.Strategy) {
		return ", delete missing"
	}
	return ""
}

func pagination(t *Table) string {
	if len(t.Key) == 0 && t.Merged != nil {
		return "read in one chunk: no key to paginate by"
	}
	if len(t.Key) == 0 {
		return "read in one pass cut into chunks: no key to paginate by"
	}
	return "paginated by (" + joinCols(t.Key) + ")"
}

// noSource is what the source side of a column shows when no source
// column makes it.
var noSource = map[Role]string{
	RoleComputed: "(expression)", RoleFill: "(missing)", RoleSource: "(source name)",
	RoleRowHash: "(row content)", RoleMatchUUID: "(natural key)", RoleOrdinal: "(position)",
}

func columnSource(t *Table, c Column) (string, string) {
	if s, ok := noSource[c.Role]; ok {
		return s, ""
	}
	switch {
	case c.Role == RoleValue:
		return c.Source, sourceTypeText(c.SourceType)
	case c.Role == RoleElement && t.Expansion != nil:
		return t.Expansion.Column, sourceTypeText(c.SourceType)
	case len(c.KeyColumns) == 1:
		return c.KeyColumns[0], sourceTypeText(c.SourceType)
	}
	return "(" + joinCols(c.KeyColumns) + ")", ""
}

func targetType(c Column) string {
	if c.NotNull {
		return c.Type + " NOT NULL"
	}
	return c.Type
}

func role(t *Table, c Column) string {
	s := roleText(t, c)
	if c.Default != nil && c.Role != RoleFill {
		s += ", default " + strconv.Quote(*c.Default)
	}
	if c.AutoIncrement {
		s += ", identity"
	}
	if c.SQLDefault != "" {
		s += ", DEFAULT " + c.SQLDefault
	}
	if c.ZeroDates == config.ZeroDatesNull && isDateKind(c) {
		s += ", zero dates -> NULL"
	}
	return s
}

func roleText(t *Table, c Column) string {
	switch c.Role {
	case RoleRowUUID:
		if c.IdentityTable != "" {
			return "row uuid, identity of " + c.IdentitySource + "." + c.IdentityTable + " (primary key)"
		}
		return "row uuid (primary key)"
	case RoleMatchUUID:
		return "match uuid of (" + joinCols(c.KeyColumns) + ") (primary key)"
	case RoleExpandUUID:
		return "uuid of the parent's key and the ordinal (primary key)"
	case RoleLegacyKey:
		return "legacy key"
	case RoleRefUUID:
		if c.ResolveMatch {
			return "uuid of " + c.RefSource + "." + c.RefTable + ", resolved to its matched row"
		}
		if c.IdentityTable != "" {
			return "uuid of " + c.RefSource + "." + c.RefTable + ", identity of " + c.IdentitySource + "." + c.IdentityTable
		}
		return "uuid of " + c.RefSource + "." + c.RefTable
	case RoleComputed:
		return "computed: " + c.Expr
	case RoleFill:
		return "fill " + fillText(c.Default)
	case RoleSource:
		return "source name " + strconv.Quote(t.Source)
	}
	return otherRoleText(t, c)
}

func otherRoleText(t *Table, c Column) string {
	switch c.Role {
	case RoleRowHash:
		return "row hash (strategy " + t.Strategy + ")"
	case RoleOrdinal:
		return "ordinal 1..n"
	case RoleElement:
		return "element"
	}
	return "value"
}

func fillText(v *string) string {
	if v == nil {
		return "NULL"
	}
	return strconv.Quote(*v)
}

// ddl prints the statements of one database; the parts of a merged
// table are one table.
func (r *renderer) ddl(p *Plan, db string) {
	tables := distinctTables(p.Tables)
	r.printf("\n-- DDL: create%s\n%s\n", db, CreateSchema(p.Schema))
	for _, t := range tables {
		r.lines(Create(p.Schema, t))
	}
	if truncates(p) {
		r.printf("\n-- DDL: before the load (strategy truncate)%s\n", db)
		r.lines(DropForeignKeys(p.Schema, p))
		r.printf("%s\n", Truncate(p.Schema, p.Tables))
	}
	r.printf("\n-- DDL: after the data%s\n", db)
	for _, t := range tables {
		r.lines(PostLoad(p.Schema, t))
	}
	r.printf("\n-- DDL: foreign keys%s\n", db)
	r.lines(AddForeignKeys(p.Schema, p))
	r.lines(ValidateForeignKeys(p.Schema, p))
	r.views(p.Views, db)
}

// views prints the views dropped before every run and created after it.
func (r *renderer) views(vs []View, db string) {
	if len(vs) == 0 {
		return
	}
	r.printf("\n-- DDL: views, dropped before the load and created after every table%s\n", db)
	for _, v := range vs {
		r.printf("%s\n", DropView(v))
	}
	for _, v := range vs {
		r.printf("-- view %s.%s\n%s\n", v.Source, v.Name, CreateView(v))
	}
}

// distinctTables keeps the first table of each target table.
func distinctTables(ts []*Table) []*Table {
	var out []*Table
	seen := map[string]bool{}
	for _, t := range ts {
		if key := t.Database + "." + t.Name; !seen[key] {
			seen[key] = true
			out = append(out, t)
		}
	}
	return out
}

func (r *renderer) lines(stmts []string) {
	for _, s := range stmts {
		r.printf("%s\n", s)
	}
}

func (r *renderer) warnings(ws []Warning) {
	if len(ws) == 0 {
		r.printf("\nNo warnings.\n")
		return
	}
	r.printf("\nWarnings (%d):\n", len(ws))
	for _, w := range ws {
		if w.Table == "" {
			r.printf("  - %s\n", w.Message)
			continue
		}
		r.printf("  - %s: %s\n", w.Table, w.Message)
	}
}

// losses ends the plan with what will not be carried over, one line each,
// grouped by source and table in plan order.
func (r *renderer) losses(ls []Loss) {
	if len(ls) == 0 {
		r.printf("\nNot carried over: nothing.\n")
		return
	}
	r.printf("\nNot carried over (%d):\n", len(ls))
	for _, l := range ls {
		where := l.Source
		if l.Table != "" {
			where += "." + l.Table
		}
		r.printf("  - %s: %s: %s\n", where, l.What, l.Why)
	}
}

func truncates(p *Plan) bool {
	for _, t := range p.Tables {
		if t.Strategy == config.StrategyTruncate {
			return true
		}
	}
	return false
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// thousands writes 1234567 as "1,234,567".
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, d := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return b.String()
}
