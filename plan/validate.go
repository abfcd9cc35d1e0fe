package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// maxIdentifier is PostgreSQL's limit on an identifier, in bytes; a longer
// one would be cut silently by the server.
const maxIdentifier = 63

// checkRules reports every table and column rule that names something the
// source does not have.
func (b *builder) checkRules() {
	for i := range b.cfg.Tables {
		b.checkRule(&b.cfg.Tables[i])
	}
}

// CheckNames reports the table and column rules of cfg that name a table
// or column the source does not have, for the sources in schemas (the
// rules of any other source are not checked). With it a config with other
// problems gets these reported in the same pass: the CLI introspects the
// sources whose URLs are fine and adds them to the config's own problems.
func CheckNames(cfg *config.Config, schemas []*sluice.Schema) config.Errors {
	b := newBuilder(cfg, schemas)
	for i := range cfg.Tables {
		r := &cfg.Tables[i]
		if s := b.schema(r.Source); s != nil {
			b.ruleTable(r, s)
		}
	}
	return b.errors()
}

// ruleTable returns the source table rule r names, reporting it when the
// source has no such table, and reporting each column rule that names no
// column of it or references a table of a known source that does not exist.
func (b *builder) ruleTable(r *config.TableRule, s *sluice.Schema) *sluice.Table {
	key := "tables." + r.Source + "." + r.Table
	t := s.Table(r.Table)
	if t == nil {
		b.fail(r.Line, key, "%s", missingTable(s, r.Table))
		return nil
	}
	for _, cr := range r.Columns {
		ckey := key + ".columns." + cr.Name
		refSource, _, _ := strings.Cut(cr.References, ".")
		switch {
		case t.Column(cr.Name) == nil:
			b.fail(cr.Line, ckey, "column %q does not exist in %s.%s%s", cr.Name, r.Source, r.Table, suggest(cr.Name, columnNames(t)))
		case cr.References != "" && b.schema(refSource) != nil:
			if _, msg := b.resolveReference(cr.References); msg != "" {
				b.fail(cr.Line, ckey+".references", "references %s: %s", cr.References, msg)
			}
		}
	}
	return t
}

func (b *builder) checkRule(r *config.TableRule) {
	key := "tables." + r.Source + "." + r.Table
	s := b.schema(r.Source)
	if s == nil {
		b.fail(r.Line, key, "unknown source %q", r.Source)
		return
	}
	t := b.ruleTable(r, s)
	if t == nil {
		return
	}
	b.checkDatabase(r.Line, key+".database", r.Database)
	b.checkCSVRule(r, s, t, key)
	b.checkStrayFills(r, key)
	b.checkExpandRules(r, t, key)
	for _, cr := range r.Columns {
		ckey := key + ".columns." + cr.Name
		switch {
		case t.Column(cr.Name) == nil:
			// reported by ruleTable
		case cr.Drop && slices.Contains(t.PrimaryKey, cr.Name):
			b.fail(cr.Line, ckey, "column %s is part of the primary key and cannot be dropped", cr.Name)
		case cr.References != "":
			if _, msg := b.resolveReference(cr.References); msg != "" {
				b.fail(cr.Line, ckey+".references", "references %s: %s", cr.References, msg)
			}
		}
	}
}

// checkStrayFills: fill gives values to the columns of a merged table a
// part lacks, so it belongs to a table that a from: lists.
func (b *builder) checkStrayFills(r *config.TableRule, key string) {
	if b.mergeOf[r.Source+"."+r.Table] != nil {
		return
	}
	for _, f := range r.Fill {
		b.fail(f.Line, key+".fill."+f.Column, "fill applies to a table merged with others (listed in a from:); %s.%s is not", r.Source, r.Table)
	}
}

// checkTableNames reports two source tables loading into one target table
// of one database (the parts of a merged table excepted), and target table
// names too long for PostgreSQL.
func (b *builder) checkTableNames() {
	seen := map[string]*tableState{}
	for _, st := range b.list {
		name := st.t.Database + "." + st.t.Name
		first, dup := seen[name]
		switch {
		case dup && st.merge != nil && first.merge == st.merge:
			// another part of the same merged table
		case dup:
			line, key := st.nameLocation()
			if firstLine, firstKey := first.nameLocation(); line == 0 && firstLine > 0 {
				line, key = firstLine, firstKey
			}
			b.fail(line, key, "target table %q is the target of both %s and %s", st.t.Name, first.targetOf(), st.targetOf())
		default:
			line, key := st.nameLocation()
			b.checkLength(line, key, st.t.Name)
			seen[name] = st
		}
	}
}

// targetOf names what loads the table: its ID, or its merged table's rule.
func (st *tableState) targetOf() string {
	if st.merge != nil {
		return st.merge.key() + " (from " + joinCols(st.merge.m.Parts) + ")"
	}
	return st.t.ID
}

// checkColumnNames reports two target columns of one table with the same
// name (after naming, renames, and the columns keys add) and names too long.
func (b *builder) checkColumnNames(st *tableState) {
	seen := map[string]*Column{}
	for i := range st.t.Columns {
		c := &st.t.Columns[i]
		if c.Role == RoleFill {
			continue // the part that has the column reports it
		}
		line, key := b.columnLocation(st, c)
		b.checkLength(line, key, c.Name)
		if first, dup := seen[c.Name]; dup {
			b.fail(line, key, "target column %q comes from both %s and %s%s", c.Name, origin(first), origin(c), b.renameAdvice(st, first, c))
			continue
		}
		seen[c.Name] = c
	}
}

func (b *builder) checkLength(line int, key, name string) {
	if len(name) > maxIdentifier {
		b.fail(line, key, "target name %q is %d bytes; PostgreSQL allows at most %d", name, len(name), maxIdentifier)
	}
}

// columnLocation is the rule a target column comes from: its source
// column's rule, else the table's (which names legacy_column, for one).
func (b *builder) columnLocation(st *tableState, c *Column) (int, string) {
	if cr := st.computedRule(c); cr != nil {
		return cr.Line, st.tableKey() + ".computed." + cr.Column
	}
	if c.Role == RoleSource || c.Role == RoleMatchUUID {
		return st.merge.rule.Line, st.merge.key()
	}
	src := c.Source
	if len(c.KeyColumns) == 1 && c.Role != RoleLegacyKey && c.Role != RoleExpandUUID {
		src = c.KeyColumns[0]
	}
	if src != "" && st.rule.Column(src) != nil {
		return st.columnLine(src), st.columnKey(src)
	}
	return st.tableLine(), st.tableKey()
}

// computedRule is the rule of a computed column, or nil.
func (st *tableState) computedRule(c *Column) *config.ComputedRule {
	if c.Role != RoleComputed || st.rule == nil {
		return nil
	}
	for i := range st.rule.Computed {
		if st.rule.Computed[i].Column == c.Name {
			return &st.rule.Computed[i]
		}
	}
	return nil
}

// origin says where a target column comes from, for messages.
func origin(c *Column) string {
	if s, ok := roleOrigins[c.Role]; ok {
		return s
	}
	switch {
	case c.Role == RoleValue:
		return "column " + c.Source
	case c.Role == RoleComputed:
		return "the computed column " + c.Name
	case len(c.KeyColumns) == 1:
		return "column " + c.KeyColumns[0]
	case c.Role == RoleRowUUID:
		return "the row uuid of the composite primary key"
	}
	return fmt.Sprintf("the uuid of the foreign key (%s) to %s.%s", joinCols(c.KeyColumns), c.RefSource, c.RefTable)
}

// roleOrigins name the columns Sluice adds, whatever their key columns.
var roleOrigins = map[Role]string{
	RoleLegacyKey:  "the legacy key column (legacy_column)",
	RoleSource:     "the source column of the merged table (source_column)",
	RoleMatchUUID:  "the id of the merged table",
	RoleRowHash:    "the row hash of strategy merge and append",
	RoleExpandUUID: "the id of the expansion's rows",
	RoleOrdinal:    "the expansion's ordinal column",
	RoleElement:    "the expansion's value column",
}

// renameAdvice says how to settle two target columns with one name: a rule
// that gives one of them a name no column of the table has. It is empty
// when neither can be renamed by the config.
func (b *builder) renameAdvice(st *tableState, first, c *Column) string {
	free := freeName(c.Name, st.t.columnNames())
	order := []*Column{c, first}
	if first.Role == RoleSource {
		order = []*Column{first, c} // one rule for every part of the merged table
	}
	for _, x := range order {
		if rule := b.renameRule(st, x, free); rule != "" {
			return "; give one of them another name, e.g. " + rule
		}
	}
	return ""
}

// renameRule is the config that names column c free, or "".
func (b *builder) renameRule(st *tableState, c *Column, free string) string {
	src := c.Source
	if len(c.KeyColumns) == 1 && (c.Role == RoleRowUUID || c.Role == RoleRefUUID) {
		src = c.KeyColumns[0]
	}
	switch {
	case c.Role == RoleComputed:
		return fmt.Sprintf("rename %s.computed.%s to %s", st.tableKey(), c.Name, free)
	case c.Role == RoleLegacyKey && st.merge == nil:
		return fmt.Sprintf("%s.legacy_column: %s", st.tableKey(), free)
	case c.Role == RoleSource:
		return fmt.Sprintf("%s.source_column: %s", st.merge.key(), free)
	case src == "" || st.expand != nil || c.Name != b.targetColumn(st.rule.Column(src), src):
		return "" // a column Sluice names
	case c.Role == RoleValue || (st.merge == nil && c.Role != RoleLegacyKey):
		return fmt.Sprintf("%s.columns.%s.name: %s", st.tableKey(), src, free)
	}
	return ""
}
