package lineage

import (
	"strings"
	"time"

	"github.com/sluicedb/sluice/plan"
)

// legacyKeyOf reads the legacy key of a target row, as sluice.KeyText
// writes it: from the legacy column under keys: uuid, else from the key
// columns. It returns false when the table keeps no such column.
func legacyKeyOf(t *plan.Table, r Row) (string, bool) {
	cols, whole := legacyColumns(t)
	if cols == nil {
		return "", false
	}
	parts := make([]string, len(cols))
	for i, c := range cols {
		v, ok := r.value(c.Name)
		if !ok {
			return "", false
		}
		parts[i] = v
		if !whole {
			parts[i] = canonicalText(v, castType(c.Type))
		}
	}
	if whole {
		return parts[0], true
	}
	return joinKey(parts), true
}

// canonicalText turns a value as PostgreSQL's JSON renders it into the
// canonical text of sluice.ValueText where the two differ: bytes as 0x hex,
// times in RFC 3339 UTC (a time without a zone taken as UTC, as sources read
// it). Numbers and strings are the same in both.
func canonicalText(v, typ string) string {
	switch strings.ToLower(typ) {
	case "bytea":
		if h, ok := strings.CutPrefix(v, `\x`); ok {
			return "0x" + h
		}
	case "date", "timestamp", "timestamptz", "timestamp with time zone", "timestamp without time zone":
		if t, err := parseTime(v); err == nil {
			return t.UTC().Format(time.RFC3339Nano)
		}
	}
	return v
}
