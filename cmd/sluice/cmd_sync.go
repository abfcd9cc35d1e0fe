package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/audit"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/engines"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/stream"
	"github.com/sluicedb/sluice/target"
)

// syncFlags are the knobs of sluice sync.
type syncFlags struct {
	catchUp  bool
	dropSlot bool
	every    time.Duration
	workers  int
	progress string
	verify   string
	batch    int
	seal     sealFlags
	metrics  string
	profile  string
}

func newSync(g *globals) *cobra.Command {
	f := &syncFlags{}
	cmd := &cobra.Command{
		Use:   "sync",
		Short: "Copy what is not copied yet, then apply the sources' changes as they happen",
		Long: `Sync keeps the target current while the sources stay in production. For each
PostgreSQL and MariaDB/MySQL source it first copies the tables that have no
stream position yet (the migrate path, chunks and all) in a snapshot consistent
with the start of the source's change stream, so that every change is either in
the copy or in the stream, never both or neither; a table an earlier migrate
loaded is copied again, since the changes made since cannot be proven.

Then it applies the changes through the same mapping as the copy, in source
commit order, several source transactions in one target transaction. Each
target transaction commits the rows, the rejects, the stream's position and an
audit entry together, and only then is the source told it may let go of its
log, so kill -9 at any moment and a restart resume at the last committed
position: no change lost, none applied twice. A lost connection to either side
is retried, resuming at the committed position. SIGINT or SIGTERM stop cleanly
(exit code 130).

A table whose changes cannot be applied one by one (filtered with where:, a
PostgreSQL table without a primary key when capture.replica_identity_full is
not set) is kept current by reruns of its load instead, read through the
source as migrate reads it (merge and delete_missing for a table whose
strategy keeps a row hash, a full reload otherwise), so the result is exact:
every --every (default 5m), once at the end of --catch-up and once in
cutover's drain; its stream changes are counted, not applied, and the foreign
keys between it and other tables are not enforced while sync runs (added back
NOT VALID when it ends). plan lists these tables under "Live sync", status
shows each table's mode and last rerun. A table the stream cannot follow
exactly at all (merged on match_on, merged without a source column, a schema
change on the source the mapping cannot absorb) is stopped with the reason,
which status shows; rerun migrate for it. SQLite and CSV sources have no log:
they are migrated again every --every (tables with strategy merge or append
pick up the changes).

--catch-up exits 0 once every change committed on the sources before the
command started is applied, and the tables kept current by reruns were rerun
after that: for cron and for tests.`,
		Example: `  sluice sync                 # until stopped
  sluice sync --catch-up      # until the target has what the sources had at the start
  sluice sync --drop-slot     # remove the replication slot and publication`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSync(cmd.Context(), g, f)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.catchUp, "catch-up", false, "exit 0 once every change committed before the start is applied")
	fl.BoolVar(&f.dropSlot, "drop-slot", false, "remove what capture created on the sources (PostgreSQL: slot and publication) and the streams' positions, then exit")
	fl.DurationVar(&f.every, "every", defaultEvery, "rerun the tables the stream cannot follow row by row, and migrate the sources without a change log (SQLite, CSV) again, at this interval (0: never while sync runs)")
	fl.IntVarP(&f.workers, "workers", "w", 0, "tables copied in parallel (default: the config's workers)")
	fl.StringVar(&f.progress, "progress", "auto", "progress display of the copy: auto, bars, log or none")
	fl.StringVar(&f.verify, "verify", "quick", "verification of the copy: all, quick, none or levels such as 1,2,6")
	fl.IntVar(&f.batch, "batch", 5000, "row changes per target transaction (source transactions are never split)")
	fl.StringVar(&f.metrics, "metrics-addr", "", "serve Prometheus metrics at http://ADDR/metrics (a port alone binds to 127.0.0.1)")
	f.seal.register(cmd)
	fl.StringVar(&f.profile, "cpuprofile", "", "write a CPU profile to this file (for performance work)")
	_ = fl.MarkHidden("cpuprofile")
	return cmd
}

// capture is one source followed through its log.
type capture struct {
	name   string
	cs     sluice.ChangeSource
	spec   sluice.CaptureSpec
	mapper *stream.Mapper
	sinks  []stream.Sink
}

func runSync(ctx context.Context, g *globals, f *syncFlags) error {
	levels, err := verifyLevels(f.verify)
	if err != nil {
		return err
	}
	if f.profile != "" {
		stop, err := startProfile(f.profile)
		if err != nil {
			return err
		}
		defer stop()
	}
	cfg, err := loadConfig(ctx, g.config)
	if err != nil {
		return err
	}
	p, err := engines.Prepare(ctx, cfg)
	if err != nil {
		return err
	}
	defer p.Sources.Close()
	tgts, closeTargets, err := openTargets(ctx, p.Config)
	defer closeTargets()
	if err != nil {
		return err
	}
	for name, t := range tgts {
		if err := t.EnsureState(ctx); err != nil {
			return fmt.Errorf("target database %s: %w", name, err)
		}
	}
	if side, err := authoritative(ctx, tgts); err != nil || side == target.SideTarget {
		if err != nil {
			return err
		}
		if f.dropSlot {
			return usageError{errors.New("--drop-slot after cutover: the target is authoritative; sluice rollback removes capture")}
		}
		return runReverseSync(ctx, g, f, p, tgts[p.Config.Targets[0].Name])
	}
	caps, polled, err := captures(ctx, p, tgts)
	if err != nil {
		return err
	}
	if f.dropSlot {
		return dropCaptures(ctx, g, caps)
	}
	stopMetrics, err := serveMetrics(g.stderr, f.metrics, p.Config, tgts)
	if err != nil {
		return err
	}
	defer stopMetrics()
	s := &syncer{g: g, f: f, p: p, tgts: tgts, caps: caps, polled: polled, levels: levels}
	return s.run(ctx)
}

// followed are the engines whose change stream sync applies. SQL Server
// capture exists but its snapshot may overlap its stream (rows in both),
// which an exactly-once apply of inserts does not accept yet: its sources
// are migrated again with --every, like those without a log.
var followed = map[string]bool{"postgres": true, "mysql": true}

// captures finds the sources that can follow their log, each with its
// mapping and the target databases its tables go to; the others are polled.
func captures(ctx context.Context, p *engines.Prepared, tgts migrate.Targets) ([]*capture, []string, error) {
	var caps []*capture
	var polled []string
	for _, src := range p.Config.Sources {
		cs, ok := p.Sources[src.Name].(sluice.ChangeSource)
		if !ok || !followed[cs.Engine()] {
			polled = append(polled, src.Name)
			continue
		}
		c, err := newCapture(ctx, p, tgts, src, cs)
		if err != nil {
			return nil, nil, err
		}
		if c != nil {
			caps = append(caps, c)
		}
	}
	return caps, polled, nil
}

func newCapture(ctx context.Context, p *engines.Prepared, tgts migrate.Targets, src config.Source, cs sluice.ChangeSource) (*capture, error) {
	schema, err := cs.Introspect(ctx)
	if err != nil {
		return nil, fmt.Errorf("introspect source %s: %w", src.Name, err)
	}
	m, err := stream.NewMapper(p.Plan, src.Name, schema)
	if err != nil {
		return nil, err
	}
	tables := m.Capturable()
	if len(tables) == 0 {
		return nil, nil
	}
	c := &capture{name: src.Name, cs: cs, mapper: m, spec: sluice.CaptureSpec{
		Name:   "sluice " + p.Plan.Schema + " " + sluice.RedactURL(p.Config.Target.URL) + " " + src.Name,
		Tables: tables, Columns: columnsOf(schema, tables),
		ReplicaIdentityFull: src.Capture.ReplicaIdentityFull, ServerID: src.Capture.ServerID, Slot: src.Capture.Slot,
	}}
	for _, db := range databasesOf(p.Plan, src.Name) {
		c.sinks = append(c.sinks, stream.Sink{Database: db, Target: tgts[db]})
	}
	return c, nil
}

// columnsOf gives the stream the columns the mapper was compiled from, so
// that a table changed since that introspection reaches the mapper as a
// schema change rather than as rows of another shape.
func columnsOf(schema *sluice.Schema, tables []string) map[string][]sluice.Column {
	out := map[string][]sluice.Column{}
	for _, name := range tables {
		if t := schema.Table(name); t != nil {
			out[name] = t.Columns
		}
	}
	return out
}

// databasesOf lists the target databases source's tables go to.
func databasesOf(p *plan.Plan, source string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range p.Tables {
		if t.Source == source && !seen[t.Database] {
			seen[t.Database] = true
			out = append(out, t.Database)
		}
	}
	return out
}

func dropCaptures(ctx context.Context, g *globals, caps []*capture) error {
	var errs []error
	for _, c := range caps {
		if err := c.cs.DropCapture(ctx, c.spec); err != nil {
			errs = append(errs, fmt.Errorf("source %s: %w", c.name, err))
			continue
		}
		for _, s := range c.sinks {
			if err := s.Target.DropStream(ctx, c.name); err != nil {
				errs = append(errs, err)
			}
		}
		fmt.Fprintf(g.stdout, "%s: capture removed; the next sync copies its tables again\n", c.name)
	}
	return errors.Join(errs...)
}

// syncer is one sync command's work.
type syncer struct {
	g      *globals
	f      *syncFlags
	p      *engines.Prepared
	tgts   migrate.Targets
	caps   []*capture
	polled []string
	levels []int
}

func (s *syncer) run(ctx context.Context) error {
	starts, err := s.copyMissing(ctx)
	if err != nil {
		return err
	}
	// The goal is read after the copy (a PostgreSQL slot exists only
	// then): it is later than the start, so everything committed before
	// the start is applied when it is.
	var goals map[string]sluice.Position
	if s.f.catchUp {
		if goals, err = s.goals(ctx); err != nil {
			return err
		}
	}
	return s.follow(ctx, goals, starts)
}

// goals reads each source's end of log: --catch-up ends once it is
// applied.
func (s *syncer) goals(ctx context.Context) (map[string]sluice.Position, error) {
	out := map[string]sluice.Position{}
	for _, c := range s.caps {
		st, err := c.cs.CaptureStatus(ctx, c.spec, nil)
		if err != nil {
			return nil, err
		}
		out[c.name] = st.Head
	}
	return out, nil
}

func (s *syncer) options() migrate.Options {
	workers := s.p.Config.Defaults.Workers
	if s.f.workers > 0 {
		workers = s.f.workers
	}
	return migrate.Options{Workers: workers, Command: "sync", Version: sluiceVersion(), ConfigHash: s.p.Config.Hash, Verify: s.levels}
}

func (s *syncer) follow(ctx context.Context, goals map[string]sluice.Position, starts map[string]copyStart) error {
	key, anchor, err := s.f.seal.resolve(s.p.Config)
	if err != nil {
		return err
	}
	runs, err := beginSyncRuns(ctx, s.tgts, s.p.Config.Hash, key, anchor)
	if err != nil {
		return err
	}
	if err := s.begin(ctx, runs, starts); err != nil {
		_ = runs.end(context.WithoutCancel(ctx), err)
		return err
	}
	grp, gctx := errgroup.WithContext(ctx)
	for _, c := range s.caps {
		grp.Go(func() error { return s.followOne(gctx, c, goals[c.name], runs) })
	}
	if s.f.every > 0 && !s.f.catchUp {
		grp.Go(func() error { return s.repeat(gctx, runs) })
	}
	err = grp.Wait()
	if err == nil && s.f.catchUp {
		// The streams are at their goals: the tables kept current by
		// reruns catch up too, so that the target holds what the sources did.
		err = s.rerun(ctx, runs, "catch-up")
	}
	if ctx.Err() != nil {
		err = sluice.ErrInterrupted
	}
	err = errors.Join(err, s.tighten(context.WithoutCancel(ctx), runs))
	if endErr := runs.end(context.WithoutCancel(ctx), err); err == nil {
		err = endErr
	}
	return err
}

// begin records where freshly copied streams start and which tables are
// kept current by reruns, and loosens the foreign keys those touch.
func (s *syncer) begin(ctx context.Context, runs *syncRuns, starts map[string]copyStart) error {
	if err := startStreams(ctx, s.caps, runs, starts); err != nil {
		return err
	}
	if err := s.recordReruns(ctx); err != nil {
		return err
	}
	return s.loosen(ctx, runs)
}

func (s *syncer) followOne(ctx context.Context, c *capture, goal sluice.Position, runs *syncRuns) error {
	sinks := make([]stream.Sink, len(c.sinks))
	for i, sk := range c.sinks {
		sk.RunID = runs.ids[sk.Database]
		sinks[i] = sk
	}
	if err := s.fitTables(ctx, c, runs); err != nil {
		return err
	}
	rep := newReporter(s.g.stderr, c.name)
	f, err := stream.NewFollower(ctx, c.cs, c.spec, c.name, c.mapper, sinks, stream.Options{
		Until: goal, MaxChanges: s.f.batch, OnBatch: rep.batch, OnRetry: rep.retry, Replan: s.replan,
	})
	if err != nil {
		return err
	}
	setStreamState(ctx, sinks, c.name, target.StreamStreaming, "")
	watchCtx, stopWatch := context.WithCancel(ctx)
	watched := make(chan struct{})
	go func() { defer close(watched); watchCapture(watchCtx, c, sinks) }()
	err = f.Follow(ctx)
	stopWatch()
	<-watched
	rep.flush()
	state, msg := streamOutcome(ctx, err, goal)
	setStreamState(context.WithoutCancel(ctx), sinks, c.name, state, msg)
	if err != nil && ctx.Err() == nil {
		return fmt.Errorf("sync %s: %w", c.name, err)
	}
	return err
}

func streamOutcome(ctx context.Context, err error, goal sluice.Position) (string, string) {
	switch {
	case ctx.Err() != nil:
		return target.StreamStopped, "interrupted"
	case err != nil:
		return target.StreamFailed, err.Error()
	case goal != nil:
		return target.StreamCaughtUp, "caught up with " + goal.String()
	}
	return target.StreamStopped, ""
}

func setStreamState(ctx context.Context, sinks []stream.Sink, source, state, msg string) {
	for _, s := range sinks {
		_ = s.Target.SetStreamState(ctx, s.RunID, source, state, msg)
	}
}

// replan makes the plan again from the sources as they are now: the
// stream asks when a column is added to a source table, to add it to the
// target as plan maps it.
func (s *syncer) replan(ctx context.Context) (*plan.Plan, error) {
	schemas, err := s.p.Sources.Introspect(ctx, s.p.Config)
	if err != nil {
		return nil, err
	}
	return plan.Build(s.p.Config, schemas)
}

// captureCheckEvery is how often sync records what the source says of its
// log (how far behind the applied position is, what the slot retains).
const captureCheckEvery = 10 * time.Second

// watchCapture records the source's capture status in every sink now and
// then, until ctx ends.
func watchCapture(ctx context.Context, c *capture, sinks []stream.Sink) {
	for {
		recordCaptureStatus(ctx, c, sinks)
		select {
		case <-time.After(captureCheckEvery):
		case <-ctx.Done():
			return
		}
	}
}

// recordCaptureStatus is best effort: a source that does not answer now is
// the stream's to report.
func recordCaptureStatus(ctx context.Context, c *capture, sinks []stream.Sink) {
	for _, sk := range sinks {
		st, err := sk.Target.Stream(ctx, c.name)
		if err != nil || st == nil {
			continue
		}
		applied, err := c.cs.ParsePosition(st.Position)
		if err != nil {
			continue
		}
		cs, err := c.cs.CaptureStatus(ctx, c.spec, applied)
		if err != nil {
			continue
		}
		head := ""
		if cs.Head != nil {
			head = cs.Head.String()
		}
		_ = sk.Target.RecordCaptureStatus(ctx, c.name, head, cs.BehindBytes, cs.RetainedBytes)
	}
}

// fitTables has the mapping write only the columns each target table has
// (see stream.Mapper.Fit), saying so and recording it in the audit trail.
func (s *syncer) fitTables(ctx context.Context, c *capture, runs *syncRuns) error {
	for _, t := range s.p.Plan.Tables {
		if t.Source != c.name {
			continue
		}
		cols, err := s.tgts[t.Database].Columns(ctx, t.Schema, t.Name)
		if err != nil || cols == nil {
			return err
		}
		names := make([]string, len(cols))
		for i, col := range cols {
			names[i] = col.Name
		}
		changed, err := s.mappingChanged(ctx, t, names)
		if err == nil && changed == "" {
			changed, err = s.matchedUnrecorded(ctx, t)
		}
		if err != nil {
			return err
		}
		if changed != "" {
			c.mapper.Refuse(t.ID, changed)
			continue
		}
		note, err := c.mapper.Fit(s.p.Plan, t.ID, names)
		if err != nil || note == "" {
			return err
		}
		fmt.Fprintf(s.g.stderr, "sync: %s: %s\n", t.ID, note)
		err = runs.sessions[t.Database].Audit(ctx, audit.OpStreamSchema, map[string]any{"source": c.name, "table": t.ID, "change": note})
		if err != nil {
			return err
		}
	}
	return nil
}

// mappingChanged says why table t cannot be streamed with today's mapping:
// the source changed since the table was copied in a way the stream cannot
// follow (a column gone or retyped). A column added is not a reason: Fit
// leaves it out. "" when the stream can go on.
func (s *syncer) mappingChanged(ctx context.Context, t *plan.Table, have []string) (string, error) {
	st, err := s.tgts[t.Database].TableState(ctx, t.ID)
	if err != nil || st == nil || st.PlanHash == "" || st.PlanHash == t.Hash(s.p.Plan.Namespace) {
		return "", err
	}
	planned := map[string]bool{}
	for _, c := range t.Columns {
		planned[c.Name] = true
	}
	var gone []string
	for _, name := range have {
		if !planned[name] {
			gone = append(gone, name)
		}
	}
	if len(gone) > 0 {
		return "the source table changed since its copy: today's mapping no longer makes the target column(s) " + strings.Join(gone, ", ") + "; rerun migrate to reload it, then sync", nil
	}
	if len(have) >= len(t.Columns) {
		return "the source table changed since its copy (its mapping is not the one it was loaded with); rerun migrate to reload it, then sync", nil
	}
	return "", nil // only columns added: Fit leaves them out
}

// authoritative is the side the application writes: the target after a
// cutover (recorded in the one target database cutover supports).
func authoritative(ctx context.Context, tgts migrate.Targets) (string, error) {
	if len(tgts) != 1 {
		return target.SideSources, nil
	}
	for _, t := range tgts {
		return t.Authoritative(ctx)
	}
	return target.SideSources, nil
}
