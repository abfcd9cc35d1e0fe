package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/demo"
	"github.com/sluicedb/sluice/target"
)

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
		s, err := tgt.Stream(ctx, demo.LiveSource) // an error: sync has not made the state schema yet
		st = s
		return err == nil && s != nil && s.State == target.StreamStreaming, nil
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
	streams, err := readStreams(ctx, tgt, nil) // the stream alone: its tables all stream
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
