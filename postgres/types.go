package postgres

import "github.com/sluicedb/sluice"

// pgType is what the catalog says about a column's type.
type pgType struct {
	Format  string // format_type(atttypid, atttypmod), e.g. "numeric(10,2)"
	Name    string // pg_type.typname, e.g. "numeric", "_int4"
	TypType string // pg_type.typtype: b base, e enum, d domain, c composite, r range, m multirange
	Builtin bool   // the type lives in pg_catalog
	Mod     int    // atttypmod, -1 when none
	Enum    []string
}

// TypeOf maps a column type to a sluice.Type, as docs/TYPES.md says: the
// types whose values pgx decodes into the contract's Go types get their
// Kind; enums become KindEnum; everything else (domains, arrays, intervals,
// ranges, composite and other user types) is KindOther with format_type in
// Raw, and is read as text.
func TypeOf(p pgType) sluice.Type {
	t := sluice.Type{Kind: sluice.KindOther, Raw: p.Format}
	switch {
	case p.TypType == "e":
		t.Kind, t.Values = sluice.KindEnum, p.Enum
	case p.Builtin && p.TypType == "b":
		builtin(&t, p.Name, p.Mod)
	case p.TypType == "b" && (p.Name == "geometry" || p.Name == "geography"):
		t.Kind = sluice.KindGeometry // PostGIS; Raw keeps "geometry(Point,4326)"
	}
	return t
}

func builtin(t *sluice.Type, name string, mod int) {
	switch name {
	case "int2", "int4", "int8":
		t.Kind, t.Bits = sluice.KindInt, map[string]int{"int2": 16, "int4": 32, "int8": 64}[name]
	case "float4", "float8":
		t.Kind, t.Bits = sluice.KindFloat, map[string]int{"float4": 32, "float8": 64}[name]
	case "numeric":
		t.Kind = sluice.KindDecimal
		t.Precision, t.Scale = numericMod(mod)
	case "varchar", "bpchar":
		characters(t, name == "bpchar", mod)
	case "text":
		t.Kind = sluice.KindText
	case "bytea":
		t.Kind = sluice.KindBytes
	case "bool":
		t.Kind = sluice.KindBool
	case "date":
		t.Kind = sluice.KindDate
	case "timestamp", "timestamptz", "time":
		t.Kind = map[string]sluice.Kind{"timestamp": sluice.KindTimestamp, "timestamptz": sluice.KindTimestampTZ, "time": sluice.KindTime}[name]
		t.Precision = timePrecision(mod)
	case "uuid":
		t.Kind = sluice.KindUUID
	case "json", "jsonb":
		t.Kind = sluice.KindJSON
	}
}

// numericMod decodes numeric's typmod: ((precision << 16) | scale) + 4, the
// scale an 11-bit signed number since PostgreSQL 15. -1 is unconstrained.
func numericMod(mod int) (precision, scale int) {
	if mod < 4 {
		return 0, 0
	}
	m := mod - 4
	scale = m & 0x7ff
	if scale >= 1024 {
		scale -= 2048
	}
	return (m >> 16) & 0xffff, scale
}

// characters: varchar(n) and char(n) store n+4 in their typmod; without one
// the type is unbounded.
func characters(t *sluice.Type, fixed bool, mod int) {
	if mod < 4 {
		t.Kind = sluice.KindText
		return
	}
	t.Kind, t.Length, t.Fixed = sluice.KindString, mod-4, fixed
}

// timePrecision is the declared fractional digits; 6 when none is declared.
func timePrecision(mod int) int {
	if mod < 0 {
		return 6
	}
	return mod
}

// readsAsText reports whether a column is cast to text in the query: its Go
// value from pgx would not be what the contract wants for its Kind (a
// pgtype.Numeric, a map for json, a pgtype.Time, ...).
func readsAsText(t sluice.Type) bool {
	switch t.Kind {
	case sluice.KindInt, sluice.KindFloat, sluice.KindBool, sluice.KindString, sluice.KindText,
		sluice.KindBytes, sluice.KindDate, sluice.KindTimestamp, sluice.KindTimestampTZ, sluice.KindUUID:
		return false
	}
	return true
}
