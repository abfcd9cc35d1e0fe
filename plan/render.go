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
	r := &renderer{w: w}
	r.printf("Plan: %d tables into schema %q (key namespace %s)\n", len(p.Tables), p.Schema, p.Namespace)
	for i, t := range p.Tables {
		r.table(i+1, t)
	}
	r.ddl(p)
	r.warnings(p.Warnings)
	return r.err
}

// renderer remembers the first write error so the printing code stays flat.
type renderer struct {
	w   io.Writer
	err error
}

func (r *renderer) printf(format string, args ...any) {
	if r.err == nil {
		_, r.err = fmt.Fprintf(r.w, format, args...)
	}
}

func (r *renderer) table(n int, t *Table) {
	r.printf("\n%d. %s -> %s\n", n, t.ID, t.Name)
	r.printf("   ~%s rows, %s of %s rows, keys: %s, strategy: %s\n",
		thousands(t.Rows), plural(t.Chunks, "chunk"), thousands(int64(t.ChunkRows)), t.Keys, t.Strategy)
	r.printf("   %s\n", pagination(t))
	if t.Where != "" {
		r.printf("   where: %s\n", t.Where)
	}
	tw := tabwriter.NewWriter(r.w, 0, 4, 2, ' ', 0)
	for _, c := range t.Columns {
		srcName, srcType := columnSource(c)
		fmt.Fprintf(tw, "     %s\t%s\t-> %s\t%s\t%s\n", srcName, srcType, c.Name, targetType(c), role(c))
	}
	if r.err == nil {
		r.err = tw.Flush()
	}
	for _, fk := range t.ForeignKeys {
		r.printf("   foreign key (%s) -> %s (%s)\n", joinCols(fk.Columns), fk.RefTable, joinCols(fk.RefColumns))
	}
}

func pagination(t *Table) string {
	if len(t.Key) == 0 {
		return "read in one chunk: no key to paginate by"
	}
	return "paginated by (" + joinCols(t.Key) + ")"
}

func columnSource(c Column) (string, string) {
	switch {
	case c.Role == RoleValue:
		return c.Source, sourceTypeText(c.SourceType)
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

func role(c Column) string {
	var s string
	switch c.Role {
	case RoleRowUUID:
		s = "row uuid (primary key)"
	case RoleLegacyKey:
		s = "legacy key"
	case RoleRefUUID:
		s = "uuid of " + c.RefSource + "." + c.RefTable
	default:
		s = "value"
	}
	if c.Default != nil {
		s += ", default " + strconv.Quote(*c.Default)
	}
	if c.ZeroDates == config.ZeroDatesNull && isDateKind(c) {
		s += ", zero dates -> NULL"
	}
	return s
}

func (r *renderer) ddl(p *Plan) {
	r.printf("\n-- DDL: create\n%s\n", CreateSchema(p.Schema))
	for _, t := range p.Tables {
		r.printf("%s\n", CreateTable(p.Schema, t))
	}
	if truncates(p) {
		r.printf("\n-- DDL: before the load (strategy truncate)\n")
		r.lines(DropForeignKeys(p.Schema, p))
		r.printf("%s\n", Truncate(p.Schema, p.Tables))
	}
	r.printf("\n-- DDL: after the data\n")
	for _, t := range p.Tables {
		r.lines(PostLoad(p.Schema, t))
	}
	r.printf("\n-- DDL: foreign keys\n")
	r.lines(AddForeignKeys(p.Schema, p))
	r.lines(ValidateForeignKeys(p.Schema, p))
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
