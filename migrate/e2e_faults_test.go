package migrate_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/audit"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/sluicetest/fault"
)

// The fault suite runs the same migration (two MySQL tables with a foreign
// key, an index, verification levels 1 and 6) through a fault-injecting
// proxy in front of the source or the target, and injects one fault when
// the run reaches a phase: copy (after the third chunk committed), index
// (the child table's index builds), fk (validation of the foreign keys),
// verify (the child table's verification). docs/RELIABILITY.md lists the
// cases and what each promises.

const (
	faultParents  = 100
	faultChildren = 6000
)

// faultScript makes the source: children reference parents, and children
// have an index of their own.
func faultScript() string {
	digits := "(SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 " +
		"UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)"
	return fmt.Sprintf(`CREATE TABLE parents (id int PRIMARY KEY, name varchar(50) NOT NULL);
CREATE TABLE children (id int PRIMARY KEY, parent_id int NOT NULL, pad varchar(200) NOT NULL,
  KEY children_pad (pad), CONSTRAINT children_parent FOREIGN KEY (parent_id) REFERENCES parents (id));
INSERT INTO parents SELECT a.d + 10*b.d + 1, CONCAT('parent ', a.d + 10*b.d + 1) FROM %[1]s a CROSS JOIN %[1]s b;
INSERT INTO children
SELECT a.d + 10*b.d + 100*c.d + 1000*d.d + 1, (a.d + 10*b.d) + 1, REPEAT(CHAR(97 + a.d), 100 + b.d)
FROM %[1]s a CROSS JOIN %[1]s b CROSS JOIN %[1]s c CROSS JOIN %[1]s d WHERE d.d < %[2]d;`, digits, faultChildren/1000)
}

// The retry policies of the suite: ride rides out a cut of a few seconds
// (its waits add up to 6.5 s); short gives up after 0.7 s of waits, so that
// an outage "longer than the retry budget" stays short.
var (
	ridePolicy  = migrate.Retry{Attempts: 10, Wait: 100 * time.Millisecond, MaxWait: time.Second}
	shortPolicy = migrate.Retry{Attempts: 4, Wait: 100 * time.Millisecond, MaxWait: 400 * time.Millisecond}
)

const faultCut = 2 * time.Second // a cut the run rides out

// faultFixture is the shared source and the target an uninterrupted run
// leaves, which every faulted run must equal.
type faultFixture struct {
	source   string // MySQL URL
	baseline map[string]string
}

func TestFaults(t *testing.T) {
	t.Parallel()
	f := &faultFixture{source: sluicetest.NewMySQLDB(t)}
	sluicetest.ExecMySQL(t, f.source, faultScript())
	e, _, _ := f.env(t)
	e.mustRun(t, migrate.Options{Verify: []int{1, 6}})
	f.baseline = dumpTarget(t, e)

	type phase struct{ side, name string }
	phases := []phase{{"source", "copy"}, {"source", "verify"}, {"target", "copy"}, {"target", "index"}, {"target", "fk"}, {"target", "verify"}}
	for _, ph := range phases {
		for _, kind := range []string{"reset", "cut", "outage"} {
			t.Run(ph.side+"/"+ph.name+"/"+kind, func(t *testing.T) {
				t.Parallel()
				f.faultAt(t, ph.side, ph.name, kind)
			})
		}
	}
	for _, side := range []string{"source", "target"} {
		t.Run(side+"/run/slow", func(t *testing.T) {
			t.Parallel()
			e, src, tgt := f.env(t)
			p := map[string]*fault.Proxy{"source": src, "target": tgt}[side]
			p.SetLatency(time.Millisecond)
			p.SetBandwidth(4 << 20)
			if _, err := e.run(context.Background(), migrate.Options{Verify: []int{1, 6}, Retry: ridePolicy}); err != nil {
				t.Fatalf("a slow %s failed the run: %v", side, err)
			}
			f.checkSame(t, e)
		})
	}
}

// env is a migration of the fixture's source into a new target, both
// through proxies of their own; the test's own pool reaches the target
// directly.
func (f *faultFixture) env(t *testing.T) (*env, *fault.Proxy, *fault.Proxy) {
	t.Helper()
	direct := sluicetest.NewPostgresDB(t)
	src, srcURL := fault.For(t, f.source)
	tgt, tgtURL := fault.For(t, direct)
	e := newEnv(t, fmt.Sprintf("version: 1\nsources:\n  legacy: {url: %q}\ntarget: {url: %q}\ndefaults: {chunk_rows: 500}\n", srcURL, tgtURL))
	db, err := pgxpool.New(context.Background(), direct)
	if err != nil {
		t.Fatalf("open a pool on the target: %v", err)
	}
	t.Cleanup(db.Close)
	e.db = db
	return e, src, tgt
}

// faultAt runs the migration with one fault on side at phase, and checks
// the outcome: a reset or a cut is ridden out; an outage longer than the
// retry budget ends the run with an *sluice.UnreachableError (exit code 3)
// that names the proxy's address and the cause, and a rerun once the
// server is back finishes. Either way the target equals the baseline's.
func (f *faultFixture) faultAt(t *testing.T, side, phase, kind string) {
	e, src, tgt := f.env(t)
	p := map[string]*fault.Proxy{"source": src, "target": tgt}[side]
	inject := map[string]func(){
		"reset":  p.Reset,
		"cut":    func() { p.Cut(faultCut) },
		"outage": func() { p.Cut(time.Hour) },
	}[kind]
	obs := &faultProbe{phase: phase, inject: inject}
	policy := ridePolicy
	if kind == "outage" {
		policy = shortPolicy
	}
	_, err := e.run(context.Background(), migrate.Options{Observer: obs, Verify: []int{1, 6}, Retry: policy})
	if !obs.fired() {
		t.Fatalf("the run never reached phase %s", phase)
	}
	if kind != "reset" && p.Refused() == 0 {
		t.Fatalf("no connection was refused during the %s: the fault missed the run", kind)
	}
	t.Logf("%d retries, %d connections refused", obs.retries.Load(), p.Refused())
	if kind != "outage" {
		if err != nil {
			t.Fatalf("a %s of the %s during %s failed the run: %v", kind, side, phase, err)
		}
		f.checkSame(t, e)
		return
	}
	checkUnreachable(t, err, p.Addr())
	p.Heal()
	if _, err := e.run(context.Background(), migrate.Options{Verify: []int{1, 6}, Retry: ridePolicy}); err != nil {
		t.Fatalf("the rerun after the outage failed: %v", err)
	}
	f.checkSame(t, e)
}

// checkUnreachable wants the error a run ends with when a database stays
// out of reach: unreachable, naming the address and a cause.
func checkUnreachable(t *testing.T, err error, addr string) {
	t.Helper()
	var un *sluice.UnreachableError
	if !errors.As(err, &un) {
		t.Fatalf("the run ended with %v, want an *sluice.UnreachableError", err)
	}
	if !strings.Contains(err.Error(), addr) || un.Err == nil {
		t.Fatalf("the message %q does not name the address %s and a cause", err, addr)
	}
	t.Logf("ended as expected: %v", err)
}

// checkSame compares the target with the baseline, table by table, and
// checks the ledger and the audit trail: no chunk and no entry twice, the
// chain intact.
func (f *faultFixture) checkSame(t *testing.T, e *env) {
	t.Helper()
	got := dumpTarget(t, e)
	for name, want := range f.baseline {
		if got[name] != want {
			t.Errorf("table %s differs from the uninterrupted run's", name)
		}
	}
	checkLedger(t, e, "legacy.parents", faultParents)
	checkLedger(t, e, "legacy.children", faultChildren)
	if n := e.int64(t, `SELECT count(*) FROM (SELECT 1 FROM sluice.audit
		GROUP BY run_id, operation, details HAVING count(*) > 1) d`); n > 0 {
		t.Errorf("%d audit entries were appended twice", n)
	}
	rep, err := e.tgt.VerifyAudit(context.Background(), audit.Options{})
	if err != nil {
		t.Fatalf("verify the audit trail: %v", err)
	}
	if rep.Chain != nil {
		t.Errorf("the audit chain is broken: %s", rep)
	}
	if n := e.int64(t, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND NOT convalidated AND connamespace = $1::regnamespace", e.plan.Schema); n > 0 {
		t.Errorf("%d foreign keys left not validated", n)
	}
}

// dumpTarget renders every planned table, rows in key order, as JSON.
func dumpTarget(t *testing.T, e *env) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, pt := range e.plan.Tables {
		q := fmt.Sprintf(`SELECT coalesce(json_agg(r ORDER BY r::text)::text, '') FROM %q.%q r`, e.plan.Schema, pt.Name)
		out[pt.Name] = e.text(t, q)
		if out[pt.Name] == "" {
			t.Fatalf("table %s is empty", pt.Name)
		}
	}
	return out
}

// faultProbe injects its fault once, when the run reaches its phase.
type faultProbe struct {
	probe
	phase  string
	inject func()
	once   sync.Once
	hit    bool
	mu     sync.Mutex
}

func (p *faultProbe) fire() {
	p.once.Do(func() {
		p.mu.Lock()
		p.hit = true
		p.mu.Unlock()
		p.inject()
	})
}

func (p *faultProbe) fired() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hit
}

func (p *faultProbe) ChunkLoaded(id string, read, loaded, rejected int) {
	p.probe.ChunkLoaded(id, read, loaded, rejected)
	if p.phase == "copy" && id == "legacy.children" && p.chunks.Load() >= 3 {
		p.fire()
	}
}

func (p *faultProbe) Planned([]migrate.PlannedTable) {}

func (p *faultProbe) TableStep(id, step string, _, _ int) {
	if id != "legacy.children" {
		return
	}
	if p.phase == "index" && step == migrate.StepIndexing || p.phase == "verify" && step == migrate.StepVerifying {
		p.fire()
	}
}

func (p *faultProbe) RunStep(step string, _, _ int) {
	if p.phase == "fk" && step == migrate.StepForeignKeys {
		p.fire()
	}
}
