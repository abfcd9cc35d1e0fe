package plan

import (
	"slices"
	"strings"

	"github.com/sluicedb/sluice"
)

// rollback prints which tables' changes can flow back to their sources
// after a cutover, which the config excludes, and which cannot with why:
// cutover refuses until those are excluded.
func (r *renderer) rollback(p *Plan) {
	var back, excluded []string
	var sources []string
	for _, t := range p.Tables {
		switch {
		case t.Rollback.Excluded:
			excluded = append(excluded, t.ID)
		case t.Rollback.Reversible():
			back = append(back, t.ID)
			if !slices.Contains(sources, t.Source) {
				sources = append(sources, t.Source)
			}
		}
	}
	slices.Sort(sources)
	r.printf("\nRollback (after cutover, changes on the target are written back to the sources through this mapping):\n")
	r.printf("  written back: %s", plural(len(back), "table"))
	if len(sources) > 0 {
		r.printf("; Sluice creates the table %s in %s to record what it applied (removed by cleanup and rollback)", sluice.SinkTable, strings.Join(sources, ", "))
	}
	r.printf("\n")
	r.newRows(p)
	if len(excluded) > 0 {
		r.printf("  excluded by rollback: false: %s\n", strings.Join(excluded, ", "))
	}
	r.refsNotWrittenBack(p)
	bad := p.Irreversible()
	if len(bad) == 0 {
		return
	}
	r.printf("  cannot be reversed (%d); cutover refuses until each is excluded with rollback: false:\n", len(bad))
	for _, t := range bad {
		r.printf("    %s -> %s\n", t.ID, t.Name)
		for _, why := range t.Rollback.Reasons {
			r.printf("      - %s\n", why)
		}
	}
}

// newRows says where rows inserted on a merged target table go back to.
func (r *renderer) newRows(p *Plan) {
	seen := map[*Merged]bool{}
	for _, t := range p.Tables {
		m := t.Merged
		if m == nil || seen[m] || t.Rollback.Excluded || !t.Rollback.Reversible() {
			continue
		}
		seen[m] = true
		if m.NewRows != "" {
			r.printf("  rows inserted into the merged table %s go to source %s (new_rows)\n", m.Table, m.NewRows)
		} else {
			r.printf("  rows inserted into the merged table %s are refused: no new_rows: names the source they go to\n", m.Table)
		}
	}
}

// refsNotWrittenBack lists the foreign keys (held as uuids, written back as
// the referenced row's legacy key) of tables written back that point into
// tables that are not: a row the application inserts there never gets a
// source key, so a reference to it cannot go back.
func (r *renderer) refsNotWrittenBack(p *Plan) {
	var lines []string
	for _, t := range p.Tables {
		if t.Rollback.Excluded || !t.Rollback.Reversible() {
			continue
		}
		for _, c := range t.Columns {
			ref := p.Table(or(c.RefSource, t.Source) + "." + c.RefTable)
			if c.Role == RoleRefUUID && ref != nil && (ref.Rollback.Excluded || !ref.Rollback.Reversible()) {
				lines = append(lines, t.ID+" column "+c.Name+" -> "+ref.ID)
			}
		}
	}
	if len(lines) == 0 {
		return
	}
	r.printf("  references into tables not written back (a reference to a row inserted there on the target stops the reverse stream; rows from the sources are fine):\n")
	for _, l := range lines {
		r.printf("    %s\n", l)
	}
}
