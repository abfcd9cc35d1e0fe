package verify

import (
	"context"
	"fmt"
	"slices"

	"github.com/sluicedb/sluice/plan"
)

// types is level 4: every planned column exists in the target with its
// planned type (compared as format_type spells it) and nullability, and the
// target has no column the plan does not know; with the defaults,
// identities and CHECKs the plan gives the application (attributes).
func (v *tableCheck) types(ctx context.Context) (LevelResult, error) {
	if !v.cat.exists {
		v.add(Finding{Level: LevelTypes, Check: "missing table", Detail: fmt.Sprintf("target table %s does not exist", v.cat.name)})
		return LevelResult{}, nil
	}
	for _, pc := range v.t.Columns {
		v.checkColumn(pc)
	}
	if err := v.attributes(ctx); err != nil {
		return LevelResult{}, err
	}
	for _, c := range v.cat.cols {
		if !slices.ContainsFunc(v.t.Columns, func(pc plan.Column) bool { return pc.Name == c.Name }) {
			v.add(Finding{Level: LevelTypes, Check: "unplanned column", Column: c.Name, TargetValue: c.Type,
				Detail: "the target has a column the plan does not make"})
		}
	}
	return LevelResult{Checked: int64(len(v.t.Columns)), Detail: fmt.Sprintf("%d columns", len(v.t.Columns))}, nil
}

func (v *tableCheck) checkColumn(pc plan.Column) {
	c := v.cat.column(pc.Name)
	want := plan.CanonicalType(pc.Type)
	switch {
	case c == nil:
		v.add(Finding{Level: LevelTypes, Check: "missing column", Column: pc.Name, SourceValue: want,
			Detail: "the planned column does not exist"})
		return
	case plan.CanonicalType(c.Type) != want:
		v.add(Finding{Level: LevelTypes, Check: "type", Column: pc.Name, SourceValue: want, TargetValue: c.Type,
			Detail: fmt.Sprintf("planned %s, the target has %s", want, c.Type)})
	}
	// A primary key makes its columns NOT NULL, also where the source
	// column was nullable (SQLite lets a primary key column be).
	planned := pc.NotNull || slices.Contains(v.t.PrimaryKey, pc.Name)
	if c.NotNull != planned {
		v.add(Finding{Level: LevelTypes, Check: "not null", Column: pc.Name, SourceValue: nullity(planned),
			TargetValue: nullity(c.NotNull), Detail: fmt.Sprintf("planned %s, the target has %s", nullity(planned), nullity(c.NotNull))})
	}
}

func nullity(notNull bool) string {
	if notNull {
		return "NOT NULL"
	}
	return "NULL"
}
