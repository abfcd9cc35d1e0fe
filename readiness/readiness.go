// Package readiness runs the checks of `sluice cutover --check` that do not
// depend on live sync: that the mapping can be reversed (or the tables
// that cannot are excluded), that the sources' users may freeze them and
// write the target's changes back, that no table failed, that no conflict
// waits for a person, and that the last verification of every table was
// clean. Each check is one line of the checklist, with what fails and its
// fix. (Lag and streaming state are sync's, and checked there.)
package readiness

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
	"github.com/sluicedb/sluice/verify"
)

// State is what the checks read of the target's state.
type State interface {
	Status(ctx context.Context) (*target.Status, error)
	Conflicts(ctx context.Context, f target.ConflictFilter) ([]target.Conflict, error)
	LatestVerify(ctx context.Context) ([]target.VerifyResult, error)
}

// Inputs are what the checks look at.
type Inputs struct {
	Plan    *plan.Plan
	Sources map[string]sluice.Source // by name, open
	State   State
	// Freeze is how the sources will be frozen; nil when they will not be
	// (--freeze none: the user stops the application).
	Freeze *sluice.FreezeOptions
}

// Item is one line of the checklist.
type Item struct {
	Check    string
	OK       bool
	Problems []string // what fails, each with its fix
}

// Ready reports whether every check passed.
func Ready(items []Item) bool {
	return !slices.ContainsFunc(items, func(it Item) bool { return !it.OK })
}

// Check runs every check. An error is a check that could not run (a lost
// connection); a check that fails is an Item that is not OK.
func Check(ctx context.Context, in Inputs) ([]Item, error) {
	items := []Item{reversible(in.Plan)}
	steps := []func(context.Context, Inputs) (Item, error){freezeRights, writeRights, noFailedTable, noOpenConflict, verifiedClean}
	for _, step := range steps {
		it, err := step(ctx, in)
		if err != nil {
			return items, err
		}
		if it.Check != "" {
			items = append(items, it)
		}
	}
	return items, nil
}

func item(check string, problems []string) Item {
	return Item{Check: check, OK: len(problems) == 0, Problems: problems}
}

func reversible(p *plan.Plan) Item {
	var problems []string
	for _, t := range p.Irreversible() {
		problems = append(problems, fmt.Sprintf("%s -> %s cannot be written back (%s); exclude it with rollback: false",
			t.ID, t.Name, strings.Join(t.Rollback.Reasons, "; ")))
	}
	return item("every table can be written back, or is excluded from rollback", problems)
}

// rollbackTables lists, per source, the source tables written back.
func rollbackTables(p *plan.Plan) map[string][]string {
	out := map[string][]string{}
	for _, t := range p.Tables {
		if !t.Rollback.Excluded && t.Expansion == nil {
			out[t.Source] = append(out[t.Source], t.SourceTable)
		}
	}
	return out
}

func freezeRights(ctx context.Context, in Inputs) (Item, error) {
	if in.Freeze == nil {
		return Item{}, nil
	}
	var problems []string
	for _, name := range sortedSources(rollbackTables(in.Plan)) {
		f, ok := in.Sources[name].(sluice.Freezer)
		if !ok {
			problems = append(problems, fmt.Sprintf("source %s (%s) cannot be frozen by Sluice; stop its writers yourself and use --freeze none", name, engineOf(in.Sources[name])))
			continue
		}
		found, err := f.CheckFreeze(ctx, *in.Freeze)
		if err != nil {
			return Item{}, err
		}
		problems = append(problems, capture(name, found)...)
	}
	return item("the sources' users may freeze writes", problems), nil
}

func writeRights(ctx context.Context, in Inputs) (Item, error) {
	var problems []string
	tables := rollbackTables(in.Plan)
	for _, name := range sortedSources(tables) {
		sink, ok := in.Sources[name].(sluice.ChangeSink)
		if !ok {
			problems = append(problems, fmt.Sprintf("source %s (%s) cannot be written back to; exclude its tables with rollback: false", name, engineOf(in.Sources[name])))
			continue
		}
		found, err := sink.CheckSink(ctx, tables[name])
		if err != nil {
			return Item{}, err
		}
		problems = append(problems, capture(name, found)...)
	}
	return item("the sources' users may write the target's changes back", problems), nil
}

func capture(source string, found []sluice.CaptureProblem) []string {
	var out []string
	for _, p := range found {
		if !p.Warning {
			out = append(out, fmt.Sprintf("source %s: %s: %s; fix: %s", source, p.Check, p.Found, p.Fix))
		}
	}
	return out
}

func engineOf(s sluice.Source) string {
	if s == nil {
		return "not open"
	}
	return s.Engine()
}

func sortedSources(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func noFailedTable(ctx context.Context, in Inputs) (Item, error) {
	st, err := in.State.Status(ctx)
	if err != nil {
		return Item{}, err
	}
	var problems []string
	for _, t := range st.Tables {
		if t.State == target.StateFailed {
			problems = append(problems, fmt.Sprintf("%s failed: %s; run sluice migrate again", t.ID, t.Message))
		}
	}
	return item("no table failed", problems), nil
}

func noOpenConflict(ctx context.Context, in Inputs) (Item, error) {
	open, err := in.State.Conflicts(ctx, target.ConflictFilter{Status: "open"})
	if err != nil {
		return Item{}, err
	}
	var problems []string
	if len(open) > 0 {
		problems = append(problems, fmt.Sprintf("%d conflicts wait for a person (first: %s column %s); settle them with sluice conflicts resolve",
			len(open), open[0].Table, open[0].Column))
	}
	return item("no open manual conflict", problems), nil
}

// verifiedClean wants, for every planned table, a latest result at some
// level and none that failed or could not run.
func verifiedClean(ctx context.Context, in Inputs) (Item, error) {
	results, err := in.State.LatestVerify(ctx)
	if err != nil {
		return Item{}, err
	}
	seen := map[string]bool{}
	var problems []string
	for _, r := range results {
		seen[r.TableID] = true
		if r.Status == verify.StatusFailed || r.Status == verify.StatusSkipped {
			problems = append(problems, fmt.Sprintf("%s level %d: %s (%d findings) at its last verification; run sluice verify after fixing it", r.TableID, r.Level, r.Status, r.Findings))
		}
	}
	for _, t := range in.Plan.Tables {
		if !seen[t.ID] {
			problems = append(problems, t.ID+" was never verified; run sluice verify")
		}
	}
	return item("the last verification of every table is clean", problems), nil
}
