package stream

import (
	"slices"

	"github.com/google/uuid"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
)

// A part of a table merged on a natural key (match_on) does not write its
// target row itself: a change records the source row, by its legacy
// identity, and the target rebuilds the entity rows it leaves and joins from
// every row matched to them, with the copy's matching and conflict rules
// (see target.MatchedTable). An update whose legacy key changed forgets the
// old row and records the new one.

// matchedTable describes t's merged table for the target, its parts merged
// as the copy merges them; t's own part writes cols (t may leave out
// columns the target table lacks, see Fit).
func matchedTable(p *plan.Plan, t *plan.Table, cols []string) *target.MatchedTable {
	m := &target.MatchedTable{Schema: t.Schema, Table: t.Name}
	for _, id := range t.Merged.Parts {
		part := p.Table(id)
		if part == nil {
			continue
		}
		if part.ID == t.ID {
			part = t
		}
		mp := target.MatchedPart{TableID: part.ID, Merge: migrate.MergeSpec(p, part), Referrers: referrers(p, part)}
		for _, c := range part.Columns {
			mp.Columns = append(mp.Columns, c.Name)
			if !slices.Contains(m.Columns, c.Name) {
				m.Columns = append(m.Columns, c.Name)
			}
		}
		if part.ID == t.ID {
			mp.Columns = cols
		}
		m.Parts = append(m.Parts, mp)
	}
	return m
}

// referrers lists the columns resolved to the entities of part's rows.
func referrers(p *plan.Plan, part *plan.Table) []target.Referrer {
	var out []target.Referrer
	for _, t := range p.Tables {
		if t.Source != part.Source || t.Database != part.Database {
			continue
		}
		for _, c := range t.Columns {
			if !c.ResolveMatch || c.RefSource != part.Source || c.RefTable != part.SourceTable {
				continue
			}
			r := target.Referrer{TableID: t.ID, Schema: t.Schema, Table: t.Name, Column: c.Name}
			if t.Merged != nil {
				r.SourceColumn, r.Source = t.Merged.SourceColumn, t.Source
			}
			out = append(out, r)
		}
	}
	return out
}

func (mt *mapped) mapMatched(out []Item, ch *sluice.Change, pos string) []Item {
	switch ch.Kind {
	case sluice.ChangeInsert:
		return mt.putMatched(out, nil, ch.After, pos)
	case sluice.ChangeUpdate:
		return mt.putMatched(out, ch.Before, ch.After, pos)
	case sluice.ChangeDelete:
		im, err := mt.image(ch.Before)
		if err != nil {
			return append(out, mt.rejectOf(&image{}, pos, err.Error()))
		}
		return mt.forgetMatched(out, im, pos)
	case sluice.ChangeTruncate:
		c := mt.matchedChange(target.OpTruncate, &image{}, pos)
		return append(out, mt.item(c))
	}
	return out
}

// putMatched records a new or changed row; a changed legacy key forgets the
// row at the old one first.
func (mt *mapped) putMatched(out []Item, before, after []any, pos string) []Item {
	next, err := mt.image(after)
	if err != nil {
		return append(out, mt.rejectOf(&image{}, pos, err.Error()))
	}
	if before != nil {
		old, err := mt.image(before)
		if err != nil {
			return append(out, mt.rejectOf(next, pos, err.Error()))
		}
		fillUnchanged(next, old)
		if mt.identity(old) != mt.identity(next) {
			out = mt.forgetMatched(out, old, pos)
		}
	}
	if next.partial {
		return append(out, mt.rejectOf(next, pos, "the source did not send every value of the changed row (unchanged TOAST values), which its matched row is rebuilt from: set REPLICA IDENTITY FULL on the source table"))
	}
	dst, rej := mt.transform(next)
	if rej != nil {
		rej.Position = pos
		return append(out, Item{Database: mt.t.Database, Reject: rej})
	}
	c := mt.matchedChange(target.OpUpsert, next, pos)
	c.Columns, c.Values = mt.cols, dst
	return append(out, mt.item(c))
}

func (mt *mapped) forgetMatched(out []Item, im *image, pos string) []Item {
	return append(out, mt.item(mt.matchedChange(target.OpDelete, im, pos)))
}

func (mt *mapped) identity(im *image) uuid.UUID {
	id, _ := mt.row.Identity(im.src)
	return id
}

func (mt *mapped) matchedChange(op target.RowOp, im *image, pos string) *target.RowChange {
	c := mt.rowChange(op, im, pos)
	c.Matched, c.Key = mt.matched, nil
	if op != target.OpTruncate {
		c.Identity = mt.identity(im)
	}
	return c
}
