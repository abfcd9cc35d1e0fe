package plan

import (
	"slices"
	"strings"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// A CSV file has no SQL to filter its records with, no key of its own, and
// is read in file order by record number; the config declares its key.

// checkCSVRule reports what a table rule of a CSV source asks for that a
// file cannot give: a row filter, or a declared key naming columns the file
// does not have.
func (b *builder) checkCSVRule(r *config.TableRule, s *sluice.Schema, t *sluice.Table, key string) {
	if s.Engine != "csv" {
		return
	}
	if r.Where != "" {
		b.fail(r.Line, key+".where", "a csv: source cannot filter records; remove where: (or load the table and filter in the target)")
	}
	for _, col := range r.PrimaryKey {
		if t.Column(col) == nil {
			b.fail(r.PrimaryKeyLine, key+".primary_key", "column %q does not exist in %s.%s%s", col, r.Source, r.Table, suggest(col, columnNames(t)))
		}
	}
}

// csvKeyless explains how a CSV table is read: by record number, which
// keeps chunks, resume and exactly-once as for a keyed table; only a table
// without a declared key lacks a key for the target.
func csvKeyless(st *tableState) (string, bool) {
	if !st.src.RowIDOnly {
		return "", false
	}
	if len(st.src.PrimaryKey) > 0 {
		return "", true
	}
	return "no primary key (declare one with primary_key:): read in file order, paginated by the record number " + strings.Join(st.t.Key, ", "), true
}

// planCSVKeys marks a CSV table with a declared key for the key check
// before the load: a file does not enforce it.
func (b *builder) planCSVKeys(st *tableState) {
	t, src := st.t, st.src
	if t.Engine != "csv" || len(src.PrimaryKey) == 0 || st.merge != nil {
		return
	}
	t.BadKeys = b.set.badKeys
	if st.rule != nil && st.rule.BadKeys != "" {
		t.BadKeys = st.rule.BadKeys
	}
	b.warn(t.ID, "a file does not enforce the declared primary key ("+strings.Join(src.PrimaryKey, ", ")+"): migrate reads the file once more to check it before the load; "+badKeysText(t.BadKeys))
}

// csvSourceType is the source_type init writes for a column of a CSV file:
// the type declared or inferred, NOT NULL when declared so (a key column is
// NOT NULL anyway).
func csvSourceType(src *sluice.Table, c sluice.Column) string {
	if !c.Nullable && !slices.Contains(src.PrimaryKey, c.Name) {
		return c.Type.Raw + " not null"
	}
	return c.Type.Raw
}

// csvKey writes a CSV table's declared key, or says how to declare one.
func (s *starter) csvKey(schema *sluice.Schema, src *sluice.Table) {
	if schema.Engine != "csv" {
		return
	}
	if len(src.PrimaryKey) == 0 {
		s.printf("    # primary_key: [%s]   # a file has no key: declare one to make it the target's key (and to use keys: uuid)\n", firstColumn(src))
		return
	}
	quoted := make([]string, len(src.PrimaryKey))
	for i, c := range src.PrimaryKey {
		quoted[i] = yamlScalar(c)
	}
	s.printf("    primary_key: [%s]\n", strings.Join(quoted, ", "))
}

func firstColumn(src *sluice.Table) string {
	if len(src.Columns) == 0 {
		return "Id"
	}
	return yamlScalar(src.Columns[0].Name)
}

// withSourceType adds the column's source_type to its entry, unless the
// column's rule already has one: init writes down what it inferred, so
// that the types do not change when the file does.
func withSourceType(entry, sourceType string, cr *config.ColumnRule) string {
	if (cr != nil && cr.SourceType != "") || sourceType == "" || !strings.HasSuffix(entry, "}") {
		return entry
	}
	if strings.HasSuffix(entry, "{drop: true}") {
		return entry
	}
	return strings.TrimSuffix(entry, "}") + ", source_type: " + yamlScalar(sourceType) + "}"
}
