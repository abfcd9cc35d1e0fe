package mysql

import (
	"context"
	"fmt"
	"hash/crc32"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/sluicedb/sluice"
)

const (
	heartbeatSeconds = 1   // the server sends a heartbeat after this long without an event
	streamBuffer     = 512 // changes decoded ahead of the consumer
	idleHeartbeat    = time.Second
)

// serverID is the replica id the stream presents: spec's, or one derived
// from the capture's name (never 0).
func serverID(spec sluice.CaptureSpec) uint32 {
	if spec.ServerID != 0 {
		return spec.ServerID
	}
	return 1<<30 | crc32.ChecksumIEEE([]byte(spec.Name))&(1<<30-1)
}

// Changes reads the binlog after from (a MariaDB Position; the server keeps
// no position for its readers, so from is required) as a replica does, on
// a goroutine of its own, at most streamBuffer changes ahead of Next.
func (s *Source) Changes(ctx context.Context, spec sluice.CaptureSpec, from sluice.Position) (sluice.ChangeStream, error) {
	what := fmt.Sprintf("stream changes of %s for capture %q", s.name, spec.Name)
	start, ok := from.(Position)
	if !ok {
		return nil, fmt.Errorf("%s: start position %v: MariaDB keeps no position for a capture, give a MariaDB position", what, from)
	}
	if err := s.checkBinlogKept(ctx, start); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	layouts := map[string]*tableLayout{}
	for _, t := range spec.Tables {
		cols, known := spec.Columns[t]
		if !known {
			var err error
			if cols, err = s.columnsNow(ctx, t); err != nil {
				return nil, fmt.Errorf("%s: %w", what, err)
			}
		}
		layouts[t] = &tableLayout{columns: cols}
	}
	addr, err := s.binlogAddr()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	r, err := openBinlog(ctx, addr, serverID(spec), start.gtidText(), heartbeatSeconds)
	if err != nil {
		return nil, fmt.Errorf("%s: open the binlog at %s: %w", what, start, classify(err))
	}
	runCtx, cancel := context.WithCancel(context.Background())
	st := &stream{src: s, what: what, r: r, layouts: layouts, text: newTextConverter(s), maps: map[uint64]*tableMap{}, pos: start,
		out: make(chan event, streamBuffer), cancel: cancel, done: make(chan struct{})}
	go st.pump(runCtx)
	return st, nil
}

func (s *Source) binlogAddr() (binlogAddr, error) {
	if s.cfg.Net != "tcp" && s.cfg.Net != "" {
		return binlogAddr{}, fmt.Errorf("the binlog is read over TCP, not %s", s.cfg.Net)
	}
	host, port, err := net.SplitHostPort(s.cfg.Addr)
	if err != nil {
		return binlogAddr{}, fmt.Errorf("address %s: %w", s.cfg.Addr, err)
	}
	n, err := strconv.Atoi(port)
	if err != nil {
		return binlogAddr{}, fmt.Errorf("port %s: %w", port, err)
	}
	return binlogAddr{host: host, port: n, user: s.cfg.User, password: s.cfg.Passwd}, nil
}

type event struct {
	change sluice.Change
	err    error
}

type stream struct {
	src     *Source
	what    string
	r       *binlogReader
	out     chan event
	cancel  context.CancelFunc
	done    chan struct{}
	closeMu sync.Mutex
	closed  bool

	// the consumer's
	err       error
	mu        sync.Mutex // delivered and lastCheck: Ack may run beside Next
	delivered Position
	lastCheck string // the binlog file Ack last found on the server

	// the pump's
	text       *textConverter
	layouts    map[string]*tableLayout
	maps       map[uint64]*tableMap // by table id, captured tables only
	pos        Position             // after the last whole event group
	file       string               // the binlog file being read
	inTx       bool
	standalone bool          // the transaction is one DDL statement, without commit event
	begun      bool          // the transaction's Begin was queued
	tx         sluice.Change // its Begin
	txPos      Position
	lastIdle   time.Time
}

// Next returns the next change.
func (st *stream) Next(ctx context.Context) (sluice.Change, error) {
	if st.err != nil {
		return sluice.Change{}, st.err
	}
	select {
	case ev, ok := <-st.out:
		if !ok {
			st.err = fmt.Errorf("%s: the stream is closed", st.what)
			return sluice.Change{}, st.err
		}
		if ev.err != nil {
			st.err = ev.err
			return sluice.Change{}, ev.err
		}
		if ev.change.Kind == sluice.ChangeCommit || ev.change.Kind == sluice.ChangeHeartbeat {
			st.mu.Lock()
			st.delivered = ev.change.Position.(Position)
			st.mu.Unlock()
		}
		return ev.change, nil
	case <-ctx.Done():
		return sluice.Change{}, ctx.Err()
	}
}

// Ack checks p against what was delivered, and that the server still has
// the binlog p is in: MariaDB keeps nothing for a reader, so a binlog
// purged under a capture is found here, loudly, rather than on the next
// start. The position itself is the caller's to keep.
func (st *stream) Ack(ctx context.Context, p sluice.Position) error {
	pos, ok := p.(Position)
	if !ok {
		return fmt.Errorf("%s: ack %v: not a MariaDB position", st.what, p)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if c, err := pos.Compare(st.delivered); err != nil || c > 0 {
		return fmt.Errorf("%s: ack %s: not a position delivered (the last is %s)", st.what, pos, st.delivered)
	}
	if pos.File == "" || pos.File == st.lastCheck {
		return nil
	}
	if err := st.src.checkBinlogKept(ctx, pos); err != nil {
		return fmt.Errorf("%s: ack %s: %w", st.what, pos, err)
	}
	st.lastCheck = pos.File
	return nil
}

// checkBinlogKept fails when the server no longer has p's binlog file.
func (s *Source) checkBinlogKept(ctx context.Context, p Position) error {
	if p.File == "" {
		return nil
	}
	files, err := s.binaryLogs(ctx)
	if err != nil {
		return err
	}
	for _, f := range files {
		if f.name == p.File {
			return nil
		}
	}
	return fmt.Errorf("the server no longer has binlog %s of position %s: it was purged, and the changes since cannot be read; copy the tables again", p.File, p)
}

type binaryLog struct {
	name string
	size int64
}

func (s *Source) binaryLogs(ctx context.Context) ([]binaryLog, error) {
	rows, err := s.db.QueryContext(ctx, "SHOW BINARY LOGS")
	if err != nil {
		return nil, fmt.Errorf("list the binlogs: %w", classify(err))
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []binaryLog
	for rows.Next() {
		var l binaryLog
		dest := []any{&l.name, &l.size}
		for range len(cols) - 2 {
			dest = append(dest, new(any)) // Encrypted, on MySQL
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("list the binlogs: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// Close stops the pump and the binlog connection.
func (st *stream) Close() error {
	st.closeMu.Lock()
	defer st.closeMu.Unlock()
	if st.closed {
		return nil
	}
	st.closed = true
	st.cancel()
	st.r.close() // unblocks a read in progress
	<-st.done
	return nil
}

// pump reads and decodes events until an error or Close.
func (st *stream) pump(ctx context.Context) {
	defer close(st.done)
	defer close(st.out)
	for {
		ev, err := st.r.next()
		if err == nil {
			err = st.handle(ctx, ev)
		}
		if err == nil {
			continue
		}
		if ctx.Err() == nil {
			st.out <- event{err: st.wrap(err)}
		}
		return
	}
}

// wrap names the work and the position; a lost connection or a server
// shutting down is transient, anything else (a purged binlog, 1236,
// included) is not.
func (st *stream) wrap(err error) error {
	transient := isTransient(err)
	switch binlogErrorCode(err) {
	case 1053, 2002, 2003, 2006, 2013:
		transient = true
	case 1236:
		transient = false
	}
	err = fmt.Errorf("%s: at %s: %w", st.what, st.pos, err)
	if transient {
		return &sluice.TransientError{Err: err}
	}
	return err
}

func (st *stream) emit(ctx context.Context, c sluice.Change) error {
	select {
	case st.out <- event{change: c}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
