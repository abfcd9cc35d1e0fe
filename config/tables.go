package config

import "strings"

var tableKeys = []string{"target", "skip", "keys", "legacy_column", "chunk_rows", "chunk_bytes", "where", "columns",
	"database", "strategy", "delete_missing", "fill", "computed", "expand", "bad_keys", "indexes", "csv", "primary_key", "rollback"}

// tableEntry is a decoded table rule with its keys, for the checks that tie
// it to the merge rules.
type tableEntry struct {
	rule TableRule
	keys map[string]field
}

// tables decodes the rules under tables: in file order: "<source>.<table>"
// keys are source table rules, keys without a dot are merged target tables.
func (d *decoder) tables(f field, df Defaults) ([]TableRule, []MergeRule) {
	es, _ := d.entries(f)
	var rules []tableEntry
	var merges []mergeEntry
	for _, e := range es {
		if !strings.Contains(e.name, ".") {
			if m, ok := d.mergeRule(e); ok {
				merges = append(merges, m)
			}
			continue
		}
		src, table, ok := d.tableKey(f, e)
		rule, keys := d.tableRule(e)
		if ok {
			rule.Source, rule.Table = src, table
			rules = append(rules, tableEntry{rule: rule, keys: keys})
			d.checkCSVRule(rules[len(rules)-1])
		}
	}
	d.link(rules, merges, df)
	return tableRules(rules), mergeRules(merges)
}

func tableRules(es []tableEntry) []TableRule {
	var out []TableRule
	for _, e := range es {
		out = append(out, e.rule)
	}
	return out
}

// tableKey splits "<source>.<table>" at the first dot: table names may hold
// dots and spaces ("north.Order Details"), source names may not.
func (d *decoder) tableKey(parent, e field) (src, table string, ok bool) {
	src, table, found := strings.Cut(e.name, ".")
	if !found || src == "" || table == "" {
		d.fail(e.line, parent.path, "table key %s is not \"<source>.<table>\"", quote(e.name))
		return "", "", false
	}
	return src, table, d.declared(e, parent.path, src)
}

func (d *decoder) tableRule(f field) (TableRule, map[string]field) {
	r := TableRule{Line: f.line}
	fs, _ := d.object(f, tableKeys)
	for _, s := range []struct {
		key string
		dst *string
	}{{"target", &r.Target}, {"legacy_column", &r.LegacyColumn}, {"where", &r.Where}} {
		if v, ok := fs[s.key]; ok {
			*s.dst, _ = d.str(v, false)
		}
	}
	if v, ok := fs["skip"]; ok {
		r.Skip, _ = d.boolean(v)
	}
	if v, ok := fs["keys"]; ok {
		r.Keys, _ = d.enum(v, keysValues)
	}
	if v, ok := fs["chunk_rows"]; ok {
		r.ChunkRows, _ = d.integer(v, 1, MaxChunkRows)
	}
	if v, ok := fs["chunk_bytes"]; ok {
		r.ChunkBytes, _ = d.byteSize(v, MinChunkBytes, MaxChunkBytes)
	}
	if v, ok := fs["bad_keys"]; ok {
		r.BadKeys, _ = d.enum(v, badKeysValues)
	}
	if v, ok := fs["columns"]; ok {
		r.Columns = d.columns(v)
	}
	d.loadRule(fs, &r)
	return r, fs
}

// loadRule decodes how a table is loaded and what its rows add or become.
func (d *decoder) loadRule(fs map[string]field, r *TableRule) {
	if v, ok := fs["database"]; ok {
		r.Database = d.database(v)
	}
	if v, ok := fs["strategy"]; ok {
		r.Strategy, _ = d.enum(v, strategyValues)
	}
	if v, ok := fs["delete_missing"]; ok {
		r.DeleteMissing = d.optionalBool(v)
	}
	if v, ok := fs["fill"]; ok {
		r.Fill = d.fills(v)
	}
	if v, ok := fs["computed"]; ok {
		r.Computed = d.computed(v)
	}
	if v, ok := fs["expand"]; ok {
		r.Expand = d.expansions(v)
	}
	if v, ok := fs["indexes"]; ok {
		r.Indexes = d.indexes(v)
	}
	if v, ok := fs["csv"]; ok {
		r.CSV = d.csvOptions(v, true)
	}
	if v, ok := fs["primary_key"]; ok {
		r.PrimaryKey, r.PrimaryKeyLine = d.primaryKey(v), v.line
	}
	if v, ok := fs["rollback"]; ok {
		r.Rollback = d.optionalBool(v)
	}
}
