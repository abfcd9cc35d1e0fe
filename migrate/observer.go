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
	// Retrying: a chunk read failed with a transient error and is read again.
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
