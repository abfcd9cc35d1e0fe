package stream

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
)

// SchemaChange is what a source table's new definition does to the
// mapping: tables whose stream stops, with why; columns added to target
// tables; changes absorbed, each for the audit trail.
type SchemaChange struct {
	Stops map[string]string // by planned table ID
	Notes []map[string]any
	Adds  []target.ColumnAdd
	// Ignored are the tables whose added columns the mapping does not take
	// (it names its columns), with why: status shows it.
	Ignored map[string]string
	// Database of each stopped table or note, by planned table ID.
	Database map[string]string
}

// Widens says that ch adds a column to a table whose mapping takes the
// source's columns as they come: Schema then wants the plan made again.
func (m *Mapper) Widens(ch *sluice.Change) bool {
	if ch.Kind != sluice.ChangeSchema || ch.Columns == nil {
		return false
	}
	for _, mt := range m.tables[ch.Table] {
		if m.followed(mt) && mt.t.Merged == nil && mt.t.Expansion == nil && len(mt.addedColumns(ch)) > 0 {
			return true
		}
	}
	return false
}

// followed says that the stream applies mt's changes.
func (m *Mapper) followed(mt *mapped) bool {
	return m.stopped[mt.t.ID] == "" && mt.refuse == "" && mt.rerun == ""
}

// Schema takes a table's new layout (a ChangeSchema); p is the plan made
// again from the source as it is now, when Widens asked for it (else nil).
// A column added is absorbed: a mapping that takes the source's columns as
// they come adds it to the target (see widen), one that names them ignores
// it; a column the mapping reads that is gone or changed type, or a table
// gone or renamed, stops the tables it feeds: never a silent divergence.
func (m *Mapper) Schema(ch *sluice.Change, at sluice.Position, pos string, p *plan.Plan) (SchemaChange, error) {
	sc := SchemaChange{Stops: map[string]string{}, Database: map[string]string{}, Ignored: map[string]string{}}
	if m.copied(ch.Table, at) {
		return sc, nil
	}
	list := m.tables[ch.Table]
	for i, mt := range list {
		id := mt.t.ID
		if !m.followed(mt) {
			continue // a rerun reads the table as it is now
		}
		sc.Database[id] = mt.t.Database
		w, err := mt.take(ch, p)
		if err != nil {
			return sc, err
		}
		if w.stop != "" {
			reason := fmt.Sprintf("the source table %s changed at %s (%s): %s; the stream of %s stopped: rerun migrate for this table, then sync", ch.Table, pos, detail(ch), w.stop, id)
			sc.Stops[id] = reason
			m.stopped[id] = reason
			continue
		}
		note := map[string]any{"source": m.source, "table": id, "position": pos, "change": detail(ch),
			"applied": "the columns the mapping reads are unchanged; a column it does not read is ignored (plan shows it)"}
		switch {
		case w.next != nil:
			list[i] = w.next
			sc.Adds = append(sc.Adds, w.add...)
			note["applied"] = "added to the target table, nullable: " + addedList(w.add) + "; the source's existing rows hold NULL in it"
		case w.ignore != "":
			sc.Ignored[id] = w.ignore
			note["applied"] = w.ignore
		}
		sc.Notes = append(sc.Notes, note)
	}
	return sc, nil
}

// take absorbs ch into mt, widening it by the columns added, or says why
// its stream stops.
func (mt *mapped) take(ch *sluice.Change, p *plan.Plan) (widening, error) {
	added := mt.addedColumns(ch)
	if reason := mt.absorb(ch); reason != "" {
		return widening{stop: reason}, nil
	}
	if len(added) == 0 {
		return widening{}, nil
	}
	return mt.widen(p, added, columnNames(ch.Columns))
}

func addedList(adds []target.ColumnAdd) string {
	out := make([]string, len(adds))
	for i, a := range adds {
		out[i] = a.Column + " " + a.Type
	}
	return strings.Join(out, ", ")
}

// absorb relays a mapped table out on the new columns, or says why it
// cannot.
func (mt *mapped) absorb(ch *sluice.Change) string {
	if ch.Columns == nil {
		return "the table is gone or renamed, or its rows cannot be read any more"
	}
	byName := map[string]sluice.Column{}
	for _, c := range ch.Columns {
		byName[c.Name] = c
	}
	var changed []string
	for i, name := range mt.t.ReadColumns {
		c, ok := byName[name]
		if ok && i < len(mt.t.ReadSchema) && !sameType(c.Type, mt.t.ReadSchema[i].Type) {
			changed = append(changed, name)
		}
	}
	if len(changed) > 0 {
		return "the type of the column(s) " + strings.Join(changed, ", ") + " changed"
	}
	if err := mt.relayout(columnNames(ch.Columns)); err != nil {
		return err.Error()
	}
	return ""
}

// sameType compares the kind of value a column holds: the layouts a log
// carries describe types less fully than introspection does (a PostgreSQL
// Relation message has no length), so a finer comparison would stop
// streams for nothing.
func sameType(a, b sluice.Type) bool {
	return a.Kind == b.Kind
}

func detail(ch *sluice.Change) string {
	if ch.Detail != "" {
		return ch.Detail
	}
	names := columnNames(ch.Columns)
	slices.Sort(names)
	return "columns now " + strings.Join(names, ", ")
}
