package plan

import (
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// WriteStarter writes what `sluice init` prints: a complete sluice.yaml with
// the sources and target of cfg, its defaults, and an entry for every source
// table naming every column explicitly, commented with the type mapping and
// the key and foreign key roles. Problems the plan finds (two tables named
// alike, say) are listed at the top as comments, so the file is still
// written and the user edits it.
func WriteStarter(w io.Writer, cfg *config.Config, schemas []*sluice.Schema) error {
	b := newBuilder(cfg, schemas)
	b.fit = &fitNames{tables: map[string]bool{}, columns: map[*Table]map[string]bool{}}
	p := b.build()
	s := &starter{renderer: renderer{w: w}, b: b, p: p}
	s.header(b.errors())
	s.connections(cfg)
	s.defaults()
	s.printf("\ntables:\n")
	for _, schema := range schemas {
		for i := range schema.Tables {
			s.table(schema, &schema.Tables[i])
		}
	}
	return s.err
}

type starter struct {
	renderer
	b *builder
	p *Plan
}

func (s *starter) header(errs config.Errors) {
	s.printf("# sluice.yaml, written by `sluice init`. Every key is described in docs/CONFIG.md.\n")
	s.printf("# Edit names, types and rules below, then run `sluice plan` to review the migration.\n")
	if len(errs) > 0 {
		s.printf("#\n# Fix these before migrating:\n")
		for _, e := range errs {
			s.printf("#   %s: %s\n", e.Key, e.Msg)
		}
	}
	s.printf("\nversion: 1\n")
}

func (s *starter) connections(cfg *config.Config) {
	s.printf("\nsources:\n")
	for _, src := range cfg.Sources {
		s.printf("  %s:\n", yamlScalar(src.Name))
		s.url("    ", src.Name, src.URL)
		s.encoding(src)
	}
	s.printf("\ntarget:\n")
	s.url("  ", "target", cfg.Target.URL)
	s.printf("  schema: %s\n", yamlScalar(s.b.set.schema))
}

func (s *starter) url(indent, name, raw string) {
	u, env := starterURL(name, raw)
	if env != "" {
		s.printf("%surl: %s   # set %s in the environment\n", indent, yamlScalar(u), env)
		return
	}
	s.printf("%surl: %s\n", indent, yamlScalar(u))
}

// encoding writes a source's declared encoding, or, for a source that may
// hold text in an encoding its database does not record, the key commented
// out.
func (s *starter) encoding(src config.Source) {
	switch scheme, _, _ := strings.Cut(src.URL, ":"); {
	case src.Encoding != "":
		s.printf("    encoding: %s\n", yamlScalar(src.Encoding))
	case scheme == "sqlite":
		s.printf("    # encoding: latin1   # if the file's text is not UTF-8 (docs/TYPES.md, Character sets)\n")
	case scheme == "postgres" || scheme == "postgresql":
		s.printf("    # encoding: latin1   # if the database is SQL_ASCII and its text not UTF-8 (docs/TYPES.md, Character sets)\n")
	case scheme == "csv":
		s.printf("    # encoding: cp1252   # if the files are not UTF-8 (a byte order mark says UTF-16); csv: sets how they are read (docs/CONFIG.md, CSV sources)\n")
	}
}

func (s *starter) defaults() {
	set := s.b.set
	s.printf("\ndefaults:\n")
	s.printf("  naming: %s   # camelCase | snake_case | keep\n", yamlScalar(set.naming))
	s.printf("  keys: %s   # uuid | keep\n", yamlScalar(set.keys))
	s.printf("  key_namespace: %s\n", set.namespace)
	s.printf("  legacy_column: %s\n", yamlScalar(set.legacy))
	s.printf("  chunk_rows: %d\n", set.chunkRows)
	s.printf("  chunk_bytes: %s   # a chunk also ends once its values pass this\n", config.FormatBytes(set.chunkBytes))
	s.printf("  workers: %d\n", workers(s.b.cfg.Defaults.Workers))
	s.printf("  strategy: %s   # create | truncate | merge | append\n", yamlScalar(set.strategy))
	s.printf("  zero_dates: %s   # reject | null\n", yamlScalar(set.zeroDates))
	s.printf("  enums: %s   # check | type | text: what ENUM and SET columns become\n", yamlScalar(or(s.b.cfg.Defaults.Enums, config.EnumsCheck)))
	s.printf("  spatial: %s   # postgis | wkt: spatial columns as PostGIS geometry, or as EWKT text\n", yamlScalar(set.spatial))
	s.printf("  text_search: %s   # text search configuration of the GIN indexes that replace FULLTEXT indexes\n", yamlScalar(set.textSearch))
}

func workers(n int) int {
	if n <= 0 {
		return 4
	}
	return n
}

// table writes one table's entry: its rule settings, its columns, and as
// comments its estimate, warnings, added columns and foreign keys.
func (s *starter) table(schema *sluice.Schema, src *sluice.Table) {
	id := schema.Source + "." + src.Name
	rule := s.b.cfg.Rule(schema.Source, src.Name)
	t := s.p.Table(id)
	s.printf("\n  %s:   # ~%s rows; %s\n", yamlScalar(id), thousands(max(src.Rows, 0)), keyText(src))
	if t == nil {
		s.printf("    skip: true\n")
		return
	}
	s.printf("    target: %s\n", yamlScalar(t.Name))
	s.ruleSettings(rule)
	s.csvKey(schema, src)
	for _, w := range s.p.Warnings {
		if w.Table == id {
			s.printf("    # %s\n", w.Message)
		}
	}
	for _, l := range s.p.Losses {
		if l.Source == schema.Source && l.Table == src.Name {
			s.printf("    # not carried over: %s: %s\n", l.What, l.Why)
		}
	}
	s.addedColumns(t)
	s.columns(schema, src, t, rule)
	for _, fk := range src.ForeignKeys {
		s.printf("    # foreign key (%s) -> %s.%s (%s)\n", joinCols(fk.Columns), or(fk.RefSource, schema.Source), fk.RefTable, joinCols(fk.RefColumns))
	}
	for _, ix := range src.Indexes {
		s.printf("    # index %s: drop or redefine it under indexes:\n", sourceIndexText(ix))
	}
}

func keyText(t *sluice.Table) string {
	if len(t.PrimaryKey) == 0 {
		return "no primary key"
	}
	return "primary key (" + joinCols(t.PrimaryKey) + ")"
}

// ruleSettings repeats a table rule's settings that the config already has.
func (s *starter) ruleSettings(r *config.TableRule) {
	if r == nil {
		return
	}
	pairs := []struct{ key, value string }{
		{"keys", r.Keys}, {"legacy_column", r.LegacyColumn}, {"where", r.Where},
	}
	for _, p := range pairs {
		if p.value != "" {
			s.printf("    %s: %s\n", p.key, yamlScalar(p.value))
		}
	}
	if r.ChunkRows > 0 {
		s.printf("    chunk_rows: %d\n", r.ChunkRows)
	}
}

// addedColumns notes the columns keys: uuid adds that no source column has.
func (s *starter) addedColumns(t *Table) {
	for _, c := range t.Columns {
		if len(c.KeyColumns) > 1 || c.Role == RoleLegacyKey {
			s.printf("    # adds %s %s: %s\n", c.Name, c.Type, addedRole(c))
		}
	}
}

func addedRole(c Column) string {
	switch c.Role {
	case RoleRowUUID:
		if c.IdentityTable != "" {
			return "the row uuid, that of " + c.IdentitySource + "." + c.IdentityTable + "'s row with the key (" + joinCols(c.KeyColumns) + ")"
		}
		return "the row uuid, from (" + joinCols(c.KeyColumns) + ")"
	case RoleLegacyKey:
		return "the legacy key (" + joinCols(c.KeyColumns) + ")"
	}
	return "the uuid of " + c.RefSource + "." + c.RefTable + ", from (" + joinCols(c.KeyColumns) + ")"
}

func (s *starter) columns(schema *sluice.Schema, src *sluice.Table, t *Table, rule *config.TableRule) {
	if len(src.Columns) == 0 {
		return
	}
	s.printf("    columns:\n")
	entries := make([]string, len(src.Columns))
	width := 0
	for i, c := range src.Columns {
		entries[i] = columnEntry(c, t, rule.Column(c.Name))
		if schema.Engine == "csv" {
			entries[i] = withSourceType(entries[i], csvSourceType(src, c), rule.Column(c.Name))
		}
		width = max(width, len([]rune(entries[i])))
	}
	width = min(width, 56)
	for i, c := range src.Columns {
		pad := strings.Repeat(" ", max(width-len([]rune(entries[i])), 0))
		s.printf("      %s%s   # %s\n", entries[i], pad, columnComment(schema, src, c, t, rule.Column(c.Name)))
	}
}

// columnEntry is `Name: {name: target, ...}` with the rule's other keys.
func columnEntry(c sluice.Column, t *Table, cr *config.ColumnRule) string {
	var fields []string
	if tc := t.columnFor(c.Name); tc != nil {
		fields = append(fields, "name: "+yamlScalar(tc.Name))
	}
	if cr != nil {
		fields = append(fields, ruleFields(cr)...)
	}
	if len(fields) == 0 {
		fields = []string{"drop: true"}
	}
	return yamlScalar(c.Name) + ": {" + strings.Join(fields, ", ") + "}"
}

func ruleFields(cr *config.ColumnRule) []string {
	var fields []string
	if cr.Drop {
		fields = append(fields, "drop: true")
	}
	if cr.Type != "" {
		fields = append(fields, "type: "+yamlScalar(cr.Type))
	}
	if cr.Default != nil {
		fields = append(fields, "default: "+strconv.Quote(*cr.Default))
	}
	if cr.References != "" {
		fields = append(fields, "references: "+yamlScalar(cr.References))
	}
	if cr.Enum != "" {
		fields = append(fields, "enum: "+yamlScalar(cr.Enum))
	}
	if cr.SourceType != "" {
		fields = append(fields, "source_type: "+yamlScalar(cr.SourceType))
	}
	return fields
}

// attributeRoles are what the target column does for the application.
func attributeRoles(c Column) []string {
	var roles []string
	if c.AutoIncrement {
		roles = append(roles, "identity")
	}
	if c.SQLDefault != "" {
		roles = append(roles, "default "+c.SQLDefault)
	}
	return roles
}

// columnComment is "<source type> -> <target type> (<roles>)".
func columnComment(schema *sluice.Schema, src *sluice.Table, c sluice.Column, t *Table, cr *config.ColumnRule) string {
	from := sourceTypeText(c.Type)
	if c.AutoIncrement && !strings.Contains(strings.ToLower(from), "auto_increment") {
		from += " auto_increment"
	}
	to := "dropped"
	if tc := t.columnFor(c.Name); tc != nil {
		to = tc.Type
	}
	roles := columnRoles(schema, src, c.Name, t)
	if cr != nil && cr.References != "" {
		roles = append(roles, "references "+cr.References+", declared here")
	}
	if tc := t.columnFor(c.Name); tc != nil {
		roles = append(roles, attributeRoles(*tc)...)
	}
	if len(roles) == 0 {
		return from + " -> " + to
	}
	return from + " -> " + to + " (" + strings.Join(roles, "; ") + ")"
}

func columnRoles(schema *sluice.Schema, src *sluice.Table, col string, t *Table) []string {
	var roles []string
	switch {
	case slices.Equal(src.PrimaryKey, []string{col}):
		roles = append(roles, "primary key")
	case slices.Contains(src.PrimaryKey, col):
		roles = append(roles, "part of the primary key")
	}
	if tc := t.columnFor(col); tc != nil && tc.Role == RoleRowUUID {
		roles = append(roles, "legacy value kept in "+legacyName(t))
		if tc.IdentityTable != "" {
			roles = append(roles, "uuid of "+tc.IdentitySource+"."+tc.IdentityTable+"'s row with this key")
		}
	}
	for _, fk := range src.ForeignKeys {
		if slices.Contains(fk.Columns, col) {
			roles = append(roles, "foreign key -> "+or(fk.RefSource, schema.Source)+"."+fk.RefTable)
		}
	}
	return roles
}

func legacyName(t *Table) string {
	for _, c := range t.Columns {
		if c.Role == RoleLegacyKey {
			return c.Name
		}
	}
	return ""
}
