package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/demo"
	"github.com/sluicedb/sluice/mysql"
	"github.com/sluicedb/sluice/target"
)

// demoLiveSource is the MariaDB database the live phase creates by default.
const demoLiveSource = "mysql://root@127.0.0.1:3306/sluice_demo_live"

// liveHeading opens the live phase's part of the output.
const liveHeading = `Live sync
---------
The clinical system is still in use while it is migrated. SQLite keeps no change
log, so its patients and visits also run here in MariaDB, whose binlog sluice sync
follows into PostgreSQL while the demo changes rows in it.`

// liveWait bounds the wait for sync to start streaming and for a change to
// arrive: on an idle machine each takes well under a second.
const liveWait = 60 * time.Second

// liveDemo is the live phase: the MariaDB system, its target and the sync
// that follows one into the other.
type liveDemo struct {
	g              *globals
	source, target string // URLs
	config         string // the live phase's sluice.yaml
	srv            *sql.DB
	conn           *sql.Conn // on the source database: the demo's changes
	tgt            *pgx.Conn
	sync           *liveSync
}

// runLive runs the live phase. A MariaDB that cannot be reached or has no
// row-based binlog skips it, saying what to run: the rest of the demo does
// not need it.
func runLive(ctx context.Context, g *globals, f *demoFlags, dir string) error {
	fmt.Fprintf(g.stdout, "\n%s\n\n", liveHeading)
	l := &liveDemo{g: g, source: f.liveSource, config: filepath.Join(dir, "sluice-live.yaml")}
	defer l.close()
	skip, err := l.prepare(ctx, demoTarget(f.target))
	if err != nil || skip != "" {
		if skip != "" {
			fmt.Fprintf(g.stdout, "Skipped: %s\nRun ./scripts/services.sh (it starts MariaDB with a row-based binlog), then the demo again.\n", skip)
		}
		return err
	}
	return l.run(ctx)
}

func (l *liveDemo) close() {
	if l.sync != nil {
		l.sync.stop()
	}
	if l.tgt != nil {
		l.tgt.Close(context.Background())
	}
	if l.conn != nil {
		l.conn.Close()
	}
	if l.srv != nil {
		l.srv.Close()
	}
}

// prepare creates the source and target databases afresh and writes the
// config; skip says why the phase cannot run here.
func (l *liveDemo) prepare(ctx context.Context, mainTarget string) (skip string, err error) {
	fmt.Fprintf(l.g.stderr, "live sync: creating the clinical system in %s\n", sluice.RedactURL(l.source))
	if skip, err = l.createSource(ctx); skip != "" || err != nil {
		return skip, err
	}
	if skip, err = l.checkCapture(ctx); skip != "" || err != nil {
		return skip, err
	}
	if l.target, err = liveTargetURL(mainTarget); err != nil {
		return "", err
	}
	if err := recreateDemoDatabase(ctx, l.target); err != nil {
		return "", err
	}
	if err := os.WriteFile(l.config, []byte(demo.LiveConfig(l.source, l.target)), 0o644); err != nil {
		return "", fmt.Errorf("write the live phase's config: %w", err)
	}
	return "", nil
}

// createSource makes the MariaDB database anew, with the live tables and rows.
func (l *liveDemo) createSource(ctx context.Context) (string, error) {
	srv, name, err := mysql.OpenServer(l.source)
	if err != nil {
		return "", usageError{fmt.Errorf("--live-source: %w", err)}
	}
	l.srv = srv
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := srv.PingContext(pingCtx); err != nil {
		return fmt.Sprintf("MariaDB at %s cannot be reached (%v).", sluice.RedactURL(l.source), err), nil
	}
	if err := recreateMariaDB(ctx, srv, name); err != nil {
		return "", err
	}
	if l.conn, err = srv.Conn(ctx); err != nil {
		return "", fmt.Errorf("connect to %s: %w", sluice.RedactURL(l.source), err)
	}
	if _, err := l.conn.ExecContext(ctx, "USE "+quoteMariaDB(name)); err != nil {
		return "", fmt.Errorf("use database %s: %w", name, err)
	}
	for _, s := range append(demo.LiveSchema, demo.LiveSeed()...) {
		if _, err := l.conn.ExecContext(ctx, s.SQL, s.Args...); err != nil {
			return "", fmt.Errorf("create the live system in %s: %w", name, err)
		}
	}
	return "", nil
}

// recreateMariaDB drops database name if the demo created it, and creates
// it with the demo's mark. A database without the mark is not the demo's.
func recreateMariaDB(ctx context.Context, srv *sql.DB, name string) error {
	var mark string
	err := srv.QueryRowContext(ctx, "SELECT SCHEMA_COMMENT FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", name).Scan(&mark)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return fmt.Errorf("look up database %s: %w", name, err)
	case mark != demo.LiveMark:
		return usageError{fmt.Errorf("--live-source: database %s exists and the demo did not create it; name another one", name)}
	default:
		if _, err := srv.ExecContext(ctx, "DROP DATABASE "+quoteMariaDB(name)); err != nil {
			return fmt.Errorf("drop the demo's database %s: %w", name, err)
		}
	}
	_, err = srv.ExecContext(ctx, "CREATE DATABASE "+quoteMariaDB(name)+" CHARACTER SET utf8mb4 COMMENT '"+demo.LiveMark+"'")
	if err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

func quoteMariaDB(name string) string { return "`" + strings.ReplaceAll(name, "`", "``") + "`" }

// checkCapture asks the source what capture lacks (the binlog off, another
// format): anything that is not a warning skips the phase.
func (l *liveDemo) checkCapture(ctx context.Context) (string, error) {
	src, err := mysql.Open(ctx, demo.LiveSource, l.source)
	if err != nil {
		return "", err
	}
	defer src.Close()
	problems, err := src.CheckCapture(ctx, sluice.CaptureSpec{Name: "sluice demo live", Tables: []string{"Patients", "Visits"}})
	if err != nil {
		return "", err
	}
	var lacks []string
	for _, p := range problems {
		if !p.Warning {
			lacks = append(lacks, fmt.Sprintf("%s is %s", p.Check, p.Found))
		}
	}
	if len(lacks) > 0 {
		return fmt.Sprintf("MariaDB at %s cannot be followed: %s.", sluice.RedactURL(l.source), strings.Join(lacks, "; ")), nil
	}
	return "", nil
}

// liveTargetURL is the main target's URL with the database name + "_live".
func liveTargetURL(mainTarget string) (string, error) {
	u, err := url.Parse(mainTarget)
	if err != nil {
		return "", usageError{fmt.Errorf("target %s: %w", sluice.RedactURL(mainTarget), err)}
	}
	u.Path += "_live"
	return u.String(), nil
}

// run starts sync, makes the changes, shows them arrive and the stream's
// status, and stops sync.
func (l *liveDemo) run(ctx context.Context) error {
	l.sync = startLiveSync(ctx, l.config)
	if err := l.awaitStreaming(ctx); err != nil {
		return err
	}
	var err error
	if l.tgt, err = pgx.Connect(ctx, l.target); err != nil {
		return &sluice.ConnectError{Where: "target " + sluice.RedactURL(l.target), Err: err}
	}
	for _, c := range demo.LiveChanges() {
		if err := l.change(ctx, c); err != nil {
			return err
		}
	}
	if err := l.printStatus(ctx); err != nil {
		return err
	}
	if err := l.printCutoverCheck(ctx); err != nil {
		return err
	}
	if err := l.sync.stop(); err != nil {
		return err
	}
	l.printNext()
	return nil
}

// awaitStreaming waits until sync has copied the tables and follows the
// binlog, then says where it started.
func (l *liveDemo) awaitStreaming(ctx context.Context) error {
	tgt, err := target.Open(ctx, l.target)
	if err != nil {
		return err
	}
	defer tgt.Close()
	var st *target.Stream
	err = l.poll(ctx, "sync to copy the tables and start streaming", func() (bool, error) {
		st, err = tgt.Stream(ctx, demo.LiveSource)
		return err == nil && st != nil && st.State == target.StreamStreaming, nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(l.g.stdout, `sync copied %d patients and %d visits (a snapshot per table, each at its own
binlog position) and follows the binlog from %s.
Each change below is one transaction committed in MariaDB, shown as the target
has it through the mapping, with the time from its commit until the target had it:

`, demo.LivePatients, demo.LiveVisits, st.StartPosition)
	return nil
}

// poll calls ready every few milliseconds until it says so, sync ends, or
// liveWait passes.
func (l *liveDemo) poll(ctx context.Context, what string, ready func() (bool, error)) error {
	deadline := time.Now().Add(liveWait)
	for {
		ok, err := ready()
		if ok || err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("live sync: waited %s for %s", liveWait, what)
		}
		select {
		case <-ctx.Done():
			return sluice.ErrInterrupted
		case <-l.sync.done:
			return l.sync.failed()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// change commits c in MariaDB and waits until the target shows it.
func (l *liveDemo) change(ctx context.Context, c demo.LiveChange) error {
	if _, state, err := l.targetState(ctx, c.Check); err != nil || state == c.Want {
		if err == nil {
			err = fmt.Errorf("live sync: the target shows %q before %s", state, c.What)
		}
		return err
	}
	if err := l.commit(ctx, c.Stmts); err != nil {
		return fmt.Errorf("live sync: %s: %w", c.What, err)
	}
	start := time.Now()
	var name, state string
	err := l.poll(ctx, c.What+" to arrive", func() (bool, error) {
		var err error
		name, state, err = l.targetState(ctx, c.Check)
		return state == c.Want, err
	})
	if err != nil {
		return fmt.Errorf("%w (the target shows %q, want %q)", err, state, c.Want)
	}
	fmt.Fprintf(l.g.stdout, "  %-48s arrived in %.2f s\n      -> %s: %s\n", c.What, time.Since(start).Seconds(), name, state)
	return nil
}

func (l *liveDemo) commit(ctx context.Context, stmts []demo.Statement) error {
	tx, err := l.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s.SQL, s.Args...); err != nil {
			_ = tx.Rollback()
			return err
		}
	}
	return tx.Commit()
}

// targetState runs a change's check: no row is the state "".
func (l *liveDemo) targetState(ctx context.Context, check string) (name, state string, err error) {
	err = l.tgt.QueryRow(ctx, check).Scan(&name, &state)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("live sync: read the target: %w", err)
	}
	return name, state, nil
}

// printStatus shows the stream as sluice status does.
func (l *liveDemo) printStatus(ctx context.Context) error {
	tgt, err := target.Open(ctx, l.target)
	if err != nil {
		return err
	}
	defer tgt.Close()
	streams, err := readStreams(ctx, tgt)
	if err != nil {
		return err
	}
	fmt.Fprintf(l.g.stdout, "\nWhat %s status --config %s shows of the stream:\n", selfCommand(), l.config)
	printStreams(l.g.stdout, streams)
	fmt.Fprintln(l.g.stdout, "(lag: from the last change's commit, which MariaDB's binlog keeps in whole seconds;\nbehind: as sync last asked MariaDB, every 10 s)")
	return nil
}

// demoMaxLag is the live phase's cutover --check --max-lag: generous, so
// that a busy machine does not make the demo's checklist fail.
const demoMaxLag = 5 * time.Second

// printCutoverCheck shows what cutover --check says while sync runs: the
// checks a cutover makes before the application may write to PostgreSQL.
// The demo stops short of a cutover; a check that fails is shown, not an
// error of the demo.
func (l *liveDemo) printCutoverCheck(ctx context.Context) error {
	fmt.Fprintf(l.g.stdout, "\nWhat %s cutover --check --max-lag %s --config %s says\n(the checks before switching the application to PostgreSQL; the demo stops short of that):\n",
		selfCommand(), demoMaxLag, l.config)
	g := &globals{config: l.config, stdout: l.g.stdout, stderr: l.g.stdout}
	err := runCutover(ctx, g, &cutoverFlags{check: true, maxLag: demoMaxLag, freeze: "source", verify: "quick"})
	var notReady *notReadyError
	if errors.As(err, &notReady) {
		fmt.Fprintln(l.g.stdout, notReady.msg)
		return nil
	}
	return err
}

func (l *liveDemo) printNext() {
	cmd := selfCommand()
	fmt.Fprintf(l.g.stdout, `
sync stopped as Ctrl-C stops it: each batch committed its rows with its binlog position,
and the next sync resumes there. MariaDB keeps nothing for a binlog reader: nothing of
Sluice's is left on the source.

Try it yourself:
  %[1]s sync --config %[2]s
      follows the binlog again until Ctrl-C; meanwhile, in another terminal:
  mariadb %[3]s -e "UPDATE Patients SET Phone = '555-0199' WHERE PatientID = 3"
  psql '%[4]s' -c 'SELECT legacy_id, full_name, phone FROM patients WHERE legacy_id = 3'
`, cmd, l.config, mariadbArgs(l.source), sluice.RedactURL(l.target))
}

// mariadbArgs are the mariadb client's arguments for the database of raw
// (a password is left for the client to ask).
func mariadbArgs(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	port := u.Port()
	if port == "" {
		port = "3306"
	}
	args := fmt.Sprintf("-h %s -P %s -u %s", u.Hostname(), port, u.User.Username())
	if _, ok := u.User.Password(); ok {
		args += " -p"
	}
	return args + " " + strings.TrimPrefix(u.Path, "/")
}

// liveSync is sync running in this process, with its own output kept for
// when it fails.
type liveSync struct {
	cancel context.CancelFunc
	done   chan struct{}
	err    error
	out    *lockedBuffer
}

func startLiveSync(ctx context.Context, config string) *liveSync {
	ctx, cancel := context.WithCancel(ctx)
	s := &liveSync{cancel: cancel, done: make(chan struct{}), out: &lockedBuffer{}}
	g := &globals{config: config, stdout: s.out, stderr: s.out}
	go func() {
		defer close(s.done)
		s.err = runSync(ctx, g, &syncFlags{progress: "none", verify: "quick", batch: 5000})
	}()
	return s
}

// stop ends sync as a signal would; it then ends with ErrInterrupted.
func (s *liveSync) stop() error {
	s.cancel()
	<-s.done
	if errors.Is(s.err, sluice.ErrInterrupted) {
		return nil
	}
	return s.failed()
}

// failed is the error of a sync that ended by itself, with its output.
func (s *liveSync) failed() error {
	if s.err == nil {
		return fmt.Errorf("live sync ended before the demo stopped it; its output:\n%s", s.out.String())
	}
	return fmt.Errorf("live sync: %w; its output:\n%s", s.err, s.out.String())
}

// lockedBuffer is a bytes.Buffer that sync's goroutines may write at once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
