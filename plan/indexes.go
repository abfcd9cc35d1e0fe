package plan

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/sqlexpr"
)

// carryIndex turns one source index into the target's, as the config's
// indexes: rule for it says, else by its method (FULLTEXT becomes GIN on
// to_tsvector, SPATIAL GiST, HASH hash), its prefixes and its expression.
// What cannot be reproduced is a Loss; ok is false when nothing is built.
func (b *builder) carryIndex(st *tableState, six sluice.Index) (Index, bool) {
	rule := st.rule.Index(six.Name)
	switch {
	case rule != nil && rule.Drop:
		b.lose(st, "index "+sourceIndexText(six), "dropped by the config ("+st.tableKey()+".indexes."+six.Name+".drop)")
		return Index{}, false
	case rule != nil && rule.Defines():
		return b.ruleIndex(st, rule, &six)
	case rule != nil:
		b.fail(rule.Line, st.tableKey()+".indexes."+rule.Name, "give columns or expression to redefine the index, or drop: true")
	}
	if six.Expression != "" || six.Where != "" {
		return b.translatedIndex(st, six)
	}
	cols := st.targetNames(six.Columns)
	if len(cols) != len(six.Columns) {
		b.warn(st.t.ID, fmt.Sprintf("index %s uses a dropped column; it is left out", six.Name))
		b.lose(st, "index "+sourceIndexText(six), "it uses a column the mapping drops")
		return Index{}, false
	}
	switch {
	case six.Method == sluice.IndexFullText:
		return b.fullTextIndex(st, six, cols), true
	case six.Method == sluice.IndexSpatial || spatialSource(st, six):
		return b.spatialIndex(st, six, cols)
	}
	ix := Index{Columns: cols, Unique: six.Unique, Method: b.indexMethod(st, six, cols), Source: six.Name}
	if len(six.Prefixes) > 0 {
		ix = b.prefixIndex(st, six, ix)
	}
	return ix, true
}

// sourceIndexText describes a source index for the plan: its name, kind
// and key parts.
func sourceIndexText(six sluice.Index) string {
	kind := ""
	switch {
	case six.Method == sluice.IndexFullText:
		kind = "FULLTEXT "
	case six.Method == sluice.IndexSpatial:
		kind = "SPATIAL "
	case six.Unique:
		kind = "UNIQUE "
	}
	parts := six.Expression
	if parts == "" {
		cols := slices.Clone(six.Columns)
		for i, p := range six.Prefixes {
			if p > 0 {
				cols[i] += "(" + strconv.Itoa(p) + ")"
			}
		}
		parts = joinCols(cols)
	}
	s := six.Name + " (" + kind + parts + ")"
	if six.Where != "" {
		s += " WHERE " + six.Where
	}
	return s
}

// indexMethod keeps a PostgreSQL source's access method (its default
// operator classes are the target's) and makes a MySQL HASH index a hash
// index where PostgreSQL has one: on a single column, not unique.
func (b *builder) indexMethod(st *tableState, six sluice.Index, cols []string) string {
	switch {
	case six.Method == "hash" && len(cols) == 1 && !six.Unique:
		return "hash"
	case st.t.Engine == "postgres":
		return six.Method
	}
	return ""
}

// fullTextIndex makes a FULLTEXT index a GIN index on the text search
// vector of its columns, in the configured text search configuration.
// MATCH ... AGAINST has no PostgreSQL equivalent: queries are rewritten.
func (b *builder) fullTextIndex(st *tableState, six sluice.Index, cols []string) Index {
	expr := tsvector(b.set.textSearch, st.t, cols)
	b.lose(st, "FULLTEXT search on ("+joinCols(six.Columns)+") (index "+six.Name+")",
		fmt.Sprintf("the index becomes a GIN index on %s; MATCH ... AGAINST queries must be rewritten as %s @@ websearch_to_tsquery(%s, ...) to use it, and MySQL's relevance, stopwords and minimum word length do not apply",
			expr, expr, textSearchLiteral(b.set.textSearch)))
	return Index{Columns: cols, Method: "gin", Expr: expr, Source: six.Name}
}

// tsvector is to_tsvector(config, c1 || ' ' || c2 ...), each column
// coalesced so a NULL column does not empty the whole vector. The
// two-argument form is immutable, as an index expression must be.
func tsvector(cfg string, t *Table, cols []string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		v := QuoteIdent(c)
		if tc := t.column(c); tc == nil || !isTextType(tc.Type) {
			v += "::text"
		}
		parts[i] = "coalesce(" + v + ", '')"
	}
	return "to_tsvector(" + textSearchLiteral(cfg) + ", " + strings.Join(parts, " || ' ' || ") + ")"
}

var boundedText = regexp.MustCompile(`^(?:character varying|varchar|character|char)\s*\((\d+)\)$`)

func isTextType(typ string) bool {
	t := strings.ToLower(strings.TrimSpace(typ))
	return t == "text" || boundedText.MatchString(t)
}

// spatialIndex is GiST on a PostGIS column; on EWKT text there is none.
func (b *builder) spatialIndex(st *tableState, six sluice.Index, cols []string) (Index, bool) {
	for _, c := range cols {
		if tc := st.t.column(c); tc == nil || !isSpatialType(tc.Type) {
			b.lose(st, "index "+sourceIndexText(six), "the column "+c+" holds EWKT text (defaults.spatial: wkt), which has no spatial index")
			return Index{}, false
		}
	}
	method := six.Method
	if method == sluice.IndexSpatial {
		method = "gist"
	}
	return Index{Columns: cols, Method: method, Source: six.Name}, true
}

// spatialSource reports an index of a PostgreSQL source on a PostGIS
// column: its access method needs the column to stay PostGIS.
func spatialSource(st *tableState, six sluice.Index) bool {
	for _, c := range six.Columns {
		if sc := st.src.Column(c); sc != nil && sc.Type.Kind == sluice.KindGeometry {
			return true
		}
	}
	return false
}

func isSpatialType(typ string) bool {
	t := strings.ToLower(strings.TrimSpace(typ))
	return strings.HasPrefix(t, "geometry") || strings.HasPrefix(t, "geography")
}

// btreeChars is how many characters of a varchar are sure to fit in a
// B-tree entry (2704 bytes) at 4 bytes each.
const btreeChars = 675

// prefixIndex carries a MySQL prefix index. A unique one keeps its rule on
// the prefix: left(col, n). A plain one indexes the whole column where
// every value fits in a B-tree entry, so that queries on the column use it
// as they did; on longer columns it indexes left(col, n), which queries
// must then name to use it.
func (b *builder) prefixIndex(st *tableState, six sluice.Index, ix Index) Index {
	parts := make([]string, len(ix.Columns))
	var cut []string
	for i, c := range ix.Columns {
		parts[i] = QuoteIdent(c)
		n := six.Prefixes[i]
		tc := st.t.column(c)
		if n <= 0 || tc == nil || !six.Unique && fitsBtree(tc.Type) {
			continue
		}
		parts[i] = prefixExpr(c, tc.Type, n)
		cut = append(cut, parts[i])
	}
	if len(cut) == 0 {
		return ix
	}
	ix.Expr = strings.Join(parts, ", ")
	if !six.Unique {
		b.lose(st, "prefix index "+sourceIndexText(six), "becomes an index on ("+ix.Expr+"): a whole-column B-tree could not hold long values, and PostgreSQL uses this index only for queries that filter on "+strings.Join(cut, " and "))
	}
	return ix
}

func fitsBtree(typ string) bool {
	m := boundedText.FindStringSubmatch(strings.ToLower(strings.TrimSpace(typ)))
	if m == nil {
		return false
	}
	n, err := strconv.Atoi(m[1])
	return err == nil && n <= btreeChars
}

func prefixExpr(col, typ string, n int) string {
	if strings.EqualFold(strings.TrimSpace(typ), "bytea") {
		return fmt.Sprintf("substring(%s from 1 for %d)", QuoteIdent(col), n)
	}
	return fmt.Sprintf("left(%s, %d)", QuoteIdent(col), n)
}

// translatedIndex carries an index on expressions or a partial index. A
// PostgreSQL source's SQL is the target's: only column names change. Other
// engines' SQL is not translated: the index is a Loss.
func (b *builder) translatedIndex(st *tableState, six sluice.Index) (Index, bool) {
	if st.t.Engine != "postgres" {
		b.lose(st, "index "+sourceIndexText(six), "an index on an expression or a partial index is not translated from "+st.t.Engine+
			"'s SQL; define it under "+st.tableKey()+".indexes with a PostgreSQL expression")
		return Index{}, false
	}
	ix := Index{Columns: st.targetNames(six.Columns), Unique: six.Unique, Method: six.Method, Source: six.Name}
	var err error
	if six.Expression != "" {
		if ix.Expr, err = renameColumns(st, six.Expression); err == nil {
			ix.Columns = nil
		}
	}
	if err == nil && six.Where != "" {
		ix.Where, err = renameColumns(st, six.Where)
	}
	if err == nil && len(ix.Columns) != len(six.Columns) {
		err = fmt.Errorf("it uses a column the mapping drops")
	}
	if err != nil {
		b.lose(st, "index "+sourceIndexText(six), err.Error())
		return Index{}, false
	}
	return ix, true
}

// renameColumns rewrites the column names of a PostgreSQL expression over
// the table to their target names. A name after "::" is a type, one before
// "(" a function, one after "." a qualified name's part: none is a column.
// A column that is no plain value on the target (dropped, or made a uuid)
// is an error.
func renameColumns(st *tableState, expr string) (string, error) {
	toks, err := sqlexpr.TokenizeText("postgres", expr)
	if err != nil {
		return "", fmt.Errorf("cannot read %q: %w", expr, err)
	}
	for i, t := range toks {
		if t.Kind != sqlexpr.Ident && t.Kind != sqlexpr.Quoted {
			continue
		}
		if i > 0 && (toks[i-1].Is("::") || toks[i-1].Is(".") || toks[i-1].Is("COLLATE")) || i+1 < len(toks) && toks[i+1].Is("(") {
			continue
		}
		name := t.Text
		if t.Kind == sqlexpr.Ident {
			name = strings.ToLower(name) // PostgreSQL folds a bare name
		}
		if st.src.Column(name) == nil {
			continue // a keyword or an operator class
		}
		k := st.t.columnIndex(name)
		if k < 0 {
			return "", fmt.Errorf("its column %s is not a plain value on the target (dropped, or replaced by a key)", name)
		}
		toks[i] = sqlexpr.Token{Kind: sqlexpr.Quoted, Text: st.t.Columns[k].Name}
	}
	return sqlexpr.WriteText(toks), nil
}

// configIndexes adds the indexes the config defines under new names, and
// reports rules that name no index of the source table and define none.
func (b *builder) configIndexes(st *tableState) []Index {
	if st.rule == nil || st.expand != nil {
		return nil
	}
	var out []Index
	for i := range st.rule.Indexes {
		r := &st.rule.Indexes[i]
		if slices.ContainsFunc(st.src.Indexes, func(ix sluice.Index) bool { return ix.Name == r.Name }) {
			continue
		}
		if r.Drop || !r.Defines() {
			b.fail(r.Line, st.tableKey()+".indexes."+r.Name, "no index %s on source table %s (%s); a new index needs columns or expression",
				quoteName(r.Name), st.src.Name, sourceIndexNames(st.src))
			continue
		}
		if ix, ok := b.ruleIndex(st, r, nil); ok {
			out = append(out, ix)
		}
	}
	return out
}

func sourceIndexNames(t *sluice.Table) string {
	if len(t.Indexes) == 0 {
		return "it has no index"
	}
	names := make([]string, len(t.Indexes))
	for i, ix := range t.Indexes {
		names[i] = ix.Name
	}
	return "its indexes: " + joinCols(names)
}

func quoteName(s string) string { return strconv.Quote(s) }

// ruleIndex builds the index a rule defines, in place of the source index
// six (nil for a new index, which keeps the rule's name). Columns are
// target columns; the expression and condition are PostgreSQL, as written.
func (b *builder) ruleIndex(st *tableState, r *config.IndexRule, six *sluice.Index) (Index, bool) {
	ix := Index{Columns: r.Columns, Expr: r.Expression, Where: r.Where, Method: r.Method}
	if ix.Method == "btree" {
		ix.Method = ""
	}
	if six != nil {
		ix.Unique, ix.Source = six.Unique, six.Name
	} else {
		ix.Name = r.Name
	}
	if r.Unique != nil {
		ix.Unique = *r.Unique
	}
	ok := true
	for _, c := range r.Columns {
		if st.t.column(c) == nil {
			b.fail(r.Line, st.tableKey()+".indexes."+r.Name+".columns", "no column %s in target table %s (its columns: %s)",
				quoteName(c), st.t.Name, joinCols(targetColumnNames(st.t)))
			ok = false
		}
	}
	return ix, ok
}

func targetColumnNames(t *Table) []string {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	return names
}

// textSearchLiteral writes the configured text search configuration's name
// as a string literal; config refuses a name that is not one, so it holds
// no NUL, QuoteString's only error.
func textSearchLiteral(name string) string {
	q, _ := sqlexpr.QuoteString(name)
	return q
}
