package migrate

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"time"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/audit"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
)

// Options tune a run. The zero value is usable.
type Options struct {
	Workers    int   // tables loaded at once; 0 means 4
	MaxRejects int64 // rejected rows allowed before the run fails
	Observer   Observer
	Retry      Retry
	Command    string // recorded in sluice.runs
	Version    string
	ConfigHash string
	SigningKey ed25519.PrivateKey // signs the head of the run's audit entries; nil: unsigned
	// Anchor keeps each run's audit head where the target's administrators
	// cannot rewrite it; the trail must still hold the last head it keeps
	// before a run begins. nil: no anchor.
	Anchor audit.Witness
	// OrphanWait is how long a run waits for the statements a killed
	// Sluice left running on the target (an index build, a foreign key
	// validation) to finish before it ends them; 0 means 30 seconds.
	OrphanWait time.Duration
	// Verify lists the verification levels (1 to 6, see package verify)
	// checked after each table and, for foreign keys, after the run; nil
	// checks nothing beyond the counts every table reconciles.
	Verify []int
	// Partial says that the plan holds only some of the config's tables
	// (sync's copy of some sources, its reruns): the others are not retired.
	Partial bool
	// Locked says that the caller holds the migration lock (sync and
	// cutover rerun tables under theirs): the run takes none.
	Locked bool
}

// TableResult is what happened to one table, counted over every run of its
// current generation (a resumed table includes what earlier runs loaded).
type TableResult struct {
	ID, Target string
	SourceRows int64 // rows in the source table when the load finished
	Filtered   int64 // rows the table's where excluded
	Read       int64
	Loaded     int64
	Rejected   int64
	Chunks     int
	// What the rows did to the target: a direct load inserts every row; a
	// merge inserts new keys, updates changed rows and leaves the others.
	Inserted, Updated, Unchanged int64
	Deleted                      int64 // delete_missing: rows removed because their source row is gone
	Skipped                      bool  // finished by an earlier run; nothing to do
	// Failed is why the table failed (the run went on with the others; its
	// counts are what its committed chunks hold); "" when it did not.
	Failed string
	// NotStarted is why the table never started: it waits for a table
	// that failed. It read nothing.
	NotStarted string
	// Keyless says why the table was loaded without its primary key
	// (bad_keys: load); "" when it has it.
	Keyless string
	// ThisRun sums the chunks this run committed: the counts above add
	// what earlier runs of a resumed generation committed.
	ThisRun target.Totals
	// Stopped says that the run ended (interrupted, or stopped by another
	// table's error) before this table finished; its counts are the
	// committed chunks'.
	Stopped bool
	// Elapsed is the table's own time: from its start (after any wait for
	// the tables it depends on) to its end.
	Elapsed time.Duration
}

// Summary is the outcome of a run.
type Summary struct {
	RunID    int64         // the run's id in the (first) target database
	Runs     []DatabaseRun // with several target databases: the run in each
	Tables   []TableResult
	Rejected int64
	Rejects  []target.RejectRow // the first rejects, for the report
	// Failures are the indexes and views this run could not create; the
	// rows are loaded, and the run ends with *sluice.IncompleteError.
	Failures []target.ObjectFailure
	Elapsed  time.Duration
	// ForeignKeys lists the foreign keys of failed or not-started tables,
	// and those to them, which were left NOT VALID or not added.
	ForeignKeys []ForeignKeyNote
	// stopped says that the run ended for a reason other than tables that
	// failed (an interruption, a lost connection): RunAll does not go on.
	stopped bool
}

// ForeignKeyNote is a foreign key the run could not validate.
type ForeignKeyNote struct {
	Table, Name, RefTable string
	Added                 bool   // added NOT VALID (its rows are not checked); false: not added
	Why                   string // the table that failed or has no primary key
	Refused               string // why the target did not add it, when it did not
}

// DatabaseRun is the run recorded in one of several target databases.
type DatabaseRun struct {
	Database string
	RunID    int64
}

// Run migrates every table of p from srcs (by source name) into tgt. It
// returns the summary also when it fails, so the caller can report what was
// done. Errors: *sluice.ValidationError (counts or foreign keys do not
// reconcile), *sluice.RejectedError (more rejects than allowed),
// sluice.ErrInterrupted (ctx was cancelled; a rerun resumes), or another error.
func Run(ctx context.Context, p *plan.Plan, srcs map[string]sluice.Source, tgt *target.Target, o Options) (*Summary, error) {
	o = o.withDefaults()
	start := time.Now()
	tgt.SetRetry(o.Retry, func(attempt int, wait time.Duration, err error) {
		o.Observer.Retrying("target", attempt, wait, err) // the run's target, not one table
	})
	lock := "migrate"
	if o.Locked {
		lock = ""
	}
	session, err := tgt.BeginSession(ctx, target.RunSpec{
		Command: o.Command, ConfigHash: o.ConfigHash, Version: o.Version, Lock: lock,
		Details: startDetails(p, o), SigningKey: o.SigningKey, Anchor: o.Anchor,
		Prepare: func(ctx context.Context) error { return prepareRun(ctx, p, tgt, o) },
	})
	if err != nil {
		return nil, err
	}
	r := &runner{plan: p, srcs: srcs, tgt: tgt, opt: o, runID: session.ID(), session: session}
	sum, err := r.run(ctx)
	sum.RunID, sum.Elapsed = session.ID(), time.Since(start)
	err = interrupted(ctx, err)
	status, msg := outcome(err)
	if aerr := r.auditEnd(ctx, status, msg, sum); aerr != nil && err == nil {
		err, sum.stopped = aerr, true
	}
	return sum, err
}

// prepareRun settles, under the migration lock and before the run is
// recorded, what earlier runs left: statements a killed run left running,
// and the tables the config no longer plans.
func prepareRun(ctx context.Context, p *plan.Plan, tgt *target.Target, o Options) error {
	if err := endOrphans(ctx, tgt, o); err != nil || o.Partial {
		return err
	}
	return retireUnplanned(ctx, p, tgt)
}

// retireUnplanned retires the tables the config no longer plans here (a
// renamed or removed mapping), before the run starts, so that status shows
// only the tables of the current config.
func retireUnplanned(ctx context.Context, p *plan.Plan, tgt *target.Target) error {
	ids := make([]string, len(p.Tables))
	for i, t := range p.Tables {
		ids[i] = t.ID
	}
	_, err := tgt.RetireTables(ctx, ids)
	return err
}

// endOrphans ends what a killed run left running on the target before this
// run touches the same tables, and says so.
func endOrphans(ctx context.Context, tgt *target.Target, o Options) error {
	found, err := tgt.EndOrphans(ctx, o.OrphanWait)
	for _, f := range found {
		what := "finished while waited for"
		if f.Ended {
			what = "ended"
		}
		o.Observer.Phase(fmt.Sprintf("a killed sluice left a statement running on the target: %s; %s", f, what))
	}
	return err
}

func (o Options) withDefaults() Options {
	if o.OrphanWait <= 0 {
		o.OrphanWait = 30 * time.Second
	}
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.Observer == nil {
		o.Observer = Quiet{}
	}
	if o.Retry.Attempts == 0 {
		o.Retry = DefaultRetry
	}
	return o
}

// interrupted turns the errors of a cancelled run into ErrInterrupted, so the
// CLI reports "interrupted, rerun to resume" rather than a context error.
func interrupted(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("%w: %v", sluice.ErrInterrupted, context.Cause(ctx))
	}
	return err
}

// outcome is the status and message recorded in sluice.runs.
func outcome(err error) (status, msg string) {
	var rej *sluice.RejectedError
	var val *sluice.ValidationError
	var inc *sluice.IncompleteError
	switch {
	case err == nil:
		return "ok", ""
	case errors.Is(err, sluice.ErrInterrupted):
		return "interrupted", err.Error()
	case errors.As(err, &rej):
		return "rejected", err.Error()
	case errors.As(err, &val), errors.As(err, &inc):
		return "invalid", err.Error()
	default:
		return "failed", err.Error()
	}
}

// Counts is what one run did to one table, or to several added up, in the
// words docs/METRICS.md defines: read from the source, loaded (written:
// inserted or updated), unchanged (read, compared, not written), rejected,
// filtered, deleted.
type Counts struct {
	SourceRows, Filtered               int64
	Read, Written, Rejected, Unchanged int64
	Inserted, Updated, Deleted         int64
	Chunks                             int
}

// CountsOf is what this run did to the table: its own chunks, nothing for
// a table an earlier run finished or that did not start. The source rows
// and filtered rows are the table's counts when this run reconciled it.
func CountsOf(t TableResult) Counts {
	if t.Skipped || t.NotStarted != "" {
		return Counts{}
	}
	c := Counts{SourceRows: t.SourceRows, Filtered: t.Filtered}
	r := t.ThisRun
	c.Read, c.Written, c.Rejected, c.Unchanged = r.Read, r.Written(), r.Rejected, r.Unchanged
	c.Inserted, c.Updated, c.Deleted, c.Chunks = r.Inserted, r.Updated, t.Deleted, r.Chunks
	return c
}

// Add adds b to c.
func (c Counts) Add(b Counts) Counts {
	c.SourceRows += b.SourceRows
	c.Filtered += b.Filtered
	c.Read += b.Read
	c.Written += b.Written
	c.Rejected += b.Rejected
	c.Unchanged += b.Unchanged
	c.Inserted += b.Inserted
	c.Updated += b.Updated
	c.Deleted += b.Deleted
	c.Chunks += b.Chunks
	return c
}
