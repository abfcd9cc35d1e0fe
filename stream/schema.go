package stream

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sluicedb/sluice"
)

// SchemaChange is what a source table's new definition does to the
// mapping: tables whose stream stops, with why, and changes absorbed, each
// for the audit trail.
type SchemaChange struct {
	Stops map[string]string // by planned table ID
	Notes []map[string]any
	// Database of each stopped table or note, by planned table ID.
	Database map[string]string
}

// Schema takes a table's new layout (a ChangeSchema). A column added is
// absorbed: the mapping does not read it (plan and migrate add it to the
// target); a column the mapping reads that is gone or changed type, or a
// table gone or renamed, stops the tables it feeds: never a silent
// divergence.
func (m *Mapper) Schema(ch *sluice.Change, at sluice.Position, pos string) SchemaChange {
	sc := SchemaChange{Stops: map[string]string{}, Database: map[string]string{}}
	if m.copied(ch.Table, at) {
		return sc
	}
	for _, mt := range m.tables[ch.Table] {
		id := mt.t.ID
		if m.stopped[id] != "" || mt.refuse != "" || mt.rerun != "" {
			continue // a rerun reads the table as it is now
		}
		sc.Database[id] = mt.t.Database
		if reason := mt.absorb(ch); reason != "" {
			reason = fmt.Sprintf("the source table %s changed at %s (%s): %s; the stream of %s stopped: rerun migrate for this table, then sync", ch.Table, pos, detail(ch), reason, id)
			sc.Stops[id] = reason
			m.stopped[id] = reason
			continue
		}
		sc.Notes = append(sc.Notes, map[string]any{"source": m.source, "table": id, "position": pos,
			"change": detail(ch), "applied": "the columns the mapping reads are unchanged; a column it does not read is ignored (plan shows it)"})
	}
	return sc
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
