// Package stream applies a source's change stream to the target through the
// same plan and transforms as the copy: each sluice.Change becomes target
// row changes (target.RowChange), batched by source transaction and
// committed with the stream's position through target.ApplyBatch, the
// same commit path as a chunk's; the source is acknowledged only after.
package stream

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
	"github.com/sluicedb/sluice/transform"
)

// Mapper turns one source's changes into target row changes.
type Mapper struct {
	source string
	tables map[string][]*mapped // by source table name
	// stopped holds the planned tables whose stream stopped, with why: their
	// changes are not applied.
	stopped map[string]string
	// starts holds the position each source table was copied at: its
	// transactions at or before it are in the copy.
	starts map[string]sluice.Position
	// touch hears the rows every change touches (Watch); nil: nobody asks.
	touch Touch
}

// mapped is one planned table fed by a source table.
type mapped struct {
	t      *plan.Table
	row    *transform.Row
	layout []string // the source table's columns, in the order of a change's values
	read   []int    // for each of t.ReadColumns, its index in layout
	key    []int    // the indexes in t.Columns of keyNames
	// keyNames address a row: its legacy key where a unique index covers it
	// (see legacyAddressed), else t.PrimaryKey.
	keyNames []string
	keep     []string // the columns an upsert leaves as the row has them (its UUID)
	cols     []string // t.Columns' names
	// uses lists, per target column, the read columns its value is made of;
	// nil where it is made of none (a constant) or of what cannot be told
	// (an expression, the row's hash): see partial.
	uses [][]int
	// refuse says why the table's changes cannot be applied yet; "" when
	// they can.
	refuse string
	// rerun says why sync keeps the table current by reruns of its load
	// (plan.Table.SyncRerun): its changes are counted, not applied.
	rerun string
	// matched is set on a part of a table merged on a natural key (see
	// matched.go); resolve lists the columns that reference one (their
	// legacy identity becomes the entity it was matched to).
	matched *target.MatchedTable
	resolve []string
}

// NewMapper compiles the tables of p that source feeds; schema is the
// source's schema as introspected (a change's values are in its tables'
// column order).
func NewMapper(p *plan.Plan, source string, schema *sluice.Schema) (*Mapper, error) {
	m := &Mapper{source: source, tables: map[string][]*mapped{}, stopped: map[string]string{}}
	for _, t := range p.Tables {
		if t.Source != source {
			continue
		}
		st := schema.Table(t.SourceTable)
		if st == nil {
			return nil, fmt.Errorf("source %s has no table %s", source, t.SourceTable)
		}
		mt, err := compile(p, t, columnNames(st.Columns))
		if err != nil {
			return nil, err
		}
		m.tables[t.SourceTable] = append(m.tables[t.SourceTable], mt)
	}
	return m, nil
}

// SourceTables lists the source tables the mapping reads, to capture.
func (m *Mapper) SourceTables() []string {
	out := make([]string, 0, len(m.tables))
	for name := range m.tables {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// SetStarts gives the position each source table was copied at.
func (m *Mapper) SetStarts(starts map[string]sluice.Position) { m.starts = starts }

// copied says that the transaction at pos is in table's copy already.
func (m *Mapper) copied(table string, pos sluice.Position) bool {
	start, ok := m.starts[table]
	if !ok {
		return false
	}
	c, err := pos.Compare(start)
	return err == nil && c <= 0
}

// Stop stops the stream of a planned table, as an earlier sync recorded.
func (m *Mapper) Stop(id, reason string) { m.stopped[id] = reason }

// Refused lists the planned tables whose changes the mapping cannot apply,
// with why (they are stopped from the start).
func (m *Mapper) Refused() map[string]string {
	out := map[string]string{}
	for _, list := range m.tables {
		for _, mt := range list {
			if mt.refuse != "" {
				out[mt.t.ID] = mt.refuse
			}
		}
	}
	return out
}

func columnNames(cols []sluice.Column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return out
}

func compile(p *plan.Plan, t *plan.Table, layout []string) (*mapped, error) {
	row, err := transform.Compile(t, p.Namespace)
	if err != nil {
		return nil, fmt.Errorf("compile the mapping of %s: %w", t.ID, err)
	}
	mt := &mapped{t: t, row: row, refuse: t.SyncStop(), rerun: t.SyncRerun()}
	for _, c := range t.Columns {
		mt.cols = append(mt.cols, c.Name)
	}
	mt.keyNames = t.PrimaryKey
	if legacy, uuid, ok := legacyAddressed(t); ok {
		mt.keyNames, mt.keep = []string{legacy}, []string{uuid}
	}
	for _, k := range mt.keyNames {
		mt.key = append(mt.key, slices.Index(mt.cols, k))
	}
	if err := mt.relayout(layout); err != nil && mt.refuse == "" {
		mt.refuse = err.Error()
	}
	mt.uses = uses(t)
	mt.resolve = migrate.Resolved(t)
	if t.Merged != nil && len(t.Merged.MatchOn) > 0 {
		mt.matched = matchedTable(p, t, mt.cols)
	}
	return mt, nil
}

// legacyAddressed reports a keys: uuid table whose legacy key column has a
// unique index of its own: its rows are addressed by their legacy key, and
// an upsert keeps the row's UUID. After a cutover the application inserts
// rows with UUIDs of its own, which the reverse stream gives legacy keys;
// once the sources are authoritative again (a rollback), a change of such a
// row must reach it by that key, not by the UUID the key function gives.
func legacyAddressed(t *plan.Table) (legacy, uuid string, ok bool) {
	if t.Merged != nil || t.Expansion != nil {
		return "", "", false
	}
	for _, c := range t.Columns {
		switch c.Role {
		case plan.RoleLegacyKey:
			legacy = c.Name
		case plan.RoleRowUUID:
			uuid = c.Name
		}
	}
	if legacy == "" || uuid == "" || !slices.Equal(t.PrimaryKey, []string{uuid}) {
		return "", "", false
	}
	unique := slices.ContainsFunc(t.Indexes, func(ix plan.Index) bool {
		return ix.Unique && ix.Expr == "" && ix.Where == "" && slices.Equal(ix.Columns, []string{legacy})
	})
	return legacy, uuid, unique
}

// relayout points the read columns at their place in a new layout of the
// source table; it fails when one of them is gone.
func (mt *mapped) relayout(layout []string) error {
	read := make([]int, len(mt.t.ReadColumns))
	var missing []string
	for i, name := range mt.t.ReadColumns {
		read[i] = slices.Index(layout, name)
		if read[i] < 0 {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("the source table %s no longer has the column(s) %s that the mapping reads", mt.t.SourceTable, strings.Join(missing, ", "))
	}
	mt.layout, mt.read = layout, read
	return nil
}

// uses tells, per target column, the read columns its value comes from.
func uses(t *plan.Table) [][]int {
	out := make([][]int, len(t.Columns))
	for i, c := range t.Columns {
		var names []string
		switch c.Role {
		case plan.RoleValue:
			names = []string{c.Source}
		case plan.RoleRowUUID, plan.RoleRefUUID, plan.RoleLegacyKey:
			names = c.KeyColumns
		case plan.RoleFill, plan.RoleSource:
			out[i] = []int{}
			continue
		default:
			continue // nil: cannot tell
		}
		idx := []int{}
		for _, n := range names {
			idx = append(idx, slices.Index(t.ReadColumns, n))
		}
		out[i] = idx
	}
	return out
}

// Result is what a change makes: row changes and rejects, per target
// database.
type Result struct {
	Changes []target.RowChange
	Rejects []target.StreamReject
}

// Capturable lists the source tables to capture: those feeding at least
// one table that is neither refused nor uncapturable (a rerun table's
// changes are captured to be counted).
func (m *Mapper) Capturable() []string {
	var out []string
	for _, name := range m.SourceTables() {
		for _, mt := range m.tables[name] {
			if mt.refuse == "" && !mt.t.Uncapturable {
				out = append(out, name)
				break
			}
		}
	}
	return out
}

// Reruns lists the planned tables sync keeps current by reruns, with why.
func (m *Mapper) Reruns() map[string]string {
	out := map[string]string{}
	for _, list := range m.tables {
		for _, mt := range list {
			if mt.rerun != "" && mt.refuse == "" {
				out[mt.t.ID] = mt.rerun
			}
		}
	}
	return out
}

// Fit makes planned table id write only the target columns its target
// table has (have): a column added to the source since the table was
// copied is in today's plan but not in the table, and the stream ignores
// it until migrate reloads the table. It returns what it ignores (none:
// ""); a missing column that is not a plain copy of a source column (a
// key, an expression) refuses the table instead.
func (m *Mapper) Fit(p *plan.Plan, id string, have []string) (string, error) {
	for _, list := range m.tables {
		for i, mt := range list {
			if mt.t.ID != id || mt.refuse != "" || mt.rerun != "" {
				continue
			}
			fitted, missing := fitColumns(mt.t, have)
			if len(missing) == 0 {
				return "", nil
			}
			if fitted == nil {
				mt.refuse = "the target table lacks the column(s) " + strings.Join(missing, ", ") + " of today's mapping, which the stream cannot leave out; rerun migrate to reload it"
				return "", nil
			}
			next, err := compile(p, fitted, mt.layout)
			if err != nil {
				return "", err
			}
			list[i] = next
			return "the target table lacks the column(s) " + strings.Join(missing, ", ") + " added to the source since its copy: the stream leaves them out until migrate reloads it", nil
		}
	}
	return "", nil
}

// fitColumns is t without the target columns have lacks, and those; nil
// when one of them is more than a copy of a source column.
func fitColumns(t *plan.Table, have []string) (*plan.Table, []string) {
	var missing []string
	out := *t
	out.Columns = nil
	ok := true
	for _, c := range t.Columns {
		if slices.Contains(have, c.Name) {
			out.Columns = append(out.Columns, c)
			continue
		}
		missing = append(missing, c.Name)
		ok = ok && c.Role == plan.RoleValue && !slices.Contains(t.PrimaryKey, c.Name)
	}
	if !ok {
		return nil, missing
	}
	return &out, missing
}

// Refuse stops planned table id from the start, with why.
func (m *Mapper) Refuse(id, why string) {
	for _, list := range m.tables {
		for _, mt := range list {
			if mt.t.ID == id && mt.refuse == "" {
				mt.refuse = why
			}
		}
	}
}
