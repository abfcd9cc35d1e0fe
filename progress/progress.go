// Package progress shows a running migration: live bars per table and in
// total on a terminal, and plain log lines (one per table and one every few
// seconds) in a pipe or CI, where redrawing would only garble the log.
package progress

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/sluicedb/sluice/migrate"
)

// Display implements migrate.Observer.
type Display struct {
	mu       sync.Mutex
	w        io.Writer
	live     bool
	every    time.Duration
	start    time.Time
	tables   map[string]*table
	active   []string // tables being loaded, in start order
	drawn    int      // lines of the live area last drawn
	lastLine time.Time
	planned  bool    // Planned was called: the total covers every table from the start
	shown    float64 // the total's fraction last shown: it never goes back
	runStep  string  // the run's step that is no table's, "" when none
	runDone  int
	runTotal int
	stop     chan struct{}
	stopped  sync.WaitGroup
}

// table is one table's progress.
type table struct {
	id, target string
	estimate   int64
	before     int64 // rows an earlier run already took care of
	done       int64 // rows read in this run
	rejected   int64
	started    time.Time
	step       string // "" while copying, then reconciling, indexing, verifying
	finished   bool   // its rows are all read: its actual count replaces the estimate
}

// New writes to w: live bars when live is true (w is a terminal), log lines
// every `every` otherwise.
func New(w io.Writer, live bool, every time.Duration) *Display {
	return &Display{w: w, live: live, every: every, start: time.Now(), tables: map[string]*table{}, stop: make(chan struct{})}
}

// Start begins redrawing (live) or periodic log lines.
func (d *Display) Start() {
	d.stopped.Add(1)
	go func() {
		defer d.stopped.Done()
		tick := time.NewTicker(d.interval())
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				d.tick()
			case <-d.stop:
				return
			}
		}
	}()
}

// Stop ends the display and clears the live area.
func (d *Display) Stop() {
	close(d.stop)
	d.stopped.Wait()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.clear()
}

func (d *Display) interval() time.Duration {
	if d.live {
		return 200 * time.Millisecond
	}
	return d.every
}

func (d *Display) tick() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.live {
		d.redraw()
		return
	}
	if len(d.active) > 0 || d.runStep != "" {
		d.logf("%s", d.totalLine())
	}
}

// TableStarted implements migrate.Observer.
func (d *Display) TableStarted(id, target string, estimate, done int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	t := d.tables[id]
	if t == nil {
		t = &table{id: id, target: target, estimate: estimate}
		d.tables[id] = t
	}
	t.before, t.started = done, time.Now()
	d.activate(id)
	if !d.live {
		msg := fmt.Sprintf("load %s -> %s (about %s rows)", id, target, count(estimate))
		if done > 0 {
			msg += fmt.Sprintf(", resuming after %s rows", count(done))
		}
		d.logf("%s", msg)
	}
}

// ChunkLoaded implements migrate.Observer.
func (d *Display) ChunkLoaded(id string, read, loaded, rejected int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if t := d.tables[id]; t != nil {
		t.done += int64(read)
		t.rejected += int64(rejected)
	}
}

// Retrying implements migrate.Observer.
func (d *Display) Retrying(id string, attempt int, wait time.Duration, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.printf("retry %s in %s (attempt %d): %v", id, wait.Round(time.Millisecond), attempt, err)
}

// TableFinished implements migrate.Observer.
func (d *Display) TableFinished(id string, r migrate.TableResult, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.remove(id)
	if t := d.tables[id]; t != nil {
		t.finished = true
	}
	switch {
	case err != nil:
		d.printf("FAILED %s: %v", id, err)
	case r.Skipped:
		d.printf("done   %s -> %s: finished by an earlier run (%s rows)", id, r.Target, count(r.Loaded))
	default:
		c := migrate.CountsOf(r)
		d.printf("done   %s -> %s: %s read, %s loaded, %s unchanged, %s rejected, %s filtered in %s",
			id, r.Target, count(c.Read), count(c.Written), count(c.Unchanged), count(c.Rejected), count(c.Filtered),
			r.Elapsed.Round(time.Millisecond))
	}
}

// Phase implements migrate.Observer.
func (d *Display) Phase(msg string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.printf("%s", msg)
}

// Planned implements migrate.Stepper: the total's denominator is every
// table's estimate from the start, not only the tables begun so far.
func (d *Display) Planned(tables []migrate.PlannedTable) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.planned = true
	for _, p := range tables {
		if d.tables[p.ID] == nil {
			d.tables[p.ID] = &table{id: p.ID, target: p.Target, estimate: p.Estimate}
		}
	}
}

// TableStep implements migrate.Stepper: the table's line names its step
// instead of a bar that would sit at 100%.
func (d *Display) TableStep(id, step string, done, total int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	t := d.tables[id]
	if t == nil {
		t = &table{id: id, started: time.Now()}
		d.tables[id] = t
	}
	t.step = step
	d.activate(id)
	if !d.live && step != migrate.StepReconciling {
		d.logf("%s %s", step, id)
	}
}

// RunStep implements migrate.Stepper.
func (d *Display) RunStep(step string, done, total int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.live && step != d.runStep {
		d.logf("%s", step)
	}
	d.runStep, d.runDone, d.runTotal = step, done, total
}

// activate adds id to the live area once.
func (d *Display) activate(id string) {
	for _, a := range d.active {
		if a == id {
			return
		}
	}
	d.active = append(d.active, id)
}

func (d *Display) remove(id string) {
	for i, a := range d.active {
		if a == id {
			d.active = append(d.active[:i], d.active[i+1:]...)
			return
		}
	}
}

// printf writes a permanent line: above the live area on a terminal.
func (d *Display) printf(format string, args ...any) {
	if !d.live {
		d.logf(format, args...)
		return
	}
	d.clear()
	fmt.Fprintf(d.w, format+"\n", args...)
	d.redraw()
}

func (d *Display) logf(format string, args ...any) {
	fmt.Fprintf(d.w, time.Now().Format("15:04:05")+" "+format+"\n", args...)
}
