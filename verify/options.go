package verify

import (
	"fmt"
	"slices"
	"time"

	"github.com/sluicedb/sluice/retry"
)

// Options tune a verification. The zero value checks every level.
type Options struct {
	// Levels to run; nil or empty runs all six.
	Levels []int
	// OwnUUIDs accepts target rows whose UUID is not the one the key
	// function gives their legacy key. After a cutover the application
	// inserts rows with UUIDs of its own and the reverse stream writes the
	// key the source gave each into its legacy column; such a row is paired
	// with its source row by that legacy key, and its UUID, which the
	// sources do not hold, is not compared (no "wrong uuid", no value
	// finding on the UUID column); nor is a reference to it by that UUID
	// when the referenced row holds the referenced legacy key. Every other
	// value still is.
	OwnUUIDs bool
	// ChunkRows is the keyset chunk of levels 5 and 6; 0 takes each table's
	// planned chunk size.
	ChunkRows int
	// Workers is how many tables are verified at once (All); 0 means 4.
	Workers int
	// ChunkWorkers is how many chunks of one table are compared at once while
	// the next ones are read from the source; 0 means 2.
	ChunkWorkers int
	// MaxFindings bounds the findings kept per table and level (all are
	// counted); 0 means 100.
	MaxFindings int
	// OnChunk, when set, receives the digests of every chunk compared at
	// level 6, from several goroutines at once.
	OnChunk func(ChunkDigest)
	// Retry is how a table is verified again after a transient error; the
	// zero Policy is retry.Default.
	Retry retry.Policy
	// Keys, when it names a table, has levels 5 and 6 compare only the
	// rows of these source keys, read from a sluice.KeySetReader, for the
	// tables KeySetCheckable allows (others are compared whole): a cutover
	// proves the other rows before its freeze. Level 3 then checks a
	// foreign key whose child and parent it names only for the child rows
	// of the keys given and the children of the parent keys given whose
	// row is gone (orphans_keyset.go). Levels 1, 2 and 4 are whole.
	Keys map[string][]int64
	// OnFinding, when set, hears every finding, also those past
	// MaxFindings, from several goroutines at once.
	OnFinding func(Finding)
	// OnRetry, when set, hears each retry of a table's verification.
	OnRetry func(table string, attempt int, wait time.Duration, err error)
}

func (o Options) withDefaults() (Options, error) {
	if len(o.Levels) == 0 {
		o.Levels = Levels
	}
	for _, l := range o.Levels {
		if l < LevelCounts || l > LevelContent {
			return o, fmt.Errorf("verify level %d: levels are 1 to 6", l)
		}
	}
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.ChunkWorkers <= 0 {
		o.ChunkWorkers = 2
	}
	if o.MaxFindings <= 0 {
		o.MaxFindings = 100
	}
	return o, nil
}

func (o Options) wants(level int) bool { return slices.Contains(o.Levels, level) }
