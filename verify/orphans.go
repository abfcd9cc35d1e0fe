package verify

import (
	"context"
	"fmt"
	"strings"

	"github.com/sluicedb/sluice/plan"
)

// orphans is level 3: every planned foreign key of the table has a parent
// row, checked by an anti-join whether or not the constraint exists or was
// validated (NOT VALID, dropped, or never created all leave room for orphans).
func (v *tableCheck) orphans(ctx context.Context) (LevelResult, error) {
	fks := v.t.ForeignKeys
	if len(fks) == 0 {
		return LevelResult{Status: StatusNotApplicable, Detail: "the table has no foreign keys"}, nil
	}
	for _, fk := range fks {
		if err := v.orphansOf(ctx, fk); err != nil {
			return LevelResult{}, err
		}
	}
	return LevelResult{Checked: int64(len(fks)), Detail: plural(len(fks), "foreign key")}, nil
}

func (v *tableCheck) orphansOf(ctx context.Context, fk plan.ForeignKey) error {
	parent, err := readCatalog(ctx, v.db, v.p.Schema, fk.RefTable)
	if err != nil {
		return err
	}
	cols := strings.Join(fk.Columns, ", ")
	if !parent.exists {
		v.add(Finding{Level: LevelOrphans, Check: "missing parent table", Column: cols,
			Detail: fmt.Sprintf("the referenced table %s does not exist", parent.name)})
		return nil
	}
	q := fmt.Sprintf("SELECT %s, %s, %s FROM %s c WHERE %s AND NOT EXISTS (SELECT 1 FROM %s p WHERE %s)",
		v.rowKeyText("c"), v.legacyText("c"), textOf("c", fk.Columns), v.cat.name,
		notNulls("c", fk.Columns), parent.name, joinOn("p", fk.RefColumns, "c", fk.Columns))
	detail := fmt.Sprintf("no row of %s has (%s) = ", fk.RefTable, strings.Join(fk.RefColumns, ", "))
	return v.sample(ctx, LevelOrphans, q, func(vals []string) {
		v.add(Finding{Level: LevelOrphans, Check: "orphan", Key: vals[0], LegacyKey: vals[1], Column: cols,
			TargetValue: vals[2], Detail: detail + "(" + vals[2] + ")"})
	})
}

// notNulls says every one of cols is set: a foreign key with a NULL part
// references nothing (MATCH SIMPLE).
func notNulls(alias string, cols []string) string {
	conds := make([]string, len(cols))
	for i, c := range cols {
		conds[i] = qualified(alias, c) + " IS NOT NULL"
	}
	return andAll(conds)
}

// joinOn equates a's columns ac with b's columns bc, pairwise.
func joinOn(a string, ac []string, b string, bc []string) string {
	conds := make([]string, len(ac))
	for i := range ac {
		conds[i] = qualified(a, ac[i]) + " = " + qualified(b, bc[i])
	}
	return andAll(conds)
}
