package plan

import (
	"fmt"
	"slices"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/naming"
)

// An expansion turns one value of each source row into rows of a child
// table: a count into that many rows, a delimited list or a JSON array
// into one row per element. The child is its own plan.Table, read from the
// parent's source table with the parent's key and filter (the same chunks),
// so it resumes and reconciles on its own. A child row's identity is
// KeyUUID over the parent's key and the ordinal, and its reference to the
// parent is the parent's row uuid: the parent must be keys: uuid.

// Default column names of a child table.
const (
	expandOrdinal   = "ordinal"
	expandValue     = "value"
	expandSeparator = ","
)

// checkExpandRules reports expansions of a column the table lacks, of a
// kind that does not exist, or of a table without a primary key.
func (b *builder) checkExpandRules(r *config.TableRule, t *sluice.Table, key string) {
	for _, er := range r.Expand {
		ekey := key + ".expand." + er.Table
		switch {
		case len(t.PrimaryKey) == 0:
			b.fail(er.Line, ekey, "expand needs the primary key of %s.%s, which has none: child rows are identified by their parent's key", r.Source, r.Table)
		case !slices.Contains([]string{config.ExpandCount, config.ExpandList, config.ExpandJSON}, er.Kind):
			b.fail(er.Line, ekey, "unknown expansion kind %q (count, list or json)", er.Kind)
		case t.Column(er.Column) == nil:
			b.fail(er.Line, ekey+"."+er.Kind, "column %q does not exist in %s.%s%s", er.Column, r.Source, r.Table, suggest(er.Column, columnNames(t)))
		}
	}
}

// planExpansions plans the child tables of every table's expand rules,
// once the parents have their keys.
func (b *builder) planExpansions() {
	for _, st := range slices.Clone(b.list) {
		if st.rule == nil {
			continue
		}
		for i := range st.rule.Expand {
			b.planExpansion(st, &st.rule.Expand[i])
		}
	}
}

// planExpansion adds the child table of one expand rule.
func (b *builder) planExpansion(parent *tableState, er *config.ExpandRule) {
	p := parent.t
	if len(parent.src.PrimaryKey) == 0 || parent.src.Column(er.Column) == nil {
		return // reported by checkExpandRules
	}
	if p.Keys != config.KeysUUID {
		b.fail(er.Line, parent.tableKey()+".expand."+er.Table, "expand needs keys: uuid on %s: a child row references its parent by the parent's row uuid", p.ID)
		return
	}
	t := &Table{
		ID: p.ID + "#" + er.Table, Source: p.Source, Engine: p.Engine, SourceTable: p.SourceTable, Name: er.Table,
		Key: p.Key, Where: p.Where, Dialect: p.Dialect, ChunkRows: p.ChunkRows, ChunkBytes: p.ChunkBytes, RowBytes: p.RowBytes, Rows: p.Rows, Chunks: p.Chunks, Keys: config.KeysUUID,
		Strategy: p.Strategy, DeleteMissing: p.DeleteMissing, Database: p.Database, Schema: p.Schema, Uncapturable: p.Uncapturable,
		Expansion: &Expansion{Parent: p.ID, Kind: er.Kind, Column: er.Column, Separator: separator(er)},
	}
	st := &tableState{t: t, src: parent.src, expand: er, reads: []string{er.Column}}
	t.Columns = b.childColumns(parent, er)
	t.PrimaryKey = []string{compositeUUIDColumn}
	parentCol := t.Columns[1].Name
	t.Indexes = []Index{{Columns: []string{parentCol, t.Columns[2].Name}, Unique: true}}
	t.ForeignKeys = []ForeignKey{{Columns: []string{parentCol}, RefTable: p.Name, RefColumns: p.PrimaryKey}}
	b.states[t.ID] = st
	b.list = append(b.list, st)
}

func separator(er *config.ExpandRule) string {
	if er.Kind != config.ExpandList {
		return ""
	}
	return or(er.Separator, expandSeparator)
}

// childColumns: id, the parent's row uuid, the ordinal, and the element
// for a list or an array.
func (b *builder) childColumns(parent *tableState, er *config.ExpandRule) []Column {
	p, pk := parent.t, parent.src.PrimaryKey
	var keyType sluice.Type
	if len(pk) == 1 {
		keyType = parent.src.Column(pk[0]).Type
	}
	cols := []Column{
		{Name: compositeUUIDColumn, Type: "uuid", NotNull: true, Role: RoleExpandUUID, KeyColumns: pk, SourceType: keyType},
		{Name: or(er.Parent, naming.Apply(b.set.naming, p.Name+"_id")), Type: "uuid", NotNull: true, Role: RoleRefUUID,
			SourceType: keyType, KeyColumns: parent.rootIdentity().keys, RefSource: p.Source, RefTable: p.SourceTable},
		{Name: or(er.Ordinal, expandOrdinal), Type: "integer", NotNull: true, Role: RoleOrdinal},
	}
	parent.markIdentity(&cols[1]) // the parent's row uuid, a subtype's root's
	if er.Kind != config.ExpandCount {
		cols = append(cols, Column{Name: or(er.Value, expandValue), Type: "text", Role: RoleElement, SourceType: parent.src.Column(er.Column).Type})
	}
	return cols
}

// expansionText says how a child's rows come from its parent's, for the
// rendered plan.
func expansionText(e *Expansion) string {
	switch e.Kind {
	case config.ExpandCount:
		return fmt.Sprintf("one row per unit of %s (count)", e.Column)
	case config.ExpandList:
		return fmt.Sprintf("one row per element of %s (list separated by %q)", e.Column, e.Separator)
	}
	return fmt.Sprintf("one row per element of %s (JSON array)", e.Column)
}
