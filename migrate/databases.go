package migrate

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
	"github.com/sluicedb/sluice/verify"
)

// Targets are the open target databases, by the names the config gives them.
type Targets map[string]*target.Target

// RunAll migrates a plan whose tables go to several target databases (a
// monolith split per service). Each database is one Run with its own state
// schema, ledger and audit trail, since a chunk's rows and its ledger entry
// must commit in one transaction; the databases load one after another.
// Then the references between databases, which no constraint can hold, are
// checked for orphans. With one database it is Run.
func RunAll(ctx context.Context, p *plan.Plan, srcs map[string]sluice.Source, tgts Targets, o Options) (*Summary, error) {
	if len(p.Databases) <= 1 {
		return Run(ctx, p, srcs, tgts[databaseName(p)], o)
	}
	o = o.withDefaults()
	total := &Summary{}
	var failed []error // tables that failed in a database: the next databases still load
	for _, db := range p.Databases {
		sub := p.ForDatabase(db.Name)
		if len(sub.Tables) == 0 {
			continue
		}
		tgt, ok := tgts[db.Name]
		if !ok {
			return total, fmt.Errorf("target database %q is not open", db.Name)
		}
		o.Observer.Phase("loading target database " + db.Name)
		sum, err := Run(ctx, sub, srcs, tgt, o)
		total.add(db.Name, sum)
		if err != nil {
			err = fmt.Errorf("target database %s: %w", db.Name, err)
			if sum == nil || sum.stopped {
				return total, errors.Join(append(failed, err)...)
			}
			failed = append(failed, err)
		}
	}
	return total, errors.Join(append(failed, crossReferences(ctx, p, tgts, o))...)
}

// databaseName is the only database of a plan ("" for a plan built without
// one, which the caller's Targets then key by "").
func databaseName(p *plan.Plan) string {
	if len(p.Databases) == 0 {
		return ""
	}
	return p.Databases[0].Name
}

// add folds one database's summary into the whole run's.
func (s *Summary) add(db string, part *Summary) {
	if part == nil {
		return
	}
	if s.RunID == 0 {
		s.RunID = part.RunID
	}
	s.Runs = append(s.Runs, DatabaseRun{Database: db, RunID: part.RunID})
	s.Tables = append(s.Tables, part.Tables...)
	s.Rejected += part.Rejected
	s.Rejects = append(s.Rejects, part.Rejects...)
	s.ForeignKeys = append(s.ForeignKeys, part.ForeignKeys...)
	s.Failures = append(s.Failures, part.Failures...)
	s.Elapsed += part.Elapsed
}

// crossReferences checks every reference from a table in one database to a
// table in another: with no constraint to hold them, only this check finds
// an orphan.
func crossReferences(ctx context.Context, p *plan.Plan, tgts Targets, o Options) error {
	if !slices.Contains(o.Verify, verify.LevelOrphans) {
		return nil
	}
	pools := map[string]*pgxpool.Pool{}
	for name, t := range tgts {
		pools[name] = t.Pool()
	}
	report, err := verify.CrossReferences(ctx, p, pools, verify.Options{Levels: []int{verify.LevelOrphans}})
	if err != nil {
		return fmt.Errorf("check the references between target databases: %w", err)
	}
	if report.Findings > 0 {
		return &sluice.ValidationError{Table: "references between databases", Detail: findingsDetail(report)}
	}
	return nil
}
