package cast

import (
	"slices"
	"strings"

	"github.com/sluicedb/sluice"
)

// members is the value set of an enum or set source column, sorted for a
// binary search.
type members struct {
	sorted []string
	name   string // how the type reads in reasons: "enum('a','b')"
}

func newMembers(from sluice.Type) members {
	m := members{sorted: slices.Sorted(slices.Values(from.Values)), name: from.Raw}
	if m.name == "" {
		m.name = string(from.Kind) + "('" + strings.Join(from.Values, "','") + "')"
	}
	return m
}

// checkEnum rejects a value outside the enum's members, such as the empty
// string MySQL stores for an invalid value, before the target's own cast.
func checkEnum(from sluice.Type, next Func) Func {
	m := newMembers(from)
	return func(v any) (any, error) {
		if s, ok := v.(string); ok && !m.has(s) {
			return nil, rejectf("%s is not a value of %s", quote(s), m.name)
		}
		return next(v)
	}
}

// checkSet rejects a set value with a member outside the set's members.
func checkSet(from sluice.Type, next Func) Func {
	m := newMembers(from)
	return func(v any) (any, error) {
		if s, ok := v.(string); ok {
			if _, err := m.split(s); err != nil {
				return nil, err
			}
		}
		return next(v)
	}
}

// setToArray converts a set value "a,c" to text[] {a,c}; "" is the empty set.
func setToArray(from sluice.Type) Func {
	m := newMembers(from)
	return skipNil(func(v any) (any, error) {
		s, ok := v.(string)
		if !ok {
			return nil, rejectf("cannot cast %T to text[]", v)
		}
		return m.split(s)
	})
}

func (m members) split(s string) ([]string, error) {
	if s == "" {
		return []string{}, nil
	}
	parts := strings.Split(s, ",")
	for _, p := range parts {
		if !m.has(p) {
			return nil, rejectf("set member %s is not a value of %s", quote(p), m.name)
		}
	}
	return parts, nil
}

func (m members) has(s string) bool {
	_, found := slices.BinarySearch(m.sorted, s)
	return found
}
