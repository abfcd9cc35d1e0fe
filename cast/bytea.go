package cast

import "github.com/sluicedb/sluice"

// toBytea converts to bytea. Text keeps its bytes exactly, whatever their
// encoding: bytea is where bytes that are not text belong.
func toBytea(_ sluice.Type, t target, _ Options) Func {
	return func(v any) (any, error) {
		switch x := v.(type) {
		case []byte:
			return v, nil
		case string:
			return []byte(x), nil
		}
		return nil, unsupported(v, t)
	}
}
