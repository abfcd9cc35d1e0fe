package plan

import (
	"fmt"
	"strings"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// suggest returns ` (did you mean "X"?)` naming the candidate closest to
// name, or "" when none is close enough to be a plausible typo.
func suggest(name string, candidates []string) string {
	best, bestDist := "", -1
	for _, c := range candidates {
		d := config.Distance(strings.ToLower(name), strings.ToLower(c))
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	if bestDist < 0 || bestDist > max(2, len([]rune(name))/2) {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func tableNames(s *sluice.Schema) []string {
	names := make([]string, len(s.Tables))
	for i, t := range s.Tables {
		names[i] = t.Name
	}
	return names
}

func columnNames(t *sluice.Table) []string {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	return names
}

func missingTable(s *sluice.Schema, name string) string {
	return fmt.Sprintf("table %q does not exist in source %s%s", name, s.Source, suggest(name, tableNames(s)))
}
