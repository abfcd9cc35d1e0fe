package compute

import (
	"fmt"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/types"
	"github.com/sluicedb/sluice"
)

// options are expr's compile options for a table's columns: the typed
// environment, UTC dates, no now(), and the helper functions.
func options(cols []sluice.Column) []expr.Option {
	env := make(types.Map, len(cols))
	for _, c := range cols {
		env[c.Name] = classOf(c.Type.Kind).exprType()
		if c.Nullable {
			// A typed variable holding NULL breaks expr at run time
			// (Sex == 1 panics on nil); untyped, NULL compares as nil.
			env[c.Name] = types.Any
		}
	}
	return []expr.Option{
		expr.Env(env),
		expr.Timezone("UTC"),
		expr.DisableBuiltin("now"),
		expr.Function("coalesce", coalesce),
		expr.Function("nullif", nullif),
	}
}

// class is the family of values a column has in an expression.
type class int

const (
	classAny class = iota // a kind whose values vary by engine: untyped
	classBool
	classInt
	classFloat
	classText
	classTime
	classBytes
)

// classOf maps a column's kind to its family (see the package comment).
func classOf(k sluice.Kind) class {
	switch k {
	case sluice.KindBool:
		return classBool
	case sluice.KindInt, sluice.KindYear:
		return classInt
	case sluice.KindFloat:
		return classFloat
	case sluice.KindDecimal, sluice.KindString, sluice.KindText, sluice.KindEnum, sluice.KindSet,
		sluice.KindJSON, sluice.KindUUID, sluice.KindTime:
		return classText
	case sluice.KindDate, sluice.KindTimestamp, sluice.KindTimestampTZ:
		return classTime
	case sluice.KindBytes:
		return classBytes
	}
	return classAny
}

func (c class) exprType() types.Type {
	switch c {
	case classBool:
		return types.Bool
	case classInt:
		return types.Int
	case classFloat:
		return types.Float64
	case classText:
		return types.String
	case classTime:
		return types.TypeOf(time.Time{})
	case classBytes:
		return types.TypeOf([]byte(nil))
	}
	return types.Any
}

// coalesce returns its first argument that is not NULL, or NULL:
// coalesce(MobilePhone, HomePhone, "none").
func coalesce(args ...any) (any, error) {
	for _, a := range args {
		if a != nil {
			return a, nil
		}
	}
	return nil, nil
}

// nullif returns NULL when its two arguments are equal, else the first, as
// in SQL: nullif(Phone, "") turns a legacy empty string into NULL.
func nullif(args ...any) (any, error) {
	if len(args) != 2 {
		return nil, fmt.Errorf("nullif takes 2 arguments, not %d", len(args))
	}
	if args[0] == args[1] {
		return nil, nil
	}
	return args[0], nil
}
