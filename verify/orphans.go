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
// A reference into another target database is CrossReferences' to check:
// one query cannot join two databases.
func (v *tableCheck) orphans(ctx context.Context) (LevelResult, error) {
	var local []plan.ForeignKey
	for _, fk := range v.t.ForeignKeys {
		if fk.RefDatabase == "" {
			local = append(local, fk)
		}
	}
	across := len(v.t.ForeignKeys) - len(local)
	if len(local) == 0 {
		detail := "the table has no foreign keys"
		if across > 0 {
			detail = acrossDetail(across)
		}
		return LevelResult{Status: StatusNotApplicable, Detail: detail}, nil
	}
	for _, fk := range local {
		if err := v.orphansOf(ctx, fk); err != nil {
			return LevelResult{}, err
		}
		if err := v.foreignKeyActions(ctx, fk); err != nil {
			return LevelResult{}, err
		}
	}
	detail := plural(len(local), "foreign key")
	if v.refsByKeys > 0 {
		detail += fmt.Sprintf("; %d checked only for the rows of chosen keys (the others proven before)", v.refsByKeys)
	}
	if across > 0 {
		detail += "; " + acrossDetail(across)
	}
	return LevelResult{Checked: int64(len(local)), Detail: detail}, nil
}

func acrossDetail(n int) string {
	return plural(n, "reference") + " into another target database, checked by CrossReferences"
}

func (v *tableCheck) orphansOf(ctx context.Context, fk plan.ForeignKey) error {
	parent, err := readCatalog(ctx, v.db, schemaOf(v.p, v.t), fk.RefTable)
	if err != nil {
		return err
	}
	cols := strings.Join(fk.Columns, ", ")
	if !parent.exists {
		v.add(Finding{Level: LevelOrphans, Check: "missing parent table", Column: cols,
			Detail: fmt.Sprintf("the referenced table %s does not exist", parent.name)})
		return nil
	}
	all := fmt.Sprintf("SELECT %s, %s, %s FROM %s c%s",
		v.rowKeyText("c"), v.legacyText("c"), textOf("c", fk.Columns), v.cat.name,
		v.where("c", notNulls("c", fk.Columns),
			fmt.Sprintf("NOT EXISTS (SELECT 1 FROM %s p WHERE %s)", parent.name, joinOn("p", fk.RefColumns, "c", fk.Columns))))
	q, args, err := v.orphanRows(ctx, fk, parent, all)
	if err != nil {
		return err
	}
	detail := fmt.Sprintf("no row of %s has (%s) = ", fk.RefTable, strings.Join(fk.RefColumns, ", "))
	return v.sample(ctx, LevelOrphans, q, func(vals []string) {
		v.add(Finding{Level: LevelOrphans, Check: "orphan", Key: vals[0], LegacyKey: vals[1], Column: cols,
			TargetValue: vals[2], Detail: detail + "(" + vals[2] + ")"})
	}, args...)
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
