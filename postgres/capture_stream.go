package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/sluicedb/sluice"
)

// statusInterval is how often the stream tells the server its position
// even when nothing changed, well within wal_sender_timeout (60 s by
// default); pollInterval bounds how long an Ack waits to be sent.
// While nothing arrives, the stream asks the server for its WAL end every
// pingInterval: a keepalive then says how far the server has read, which
// becomes a Heartbeat, so a goal past the last transaction (a cutover's
// freeze position, after its own catalog writes) is reached in about a
// second, not when the server next sends a keepalive of its own.
const (
	statusInterval = 10 * time.Second
	pollInterval   = 250 * time.Millisecond
	pingInterval   = time.Second
	streamBuffer   = 512 // changes decoded ahead of the consumer
)

// Changes starts logical replication from the capture's slot with the
// pgoutput plugin (protocol 1: a transaction arrives whole, after its
// commit, spilled to disk by the server when large) and decodes it on a
// goroutine of its own, at most streamBuffer changes ahead of Next.
func (s *Source) Changes(ctx context.Context, spec sluice.CaptureSpec, from sluice.Position) (sluice.ChangeStream, error) {
	what := fmt.Sprintf("stream changes of %s for capture %q", s.name, spec.Name)
	if err := checkSlotName(spec); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	var start LSN
	if from != nil {
		l, ok := from.(LSN)
		if !ok {
			return nil, fmt.Errorf("%s: position %v is not a PostgreSQL LSN", what, from)
		}
		start = l
	}
	lay, err := newLayouts(ctx, s, spec)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	conn, err := s.replicationConn(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	name := captureName(spec)
	args := []string{"proto_version '1'", "publication_names '" + name + "'"}
	if err := pglogrepl.StartReplication(ctx, conn, name, pglogrepl.LSN(start), pglogrepl.StartReplicationOptions{PluginArgs: args}); err != nil {
		conn.Close(context.Background())
		return nil, classify(fmt.Errorf("%s: start replication from slot %s at %s: %w", what, name, start, err))
	}
	runCtx, cancel := context.WithCancel(context.Background())
	st := &stream{what: what, conn: conn, lay: lay, out: make(chan event, streamBuffer), ackSignal: make(chan struct{}, 1),
		cancel: cancel, done: make(chan struct{}), acked: start, emitted: start, lastCommit: start}
	go st.pump(runCtx)
	return st, nil
}

type event struct {
	change sluice.Change
	err    error
}

type stream struct {
	what string
	conn *pgconn.PgConn
	lay  *layouts
	out  chan event

	cancel context.CancelFunc
	done   chan struct{}

	mu        sync.Mutex
	acked     LSN // the position Ack last gave
	delivered LSN // the last Commit or Heartbeat position Next returned
	ackSignal chan struct{}
	closed    bool

	// the pump's own
	emitted    LSN // the last Commit or Heartbeat position put on out
	lastCommit LSN // the last Commit position put on out
	inTx       bool
	tx         sluice.Change // the Begin of the transaction in progress
	sent       LSN           // the position last told the server
	lastSent   time.Time
	lastPing   time.Time // when the server was last asked for its WAL end
	err        error     // the error that ended the stream, once Next has seen it
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
		st.noteDelivered(ev.change)
		return ev.change, nil
	case <-ctx.Done():
		return sluice.Change{}, ctx.Err()
	}
}

func (st *stream) noteDelivered(c sluice.Change) {
	if c.Kind != sluice.ChangeCommit && c.Kind != sluice.ChangeHeartbeat {
		return
	}
	st.mu.Lock()
	if p := c.Position.(LSN); p > st.delivered {
		st.delivered = p
	}
	st.mu.Unlock()
}

// Ack records p as committed on the target; the pump tells the server
// within pollInterval (flush and apply position p).
func (st *stream) Ack(_ context.Context, p sluice.Position) error {
	l, ok := p.(LSN)
	if !ok {
		return fmt.Errorf("%s: ack %v: not a PostgreSQL LSN", st.what, p)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if l > st.delivered {
		return fmt.Errorf("%s: ack %s: past the last position delivered, %s", st.what, l, st.delivered)
	}
	if l > st.acked {
		st.acked = l
	}
	select {
	case st.ackSignal <- struct{}{}:
	default:
	}
	return nil
}

// Close stops the pump and the replication connection.
func (st *stream) Close() error {
	st.mu.Lock()
	if st.closed {
		st.mu.Unlock()
		return nil
	}
	st.closed = true
	st.mu.Unlock()
	st.cancel()
	<-st.done
	// The last acknowledged position, so that a stream opened from the
	// slot's confirmed position continues after it.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var err error
	if !st.conn.IsClosed() {
		err = st.sendStatus(ctx, false)
	}
	return errors.Join(err, st.conn.Close(ctx))
}

// pump receives, decodes and queues changes until an error or Close.
func (st *stream) pump(ctx context.Context) {
	defer close(st.done)
	defer close(st.out)
	for {
		err := st.step(ctx)
		if err == nil {
			continue
		}
		if ctx.Err() == nil {
			st.out <- event{err: classify(fmt.Errorf("%s: %w", st.what, err))}
		}
		return
	}
}

// step sends a status update when one is due and handles one message.
func (st *stream) step(ctx context.Context) error {
	if err := st.sendStatus(ctx, false); err != nil {
		return err
	}
	rctx, cancel := context.WithTimeout(ctx, pollInterval)
	msg, err := st.conn.ReceiveMessage(rctx)
	cancel()
	if err != nil {
		if pgconn.Timeout(err) && ctx.Err() == nil {
			return st.ping(ctx)
		}
		return err
	}
	switch m := msg.(type) {
	case *pgproto3.CopyData:
		return st.copyData(ctx, m.Data)
	case *pgproto3.ErrorResponse:
		return pgconn.ErrorResponseToPgError(m)
	case *pgproto3.CopyDone:
		return errors.New("the server ended replication")
	}
	return nil
}

func (st *stream) copyData(ctx context.Context, data []byte) error {
	if len(data) == 0 {
		return nil
	}
	switch data[0] {
	case pglogrepl.PrimaryKeepaliveMessageByteID:
		ka, err := pglogrepl.ParsePrimaryKeepaliveMessage(data[1:])
		if err != nil {
			return err
		}
		return st.keepalive(ctx, ka)
	case pglogrepl.XLogDataByteID:
		xld, err := pglogrepl.ParseXLogData(data[1:])
		if err != nil {
			return err
		}
		return st.xlogData(ctx, xld.WALData)
	}
	return fmt.Errorf("unknown replication message %q", data[0])
}

// keepalive: between transactions, the server has sent everything up to
// its WAL end, so that position is a Heartbeat. When everything queued
// before it is acknowledged, it is confirmed at once: otherwise an idle
// slot would hold back WAL forever.
func (st *stream) keepalive(ctx context.Context, ka pglogrepl.PrimaryKeepaliveMessage) error {
	if !st.inTx && LSN(ka.ServerWALEnd) > st.emitted {
		w := LSN(ka.ServerWALEnd)
		st.mu.Lock()
		if st.acked >= st.lastCommit { // every transaction queued is committed on the target
			st.acked = w
		}
		st.mu.Unlock()
		if err := st.emit(ctx, sluice.Change{Kind: sluice.ChangeHeartbeat, Position: w}); err != nil {
			return err
		}
		st.emitted = w
	}
	return st.sendStatus(ctx, ka.ReplyRequested)
}

// sendStatus tells the server the acknowledged position when it changed,
// when one is due, or when the server asks.
func (st *stream) sendStatus(ctx context.Context, force bool) error {
	st.mu.Lock()
	acked := st.acked
	st.mu.Unlock()
	if !force && acked == st.sent && time.Since(st.lastSent) < statusInterval {
		return nil
	}
	ssu := pglogrepl.StandbyStatusUpdate{WALWritePosition: pglogrepl.LSN(acked)}
	if err := pglogrepl.SendStandbyStatusUpdate(ctx, st.conn, ssu); err != nil {
		return fmt.Errorf("send the position %s to the server: %w", acked, err)
	}
	st.sent, st.lastSent = acked, time.Now()
	return nil
}

// ping asks the server for a keepalive, at most every pingInterval.
func (st *stream) ping(ctx context.Context) error {
	if time.Since(st.lastPing) < pingInterval {
		return nil
	}
	st.lastPing = time.Now()
	st.mu.Lock()
	acked := st.acked
	st.mu.Unlock()
	ssu := pglogrepl.StandbyStatusUpdate{WALWritePosition: pglogrepl.LSN(acked), ReplyRequested: true}
	if err := pglogrepl.SendStandbyStatusUpdate(ctx, st.conn, ssu); err != nil {
		return fmt.Errorf("ask the server for its WAL end: %w", err)
	}
	st.sent, st.lastSent = acked, time.Now()
	return nil
}

// emit queues a change, sending status updates while the queue is full.
func (st *stream) emit(ctx context.Context, c sluice.Change) error {
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		select {
		case st.out <- event{change: c}:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		case <-st.ackSignal:
		case <-tick.C:
		}
		if err := st.sendStatus(ctx, false); err != nil {
			return err
		}
	}
}
