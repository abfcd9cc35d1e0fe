package verify

import (
	"context"
	"fmt"
	"strings"
)

// primaryKey is level 2: no primary key value is NULL or held by two rows.
// A NOT NULL declaration or a valid unique index makes PostgreSQL guarantee
// the property, and the table is not scanned for it.
func (v *tableCheck) primaryKey(ctx context.Context) (LevelResult, error) {
	pk := v.t.PrimaryKey
	if len(pk) == 0 {
		return LevelResult{Status: StatusNotApplicable, Detail: "the table has no primary key"}, nil
	}
	var enforced []string
	if v.cat.notNull(pk) {
		enforced = append(enforced, "NOT NULL")
	} else if err := v.nullKeys(ctx, pk); err != nil {
		return LevelResult{}, err
	}
	if v.cat.uniqueOn(pk) {
		enforced = append(enforced, "a unique index")
	} else if err := v.duplicateKeys(ctx, pk); err != nil {
		return LevelResult{}, err
	}
	switch len(enforced) {
	case 0:
		return LevelResult{Detail: "scanned for NULL and duplicate keys"}, nil
	case 2:
		return LevelResult{Detail: "enforced by NOT NULL and a unique index"}, nil
	}
	return LevelResult{Detail: "enforced by " + enforced[0] + "; scanned for the rest"}, nil
}

func (v *tableCheck) nullKeys(ctx context.Context, pk []string) error {
	conds := make([]string, len(pk))
	for i, c := range pk {
		conds[i] = qualified("", c) + " IS NULL"
	}
	q := fmt.Sprintf("SELECT %s, %s FROM %s%s",
		v.rowKeyText(""), v.legacyText(""), v.cat.name, v.where("", "("+strings.Join(conds, " OR ")+")"))
	return v.sample(ctx, LevelKeys, q, func(vals []string) {
		v.add(Finding{Level: LevelKeys, Check: "null key", Key: vals[0], LegacyKey: vals[1],
			Column: strings.Join(pk, ", "), TargetValue: vals[0], Detail: "a primary key column is NULL"})
	})
}

func (v *tableCheck) duplicateKeys(ctx context.Context, pk []string) error {
	q := fmt.Sprintf(`SELECT %s, string_agg(%s, ', ' ORDER BY %s), count(*)::text FROM %s%s
		GROUP BY %s HAVING count(*) > 1%s`,
		v.rowKeyText(""), v.legacyText(""), v.legacyText(""), v.cat.name, whereAll(loadedCond(v.t, "")),
		columnList("", pk), v.reportsGroup())
	return v.sample(ctx, LevelKeys, q, func(vals []string) {
		v.add(Finding{Level: LevelKeys, Check: "duplicate key", Key: vals[0], LegacyKey: vals[1],
			Column: strings.Join(pk, ", "), TargetValue: vals[0], Detail: vals[2] + " rows share this primary key"})
	})
}

// reportsGroup makes exactly one part of a merged table report a key that
// several rows share, whichever sources they come from: the part whose
// source is the least among them.
func (v *tableCheck) reportsGroup() string {
	m := v.t.Merged
	if m == nil {
		return ""
	}
	return " AND min(" + qualified("", m.SourceColumn) + ") = " + literal(v.t.Source)
}
