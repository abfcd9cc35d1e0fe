package tds

import (
	"errors"
	"fmt"

	"net"
	"strings"
	"sync"
	"sync/atomic"
)

const serverName = "sluice-tds"

// Server is a TDS test server over a set of fixture databases. Fixtures
// are read-only once served: sessions share them without locks.
type Server struct {
	data    sync.RWMutex // held for reading while a statement runs; Mutate writes
	mu      sync.Mutex
	dbs     []*Database
	ln      net.Listener
	conns   map[net.Conn]bool
	logins  []Login
	spid    int
	cancels atomic.Int64 // results stopped by an attention
	wg      sync.WaitGroup
	closed  bool
}

// NewServer serves the databases; the first is the default database of a
// login that names none.
func NewServer(dbs ...*Database) *Server {
	return &Server{dbs: dbs, conns: map[net.Conn]bool{}, spid: 50}
}

// Listen starts serving on addr ("127.0.0.1:0" for any free port) and
// returns at once; Addr tells the address.
func (s *Server) Listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	s.mu.Lock()
	s.ln = ln
	s.mu.Unlock()
	s.wg.Add(1)
	go s.accept(ln)
	return nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// Close stops listening, drops every connection and waits for them.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	var err error
	if s.ln != nil {
		err = s.ln.Close()
	}
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

// Mutate runs change with no statement running, so that a test can alter
// a fixture's rows between two reads (the server offers no UPDATE).
func (s *Server) Mutate(change func()) {
	s.data.Lock()
	defer s.data.Unlock()
	change()
}

// Cancels counts the results the server stopped part-way for an
// attention (a client's cancel).
func (s *Server) Cancels() int64 { return s.cancels.Load() }

// Logins returns the logins so far, in order.
func (s *Server) Logins() []Login {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Login(nil), s.logins...)
}

func (s *Server) recordLogin(l Login) {
	s.mu.Lock()
	s.logins = append(s.logins, l)
	s.mu.Unlock()
}

func (s *Server) accept(ln net.Listener) {
	defer s.wg.Done()
	for {
		nc, err := ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			nc.Close()
			return
		}
		s.conns[nc] = true
		s.spid++
		spid := s.spid
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			c := newConn(s, nc, spid)
			c.serve()
			s.mu.Lock()
			delete(s.conns, nc)
			s.mu.Unlock()
			nc.Close()
		}()
	}
}

func (s *Server) database(name string) *Database {
	for _, db := range s.dbs {
		if strings.EqualFold(db.Name, name) {
			return db
		}
	}
	return nil
}

func (s *Server) databaseList() []*Database { return s.dbs }

func (s *Server) defaultDatabase() string {
	if len(s.dbs) == 0 {
		return "master"
	}
	return s.dbs[0].Name
}

// conn is one client connection. A reader goroutine hands messages to the
// connection's loop and flags an attention at once, so that a result
// being sent can stop.
type conn struct {
	srv        *Server
	nc         net.Conn
	sess       *session
	packetSize int
	msgs       chan message
	readErr    error

	mu        sync.Mutex
	attention int // attentions received and not yet acknowledged
	acked     int // attentions acknowledged mid-result, whose messages are still queued
}

func newConn(s *Server, nc net.Conn, spid int) *conn {
	return &conn{srv: s, nc: nc, sess: &session{srv: s, spid: spid, isolation: "READ COMMITTED", textSize: -1},
		packetSize: defaultPacketSize, msgs: make(chan message, 4)}
}

func (c *conn) serve() {
	if err := c.handshake(); err != nil {
		return
	}
	go c.readLoop()
	for m := range c.msgs {
		if err := c.handle(m); err != nil {
			return
		}
	}
}

func (c *conn) readLoop() {
	defer close(c.msgs)
	for {
		m, err := readMessage(c.nc)
		if err != nil {
			c.readErr = err
			return
		}
		if m.typ == packetAttention {
			c.mu.Lock()
			c.attention++
			c.mu.Unlock()
		}
		c.msgs <- m
	}
}

// cancelled reports an attention that a running result must honour; the
// caller then acknowledges it.
func (c *conn) cancelled() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.attention > 0
}

// ackAttention records that an attention was answered with DONE(ATTN).
func (c *conn) ackAttention() {
	c.mu.Lock()
	c.attention--
	c.acked++
	c.mu.Unlock()
}

// handshake runs prelogin and login.
func (c *conn) handshake() error {
	m, err := readMessage(c.nc)
	if err != nil || m.typ != packetPrelogin {
		return errors.Join(err, errors.New("expected PRELOGIN"))
	}
	if _, err := clientEncryption(m.payload); err != nil {
		return err
	}
	w := newMsgWriter(c.nc, defaultPacketSize, c.sess.spid)
	if err := w.write(preloginReply()); err != nil {
		return err
	}
	if err := w.finish(); err != nil {
		return err
	}
	if m, err = readMessage(c.nc); err != nil || m.typ != packetLogin7 {
		return errors.Join(err, errors.New("expected LOGIN7 (the test server has no TLS)"))
	}
	return c.answerLogin(m.payload)
}

func (c *conn) answerLogin(payload []byte) error {
	l, err := parseLogin7(payload)
	if err == nil {
		err = c.login(l)
	}
	if l.packetSize >= 512 && l.packetSize <= maxClientPacketSize {
		c.packetSize = l.packetSize
	}
	w := newMsgWriter(c.nc, defaultPacketSize, c.sess.spid)
	if err != nil {
		w.write(errorToken(err))
		w.write(doneToken(tokenDone, doneError, 0, 0))
		w.finish()
		return err
	}
	if err := w.write(c.loginReply()); err != nil {
		return err
	}
	return w.finish()
}

// errorToken reports an error with its SQL Server number when it has one,
// else as a generic error 50000 (severity 16) with the message.
func errorToken(err error) []byte {
	var se *sqlError
	if errors.As(err, &se) {
		return messageToken(tokenError, se.number, se.state, se.class, se.msg, serverName)
	}
	return messageToken(tokenError, 50000, 1, 16, err.Error(), serverName)
}

// handle answers one client message.
func (c *conn) handle(m message) error {
	switch m.typ {
	case packetAttention:
		return c.answerAttention()
	case packetBatch, packetRPC:
		if m.reset {
			c.sess.reset()
		}
	}
	switch m.typ {
	case packetBatch:
		return c.answerBatch(m.payload)
	case packetRPC:
		return c.answerRPC(m.payload)
	}
	w := c.writer()
	w.write(errorToken(fmt.Errorf("the test server does not support TDS messages of type 0x%02X (transactions, bulk load)", m.typ)))
	w.write(doneToken(tokenDone, doneError, 0, 0))
	return w.finish()
}

func (c *conn) writer() *msgWriter { return newMsgWriter(c.nc, c.packetSize, c.sess.spid) }

// answerAttention acknowledges an attention that arrived when no result
// was being sent (or whose result already ended).
func (c *conn) answerAttention() error {
	c.mu.Lock()
	if c.acked > 0 {
		c.acked--
		c.mu.Unlock()
		return nil
	}
	c.attention--
	c.mu.Unlock()
	w := c.writer()
	w.write(doneToken(tokenDone, doneAttn, 0, 0))
	return w.finish()
}

// skipAllHeaders skips the ALL_HEADERS block (transaction descriptor and
// the like) that starts SQL batch and RPC messages from TDS 7.2 on.
func skipAllHeaders(p []byte) ([]byte, error) {
	if len(p) < 4 {
		return nil, errShort
	}
	total := int(uint32(p[0]) | uint32(p[1])<<8 | uint32(p[2])<<16 | uint32(p[3])<<24)
	if total < 4 || total > len(p) {
		return nil, fmt.Errorf("ALL_HEADERS length %d out of range", total)
	}
	return p[total:], nil
}

func (c *conn) answerBatch(payload []byte) error {
	body, err := skipAllHeaders(payload)
	w := c.writer()
	if err != nil {
		return c.fail(w, err, tokenDone)
	}
	stmts, err := parseBatch(decodeUCS2(body))
	if err != nil {
		return c.fail(w, err, tokenDone)
	}
	return c.run(w, stmts, nil, tokenDone)
}

// fail answers a message that could not run at all.
func (c *conn) fail(w *msgWriter, err error, done byte) error {
	w.write(errorToken(err))
	w.write(doneToken(done, doneError, 0, 0))
	if done == tokenDoneInProc {
		w.write(returnStatusToken(0))
		w.write(doneToken(tokenDoneProc, doneError, 0, 0))
	}
	return w.finish()
}

// run executes statements and writes their results; done is DONE for a
// batch and DONEINPROC inside sp_executesql, which then ends with
// RETURNSTATUS and DONEPROC.
func (c *conn) run(w *msgWriter, stmts []statement, params map[string]param, done byte) error {
	for i, st := range stmts {
		more := uint16(doneMore)
		if i == len(stmts)-1 && done == tokenDone {
			more = 0
		}
		status, err := c.exec(w, st, params, done, more)
		if errors.Is(err, errCancelled) {
			c.srv.cancels.Add(1)
			c.ackAttention()
			w.write(doneToken(tokenDone, doneAttn, 0, 0))
			return w.finish()
		}
		if err != nil {
			return err
		}
		if status&doneError != 0 {
			break
		}
	}
	if done == tokenDoneInProc {
		w.write(returnStatusToken(0))
		w.write(doneToken(tokenDoneProc, doneFinal, 0, 0))
	}
	return w.finish()
}

// exec runs one statement; a statement error becomes an ERROR token and a
// DONE with the error bit, and stops the batch. The returned error is a
// connection failure or errCancelled.
func (c *conn) exec(w *msgWriter, st statement, params map[string]param, done byte, more uint16) (uint16, error) {
	var rows int64
	var err error
	status := more
	switch x := st.(type) {
	case selectStmt:
		sink := &wireSink{c: c, w: w}
		c.srv.data.RLock()
		rows, err = c.sess.runSelect(x, params, sink)
		c.srv.data.RUnlock()
		if sink.werr != nil {
			return 0, sink.werr
		}
		status |= doneCount
	case insertStmt, updateStmt, deleteStmt:
		c.srv.data.Lock()
		rows, err = c.sess.write(st, params)
		c.srv.data.Unlock()
		status |= doneCount
	case tranStmt:
		c.srv.data.Lock()
		err = c.sess.transaction(x.op)
		c.srv.data.Unlock()
	case useStmt:
		err = c.use(w, x.db)
	case setStmt:
		c.sess.apply(x)
	}
	if errors.Is(err, errCancelled) {
		return 0, err
	}
	if err != nil {
		w.write(errorToken(err))
		status = doneError | more
	}
	return status, w.write(doneToken(done, status, currentCommand(st), rows))
}

func (c *conn) use(w *msgWriter, name string) error {
	db := c.srv.database(name)
	if db == nil {
		return &sqlError{number: 911, state: 1, class: 16, msg: fmt.Sprintf("Database '%s' does not exist. Make sure that the name is entered correctly.", name)}
	}
	old := c.sess.db.Name
	c.sess.db = db
	w.write(envChangeText(envDatabase, db.Name, old))
	return w.write(messageToken(tokenInfo, 5701, 1, 0, fmt.Sprintf("Changed database context to '%s'.", db.Name), serverName))
}

// wireSink writes a result set as COLMETADATA and ROW tokens, stopping at
// an attention.
type wireSink struct {
	c    *conn
	w    *msgWriter
	cols []resultCol
	werr error
}

func (s *wireSink) columns(cols []resultCol) error {
	s.cols = cols
	return s.send(colMetadataToken(cols, s.c.sess.db.Name))
}

func (s *wireSink) row(vals []any) error {
	if s.c.cancelled() {
		return errCancelled
	}
	b := []byte{tokenRow}
	for i, v := range vals {
		var err error
		if b, err = appendValue(b, s.cols[i].typ, v); err != nil {
			return fmt.Errorf("column %s: %w", s.cols[i].name, err)
		}
	}
	return s.send(b)
}

func (s *wireSink) send(b []byte) error {
	if err := s.w.write(b); err != nil {
		s.werr = err
		return err
	}
	return nil
}
