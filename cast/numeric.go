package cast

import (
	"math/big"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/sluicedb/sluice"
)

// PostgreSQL's numeric holds up to 131072 digits before the decimal point and
// 16383 after it.
const (
	numericIntDigits   = 131072
	numericFracDigits  = 16383
	unconstrainedLimit = -1
)

// toNumeric converts to numeric or numeric(p,s) as a pgtype.Numeric holding
// the exact value, never rounded: PostgreSQL would round, so a value with more
// digits than the type holds is rejected here instead.
func toNumeric(_ sluice.Type, t target, _ Options) Func {
	return func(v any) (any, error) {
		if i, ok := v.(int64); ok && t.n == unconstrainedLimit {
			return pgtype.Numeric{Int: big.NewInt(i), Valid: true}, nil
		}
		n, err := toNumber(v, t, "a number")
		if err != nil {
			return nil, err
		}
		if n.special != "" {
			return specialNumeric(n, t)
		}
		if err := fitsNumeric(n, t); err != nil {
			return nil, err
		}
		return decimalNumeric(n.dec), nil
	}
}

// specialNumeric keeps a NaN or infinity read as text (PostgreSQL numeric has
// them, and a PostgreSQL source writes them so); a float NaN or infinity is
// rejected: a decimal column never meant one.
func specialNumeric(n number, t target) (any, error) {
	switch {
	case n.fromFloat:
		return nil, rejectf("%s is not a finite number, %s holds only finite numbers", n.text, t.ddl)
	case n.special == "NaN":
		return pgtype.Numeric{NaN: true, Valid: true}, nil
	case t.n != unconstrainedLimit:
		return nil, rejectf("%s does not fit %s", n.text, t.ddl)
	case n.special == "Infinity":
		return pgtype.Numeric{InfinityModifier: pgtype.Infinity, Valid: true}, nil
	}
	return pgtype.Numeric{InfinityModifier: pgtype.NegativeInfinity, Valid: true}, nil
}

// fitsNumeric checks the digits against numeric(p,s), or against numeric's
// own limits when unconstrained.
func fitsNumeric(n number, t target) error {
	maxFrac, maxInt := numericFracDigits, numericIntDigits
	if t.n != unconstrainedLimit {
		maxFrac, maxInt = t.scale, t.n-t.scale
	}
	if s := n.dec.scale(); s > maxFrac {
		return rejectf("%s has %s, %s holds %d", n.shown(), plural(s, "decimal place"), t.ddl, maxFrac)
	}
	if d := n.dec.intDigits(); d > maxInt {
		return rejectf("%s has %s, %s holds %d", n.shown(), plural(d, "integer digit"), t.ddl, maxInt)
	}
	return nil
}

// decimalNumeric keeps the scale the value was written with ("1.50" stays
// 1.50), except for trailing zeros beyond what numeric can hold.
func decimalNumeric(d decimal) pgtype.Numeric {
	if -d.exp > numericFracDigits {
		d.mant, d.exp = d.trimmed()
	}
	return pgtype.Numeric{Int: d.bigInt(), Exp: int32(d.exp), Valid: true}
}
