package plan

import (
	"fmt"
	"slices"

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

func (b *builder) checkRule(r *config.TableRule) {
	key := "tables." + r.Source + "." + r.Table
	s := b.schema(r.Source)
	if s == nil {
		b.fail(r.Line, key, "unknown source %q", r.Source)
		return
	}
	t := s.Table(r.Table)
	if t == nil {
		b.fail(r.Line, key, "%s", missingTable(s, r.Table))
		return
	}
	for _, cr := range r.Columns {
		ckey := key + ".columns." + cr.Name
		switch {
		case t.Column(cr.Name) == nil:
			b.fail(cr.Line, ckey, "column %q does not exist in %s.%s%s", cr.Name, r.Source, r.Table, suggest(cr.Name, columnNames(t)))
		case cr.Drop && slices.Contains(t.PrimaryKey, cr.Name):
			b.fail(cr.Line, ckey, "column %s is part of the primary key and cannot be dropped", cr.Name)
		case cr.References != "":
			if _, msg := b.resolveReference(cr.References); msg != "" {
				b.fail(cr.Line, ckey+".references", "references %s: %s", cr.References, msg)
			}
		}
	}
}

// checkTableNames reports two source tables loading into one target table,
// and target table names too long for PostgreSQL.
func (b *builder) checkTableNames() {
	seen := map[string]*tableState{}
	for _, st := range b.list {
		b.checkLength(st.tableLine(), st.tableKey(), st.t.Name)
		if first, dup := seen[st.t.Name]; dup {
			line, key := st.tableLine(), st.tableKey()
			if st.rule == nil && first.rule != nil {
				line, key = first.tableLine(), first.tableKey()
			}
			b.fail(line, key, "target table %q is the target of both %s and %s", st.t.Name, first.t.ID, st.t.ID)
			continue
		}
		seen[st.t.Name] = st
	}
}

// checkColumnNames reports two target columns of one table with the same
// name (after naming, renames, and the columns keys add) and names too long.
func (b *builder) checkColumnNames(st *tableState) {
	seen := map[string]*Column{}
	for i := range st.t.Columns {
		c := &st.t.Columns[i]
		line, key := b.columnLocation(st, c)
		b.checkLength(line, key, c.Name)
		if first, dup := seen[c.Name]; dup {
			b.fail(line, key, "target column %q comes from both %s and %s", c.Name, origin(first), origin(c))
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
	src := c.Source
	if len(c.KeyColumns) == 1 && c.Role != RoleLegacyKey {
		src = c.KeyColumns[0]
	}
	if src != "" && st.rule.Column(src) != nil {
		return st.columnLine(src), st.columnKey(src)
	}
	return st.tableLine(), st.tableKey()
}

// origin says where a target column comes from, for messages.
func origin(c *Column) string {
	switch {
	case c.Role == RoleValue:
		return "column " + c.Source
	case c.Role == RoleLegacyKey:
		return "the legacy key column (legacy_column)"
	case len(c.KeyColumns) == 1:
		return "column " + c.KeyColumns[0]
	case c.Role == RoleRowUUID:
		return "the row uuid of the composite primary key"
	}
	return fmt.Sprintf("the uuid of the foreign key (%s) to %s.%s", joinCols(c.KeyColumns), c.RefSource, c.RefTable)
}
