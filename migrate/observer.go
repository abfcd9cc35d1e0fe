package migrate

import "time"

// Observer is told what the run is doing, for progress displays and logs.
// Calls come from several goroutines; implementations synchronise.
type Observer interface {
	// TableStarted: a table begins (or resumes) loading. done is what earlier
	// runs already committed; estimate is the source's row estimate.
	TableStarted(id, target string, estimate, done int64)
	// ChunkLoaded: a chunk committed.
	ChunkLoaded(id string, read, loaded, rejected int)
	// Retrying: a read or write (a chunk, a count, an index, a verification)
	// failed with a transient error and is tried again after wait. id is
	// the table's, or "target" for a call on the target of no one table.
	Retrying(id string, attempt int, wait time.Duration, err error)
	// TableFinished: the table is loaded and its counts reconciled (or not: err).
	TableFinished(id string, r TableResult, err error)
	// Phase: a step of the run that is not a table load.
	Phase(msg string)
}

// Quiet is an Observer that reports nothing.
type Quiet struct{}

func (Quiet) TableStarted(string, string, int64, int64)  {}
func (Quiet) ChunkLoaded(string, int, int, int)          {}
func (Quiet) Retrying(string, int, time.Duration, error) {}
func (Quiet) TableFinished(string, TableResult, error)   {}
func (Quiet) Phase(string)                               {}

// PlannedTable is a table a run is about to load, as Stepper.Planned
// receives it.
type PlannedTable struct {
	ID, Target string
	Estimate   int64 // the plan's estimate of the source rows
}

// Stepper is an optional capability of an Observer (found by type
// assertion): it is told every table the run will load before any starts,
// so that a total is known from the start, and the step each table and
// the run are in, so that a display never shows a bar sitting at 100% with
// no word of what is going on.
type Stepper interface {
	// Planned lists the tables the run loads (not those an earlier run
	// finished), before any starts.
	Planned(tables []PlannedTable)
	// TableStep: table id enters a step (StepReconciling, StepIndexing,
	// StepVerifying); done of total counts its parts when known (0, 0
	// otherwise).
	TableStep(id, step string, done, total int)
	// RunStep: the run is in a step that is no table's (StepForeignKeys,
	// StepOrphans), done of total.
	RunStep(step string, done, total int)
}

// The steps a Stepper is told of.
const (
	StepReconciling = "reconciling"
	StepIndexing    = "indexing"
	StepVerifying   = "verifying"
	StepForeignKeys = "validating foreign keys"
	StepOrphans     = "checking foreign keys for orphans"
)

// stepper is the run's Stepper, or one that ignores every call.
func (o Options) stepper() Stepper {
	if s, ok := o.Observer.(Stepper); ok {
		return s
	}
	return noSteps{}
}

type noSteps struct{}

func (noSteps) Planned([]PlannedTable)             {}
func (noSteps) TableStep(string, string, int, int) {}
func (noSteps) RunStep(string, int, int)           {}
