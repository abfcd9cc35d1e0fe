package verify

import (
	"cmp"
	"slices"
	"time"
)

// The six levels, in the order they run.
const (
	LevelCounts  = 1 // source rows = loaded + rejected + filtered
	LevelKeys    = 2 // no NULL and no duplicate primary key
	LevelOrphans = 3 // no orphaned foreign key
	LevelTypes   = 4 // every column with its planned type and nullability
	LevelLegacy  = 5 // every legacy key once, with the UUID the key function gives
	LevelContent = 6 // every value of every row, through the mapping
)

// Levels lists every level.
var Levels = []int{LevelCounts, LevelKeys, LevelOrphans, LevelTypes, LevelLegacy, LevelContent}

// LevelName is a level's short name, as the reports print it.
func LevelName(level int) string {
	switch level {
	case LevelCounts:
		return "counts"
	case LevelKeys:
		return "primary key"
	case LevelOrphans:
		return "foreign keys"
	case LevelTypes:
		return "types"
	case LevelLegacy:
		return "legacy keys"
	case LevelContent:
		return "content"
	}
	return "unknown"
}

// Statuses of a level on one table.
const (
	StatusOK            = "ok"
	StatusFailed        = "failed"         // at least one finding
	StatusNotApplicable = "not applicable" // e.g. level 2 on a table without a primary key
	StatusSkipped       = "skipped"        // could not run; Detail says why (another level's finding)
)

// Finding is one thing verify found wrong. It names the place exactly: the
// table, the row (its legacy key and its key in the target), the column, and
// the value on each side, as canonical text.
type Finding struct {
	Level       int    `json:"level"`
	Check       string `json:"check"`                // what failed, e.g. "value", "missing row", "orphan"
	Table       string `json:"table"`                // the plan's table ID, "<source>.<table>"
	LegacyKey   string `json:"legacy_key,omitempty"` // the source key (sluice.KeyText), or "#n" for a row of a table without a key
	Key         string `json:"key,omitempty"`        // the target's key: the row UUID, or the primary key values
	Column      string `json:"column,omitempty"`     // the target column
	SourceValue string `json:"source_value,omitempty"`
	TargetValue string `json:"target_value,omitempty"`
	Detail      string `json:"detail,omitempty"`
}

// LevelResult is the outcome of one level on one table.
type LevelResult struct {
	Status   string        `json:"status"`
	Findings int           `json:"findings"` // all of them, also those past Options.MaxFindings
	Checked  int64         `json:"checked"`  // rows, keys, constraints or columns examined
	Detail   string        `json:"detail,omitempty"`
	Elapsed  time.Duration `json:"-"`
}

// TableReport is the verification of one planned table.
type TableReport struct {
	ID       string              // the plan's table ID
	Target   string              // the target table
	Levels   map[int]LevelResult // the levels that were asked for
	Findings []Finding           // at most Options.MaxFindings per level, sorted
	Elapsed  time.Duration
	// Counts is what level 1 counted of a table loaded from one source
	// table; nil when level 1 did not run, or for a matched or expanded
	// table, which count otherwise.
	Counts *Counts
	// Kept counts what level 1 found in the target whose source row is
	// gone and which merge or append without delete_missing keeps: rows,
	// child rows, or for a matched part legacy keys. No finding, and
	// outside the balance of Counts.
	Kept int64
}

// Counts are a table's rows as level 1 reconciles them: Source = Loaded +
// Rejected + Filtered.
type Counts struct {
	Source   int64 `json:"source"`
	Loaded   int64 `json:"loaded"`
	Rejected int64 `json:"rejected"`
	Filtered int64 `json:"filtered"`
}

// Report is the verification of a whole plan.
type Report struct {
	Tables   []TableReport
	Findings int // the total over every table and level
	Started  time.Time
	Finished time.Time
}

// OK reports whether nothing was found.
func (r *Report) OK() bool { return r.Findings == 0 }

// FindingCount is the total of the table's levels' findings.
func (tr *TableReport) FindingCount() int {
	n := 0
	for _, l := range tr.Levels {
		n += l.Findings
	}
	return n
}

// levelNumbers returns the table's levels in order.
func (tr *TableReport) levelNumbers() []int {
	ls := make([]int, 0, len(tr.Levels))
	for l := range tr.Levels {
		ls = append(ls, l)
	}
	slices.Sort(ls)
	return ls
}

// sortFindings orders findings so that reports are stable whatever order
// the workers found them in.
func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Level, b.Level), cmp.Compare(a.Check, b.Check),
			cmp.Compare(a.LegacyKey, b.LegacyKey), cmp.Compare(a.Key, b.Key), cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.Detail, b.Detail))
	})
}
