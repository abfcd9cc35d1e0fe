package target

import (
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// quoteIdent quotes one identifier.
func quoteIdent(name string) string { return pgx.Identifier{name}.Sanitize() }

// qualify lists columns as alias."column", separated by commas; alias ""
// lists them bare.
func qualify(alias string, cols []string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = quoteIdent(c)
		if alias != "" {
			parts[i] = alias + "." + parts[i]
		}
	}
	return strings.Join(parts, ", ")
}

// joinOn is the condition that rows t and s have the same values in cols.
func joinOn(cols []string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = "t." + quoteIdent(c) + " = s." + quoteIdent(c)
	}
	return strings.Join(parts, " AND ")
}

// assign is the SET list that copies cols from s.
func assign(cols []string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = quoteIdent(c) + " = s." + quoteIdent(c)
	}
	return strings.Join(parts, ", ")
}

// distinct is the condition that rows t and s differ in one of cols.
func distinct(cols []string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = "t." + quoteIdent(c) + " IS DISTINCT FROM s." + quoteIdent(c)
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// without returns cols without any of drop, in order.
func without(cols []string, drop ...string) []string {
	var out []string
	for _, c := range cols {
		if !slices.Contains(drop, c) {
			out = append(out, c)
		}
	}
	return out
}

// sqlArgs collects a statement's parameters while its text is written. The
// first ones are fixed: the range of chunk rows ($1, $2) and, for statements
// over one round of a matched part, the round ($3).
type sqlArgs struct {
	vals  []any
	fixed int
}

func rangeArgs() *sqlArgs { return &sqlArgs{vals: make([]any, 2), fixed: 2} }
func roundArgs() *sqlArgs { return &sqlArgs{vals: make([]any, 3), fixed: 3} }

// add appends v and returns its placeholder.
func (a *sqlArgs) add(v any) string {
	a.vals = append(a.vals, v)
	return "$" + strconv.Itoa(len(a.vals))
}

// inRange restricts stage rows s to the attempt's range, inRound to the
// round being merged.
const (
	inRange = "s." + stageOrd + " >= $1 AND s." + stageOrd + " < $2"
	inRound = "s." + stageRound + " = $3"
)

// with returns the statement's parameters for rows [lo, hi) in round.
func (a *sqlArgs) with(lo, hi, round int) []any {
	out := append([]any(nil), a.vals...)
	out[0], out[1] = int32(lo), int32(hi)
	if a.fixed == 3 {
		out[2] = int32(round)
	}
	return out
}
