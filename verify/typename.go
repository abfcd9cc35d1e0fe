package verify

import (
	"strings"

	"github.com/sluicedb/sluice/plan"
)

// baseType is a type's name without modifiers, zone or array brackets, in
// format_type's spelling: "numeric" for "decimal(10,2)".
func baseType(t string) string {
	c := plan.CanonicalType(t)
	if i := strings.IndexAny(c, "(["); i >= 0 {
		c = c[:i]
	}
	return strings.TrimSpace(c)
}
