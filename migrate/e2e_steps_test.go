package migrate_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
)

// stepper records what a migrate.Stepper is told, in order.
type stepper struct {
	migrate.Quiet
	mu     sync.Mutex
	events []string
}

func (s *stepper) add(e string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, e)
}

func (s *stepper) Planned(ts []migrate.PlannedTable) {
	for _, t := range ts {
		s.add(fmt.Sprintf("planned %s %d", t.ID, t.Estimate))
	}
}
func (s *stepper) TableStarted(id, _ string, _, _ int64)                   { s.add("started " + id) }
func (s *stepper) TableStep(id, step string, _, _ int)                     { s.add(step + " " + id) }
func (s *stepper) RunStep(step string, _, _ int)                           { s.add(step) }
func (s *stepper) TableFinished(id string, _ migrate.TableResult, _ error) { s.add("finished " + id) }

// A Stepper hears of every table before any starts, then of each table's
// steps in order, and of the run's foreign key validation.
func TestStepperIsToldThePlanAndTheSteps(t *testing.T) {
	t.Parallel()
	src := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, src, `CREATE TABLE parents (id int PRIMARY KEY);
		CREATE TABLE children (id int PRIMARY KEY, parent_id int, FOREIGN KEY (parent_id) REFERENCES parents (id));
		INSERT INTO parents VALUES (1), (2); INSERT INTO children VALUES (1, 1), (2, 2), (3, 1);`)
	e := newEnv(t, fmt.Sprintf("version: 1\nsources:\n  legacy: {url: %q}\ntarget: {url: %q}\n", src, sluicetest.NewPostgresDB(t)))
	s := &stepper{}
	e.mustRun(t, migrate.Options{Observer: s, Verify: []int{1, 3}})
	ev := s.events
	first := slices.IndexFunc(ev, func(e string) bool { return strings.HasPrefix(e, "started ") })
	for _, id := range []string{"legacy.parents", "legacy.children"} {
		planned := slices.IndexFunc(ev, func(e string) bool { return strings.HasPrefix(e, "planned "+id+" ") })
		if planned < 0 || planned > first {
			t.Errorf("%s was not planned before the first table started: %q", id, ev)
		}
		order := []string{"started " + id, "reconciling " + id, "indexing " + id, "verifying " + id, "finished " + id}
		at := -1
		for _, want := range order {
			i := slices.Index(ev, want)
			if i <= at {
				t.Errorf("%q is missing or out of order in %q", want, ev)
			}
			at = i
		}
	}
	if !slices.Contains(ev, migrate.StepForeignKeys) || !slices.Contains(ev, migrate.StepOrphans) {
		t.Errorf("the run's steps are missing: %q", ev)
	}
}

// timed records when each table started and finished.
type timed struct {
	migrate.Quiet
	mu       sync.Mutex
	started  map[string]time.Time
	finished map[string]time.Time
	results  map[string]migrate.TableResult
	onChunk  func(id string)
}

func (p *timed) TableStarted(id, _ string, _, _ int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.started[id] = time.Now()
}

func (p *timed) ChunkLoaded(id string, _, _, _ int) { p.onChunk(id) }

func (p *timed) TableFinished(id string, r migrate.TableResult, _ error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.finished[id], p.results[id] = time.Now(), r
}

// A table's time is its own: the second part of a merged table waits for
// the first (made slow here), and its time does not include that wait.
func TestTableTimeExcludesTheWait(t *testing.T) {
	t.Parallel()
	east := newSQLite(t, "east", `CREATE TABLE Notes (Id INTEGER PRIMARY KEY, Body TEXT); INSERT INTO Notes VALUES (1, 'e1');`)
	west := newSQLite(t, "west", `CREATE TABLE Note (Id INTEGER PRIMARY KEY, Body TEXT); INSERT INTO Note VALUES (1, 'w1');`)
	e := newEnv(t, fmt.Sprintf("version: 1\nsources:\n  east: {url: %q}\n  west: {url: %q}\ntarget: {url: %q}\ntables:\n  notes: {from: [east.Notes, west.Note]}\n",
		east, west, sluicetest.NewPostgresDB(t)))
	const wait = 3 * time.Second
	p := &timed{started: map[string]time.Time{}, finished: map[string]time.Time{}, results: map[string]migrate.TableResult{},
		onChunk: func(id string) {
			if id == "east.Notes" {
				time.Sleep(wait)
			}
		}}
	e.mustRun(t, migrate.Options{Observer: p})
	own := p.finished["west.Note"].Sub(p.started["west.Note"])
	if got := p.results["west.Note"].Elapsed; got > own+wait/2 {
		t.Errorf("west.Note took %s by its result, but %s from its start to its end: the wait for east.Notes is counted", got, own)
	}
}
