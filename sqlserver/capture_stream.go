package sqlserver

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sluicedb/sluice"
)

// pollInterval is how long an idle stream waits before it asks for the
// maximum LSN again (the capture job itself scans the log every 5 seconds
// by default).
const pollInterval = 250 * time.Millisecond

// pageRows is how many change rows of one table a stream holds at most:
// a window of LSNs is read table by table in pages of this size and
// merged, so memory is bounded by pageRows per table whatever the window.
var pageRows = 1000

// Changes streams the transactions of spec's tables after from, read from
// their capture instances' change tables (cdc.fn_cdc_get_all_changes_*
// with 'all update old') in commit LSN order. SQL Server keeps no reader
// position: from is required, and Ack has nothing to tell the server (the
// cleanup job purges change rows by its retention, 3 days by default; a
// stream whose position it has passed fails, naming the table to copy
// again).
//
// Each poll takes the window from the stream's position to
// sys.fn_cdc_get_max_lsn() and merges the tables' change rows by
// (__$start_lsn, __$seqval, __$operation): rows of one __$start_lsn are
// one transaction, whose Position is that LSN (wholeTx). Operation 1 is a
// delete, 2 an insert, 3 and 4 the before and after images of an update;
// SQL Server records an update of a key column as a delete and an insert.
func (s *Source) Changes(ctx context.Context, spec sluice.CaptureSpec, from sluice.Position) (sluice.ChangeStream, error) {
	what := fmt.Sprintf("stream the changes of %s for capture %q", s.name, spec.Name)
	if from == nil {
		return nil, fmt.Errorf("%s: SQL Server keeps no position for a reader: give the position to start after", what)
	}
	if v, ok := from.(TrackingPosition); ok {
		return s.trackingChanges(ctx, spec, v, what)
	}
	pos, ok := from.(Position)
	if !ok {
		return nil, fmt.Errorf("%s: position %s is not a SQL Server position", what, from)
	}
	instances, err := s.specInstances(ctx, spec)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, classify(err))
	}
	st := &stream{src: s, cursor: pos, what: what}
	for _, name := range spec.Tables {
		t, err := s.table(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		st.tables = append(st.tables, newStreamTable(name, t, instances[name]))
	}
	return st, nil
}

// specInstances picks the capture instance of each of spec's tables.
func (s *Source) specInstances(ctx context.Context, spec sluice.CaptureSpec) (map[string]captureInstance, error) {
	all, err := s.captureInstances(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]captureInstance{}
	for _, name := range spec.Tables {
		t, err := s.table(ctx, name)
		if err != nil {
			return nil, err
		}
		ci, missing, ok := pickInstance(t, all[t.objectID])
		if !ok {
			if len(all[t.objectID]) == 0 {
				return nil, fmt.Errorf("table %s is not tracked by change data capture", name)
			}
			return nil, fmt.Errorf("table %s: capture instance %s lacks column(s) %s", name, ci.name, strings.Join(missing, ", "))
		}
		out[name] = ci
	}
	return out, nil
}

// rowKey orders change rows.
type rowKey struct {
	lsn, seq [10]byte
	op       int64
}

func (k rowKey) compare(o rowKey) int {
	if n := bytes.Compare(k.lsn[:], o.lsn[:]); n != 0 {
		return n
	}
	if n := bytes.Compare(k.seq[:], o.seq[:]); n != 0 {
		return n
	}
	return int(k.op - o.op)
}

type changeRow struct {
	rowKey
	values []any
}

// streamTable is one table's side of the merge: its page of change rows
// in the current window.
type streamTable struct {
	name     string
	info     *tableInfo
	instance string
	query    string
	buf      []changeRow
	last     rowKey // the last row read
	done     bool   // every row of the window is read
}

func newStreamTable(name string, t *tableInfo, ci captureInstance) *streamTable {
	exprs := make([]string, len(t.columns))
	for i, c := range t.columns {
		exprs[i] = c.selectExpr()
	}
	q := fmt.Sprintf("SELECT TOP (%d) __$start_lsn, __$seqval, __$operation, %s FROM cdc.%s(@p1, @p2, N'all update old')"+
		" WHERE __$start_lsn > @p3 OR (__$start_lsn = @p3 AND (__$seqval > @p4 OR (__$seqval = @p4 AND __$operation > @p5)))"+
		" ORDER BY __$start_lsn, __$seqval, __$operation",
		pageRows, strings.Join(exprs, ", "), quoteIdent("fn_cdc_get_all_changes_"+ci.name))
	return &streamTable{name: name, info: t, instance: ci.name, query: q}
}

// stream is a ChangeStream over change tables, read by polling.
type stream struct {
	src    *Source
	what   string
	tables []*streamTable
	cursor Position // everything up to it has been handed out
	window bool     // a window is open, up to winTo
	winTo  [10]byte
	tx     *[10]byte // the open transaction's LSN
	txAt   time.Time // and its commit time
	before []any     // an update's before image, waiting for its after image
	out    []sluice.Change
	closed bool
}

func (st *stream) Next(ctx context.Context) (sluice.Change, error) {
	for len(st.out) == 0 {
		if st.closed {
			return sluice.Change{}, errors.New("the stream is closed")
		}
		if err := st.step(ctx); err != nil {
			return sluice.Change{}, err
		}
	}
	c := st.out[0]
	st.out = st.out[1:]
	return c, nil
}

// step moves the stream on by one row, or opens or ends a window.
func (st *stream) step(ctx context.Context) error {
	if !st.window {
		return st.openWindow(ctx)
	}
	t, err := st.smallest(ctx)
	if err != nil {
		return err
	}
	if t == nil {
		st.endWindow()
		return nil
	}
	r := t.buf[0]
	if st.tx != nil && *st.tx != r.lsn {
		st.commit()
		return nil
	}
	if st.tx == nil {
		if err := st.begin(ctx, r.lsn); err != nil {
			return err
		}
	}
	t.buf = t.buf[1:]
	return st.deliver(t, r)
}

// openWindow reads the maximum LSN; when it is past the stream's position,
// the window up to it opens, else the stream waits a poll interval.
func (st *stream) openWindow(ctx context.Context) error {
	var raw []byte
	if err := st.src.db.QueryRowContext(ctx, "SELECT sys.fn_cdc_get_max_lsn()").Scan(&raw); err != nil {
		return st.fail(fmt.Errorf("read the maximum LSN: %w", err))
	}
	if raw == nil || bytes.Compare(raw, st.cursor.LSN[:]) <= 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pollInterval):
			return nil
		}
	}
	to, err := lsnOf(raw)
	if err != nil {
		return st.fail(fmt.Errorf("read the maximum LSN: %w", err))
	}
	for _, t := range st.tables {
		if err := st.checkRetained(ctx, t); err != nil {
			return err
		}
		t.buf, t.done, t.last = nil, false, rowKey{lsn: st.cursor.LSN, seq: st.cursor.Seq, op: 5}
	}
	st.window, st.winTo = true, to
	return nil
}

// checkRetained fails when the cleanup job has purged change rows after
// the stream's position.
func (st *stream) checkRetained(ctx context.Context, t *streamTable) error {
	var raw []byte
	if err := st.src.db.QueryRowContext(ctx, "SELECT sys.fn_cdc_get_min_lsn(@p1)", t.instance).Scan(&raw); err != nil {
		return st.fail(fmt.Errorf("read the minimum LSN of capture instance %s: %w", t.instance, err))
	}
	if bytes.Compare(raw, st.cursor.LSN[:]) > 0 {
		return fmt.Errorf("%s: table %s: capture instance %s now starts at %X, after the position %s: its changes since were purged by the cleanup job (or the instance was created later); copy %s again",
			st.what, t.name, t.instance, raw, st.cursor, t.name)
	}
	return nil
}

// smallest returns the table whose next row comes first, reading pages as
// tables run out; nil when the window has no more rows.
func (st *stream) smallest(ctx context.Context) (*streamTable, error) {
	var best *streamTable
	for _, t := range st.tables {
		if len(t.buf) == 0 && !t.done {
			if err := st.fetch(ctx, t); err != nil {
				return nil, err
			}
		}
		if len(t.buf) > 0 && (best == nil || t.buf[0].compare(best.buf[0].rowKey) < 0) {
			best = t
		}
	}
	return best, nil
}

// fetch reads a table's next page of the window.
func (st *stream) fetch(ctx context.Context, t *streamTable) error {
	rows, err := st.src.db.QueryContext(ctx, t.query, st.cursor.LSN[:], st.winTo[:], t.last.lsn[:], t.last.seq[:], t.last.op)
	if err != nil {
		return st.fail(fmt.Errorf("read the changes of %s (capture instance %s): %w", t.name, t.instance, err))
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		r, err := scanChange(rows, t.info.columns)
		if err != nil {
			return st.fail(fmt.Errorf("read the changes of %s: %w", t.name, err))
		}
		t.buf = append(t.buf, r)
		t.last = r.rowKey
		n++
	}
	if err := rows.Err(); err != nil {
		return st.fail(fmt.Errorf("read the changes of %s: %w", t.name, err))
	}
	t.done = n < pageRows
	return nil
}

// scanChange reads a change row and converts its values as Read does; a
// computed column, for which change data capture records no value, is
// Unchanged.
func scanChange(rows *sql.Rows, cols []columnInfo) (changeRow, error) {
	raw := make([]any, 3+len(cols))
	dest := make([]any, len(raw))
	for i := range raw {
		dest[i] = &raw[i]
	}
	if err := rows.Scan(dest...); err != nil {
		return changeRow{}, err
	}
	var r changeRow
	var err error
	lsn, _ := raw[0].([]byte)
	seq, _ := raw[1].([]byte)
	if r.lsn, err = lsnOf(lsn); err != nil {
		return r, fmt.Errorf("__$start_lsn: %w", err)
	}
	if r.seq, err = lsnOf(seq); err != nil {
		return r, fmt.Errorf("__$seqval: %w", err)
	}
	r.op, _ = raw[2].(int64)
	r.values = raw[3:]
	for i, c := range cols {
		if c.computed {
			r.values[i] = sluice.Unchanged{}
			continue
		}
		if r.values[i], err = c.convert(r.values[i]); err != nil {
			return r, fmt.Errorf("column %s: %w", c.name, err)
		}
	}
	return r, nil
}

// begin opens the transaction at lsn, with its commit time.
func (st *stream) begin(ctx context.Context, lsn [10]byte) error {
	var at sql.NullTime
	if err := st.src.db.QueryRowContext(ctx, "SELECT sys.fn_cdc_map_lsn_to_time(@p1)", lsn[:]).Scan(&at); err != nil {
		return st.fail(fmt.Errorf("read the time of LSN %X: %w", lsn, err))
	}
	st.tx, st.txAt = &lsn, at.Time.UTC()
	st.out = append(st.out, sluice.Change{Kind: sluice.ChangeBegin, TxID: strings.ToUpper(hex.EncodeToString(lsn[:])),
		Time: at.Time.UTC(), Position: wholeTx(lsn)})
	return nil
}

// deliver turns a change row into a Change; an update's before image
// waits for its after image, which follows it.
func (st *stream) deliver(t *streamTable, r changeRow) error {
	c := sluice.Change{Table: t.name}
	switch r.op {
	case 1:
		c.Kind, c.Before = sluice.ChangeDelete, r.values
	case 2:
		c.Kind, c.After = sluice.ChangeInsert, r.values
	case 3:
		st.before = r.values
		return nil
	case 4:
		if st.before == nil {
			return fmt.Errorf("%s: table %s: an update's after image at %X without its before image", st.what, t.name, r.lsn)
		}
		c.Kind, c.Before, c.After = sluice.ChangeUpdate, st.before, r.values
		st.before = nil
	default:
		return fmt.Errorf("%s: table %s: unknown __$operation %d at %X", st.what, t.name, r.op, r.lsn)
	}
	st.out = append(st.out, c)
	return nil
}

// commit ends the open transaction; the stream's position moves past it.
func (st *stream) commit() {
	lsn := *st.tx
	c := sluice.Change{Kind: sluice.ChangeCommit, TxID: strings.ToUpper(hex.EncodeToString(lsn[:])), Time: st.txAt, Position: wholeTx(lsn)}
	st.out = append(st.out, c)
	st.cursor, st.tx = wholeTx(lsn), nil
}

// endWindow commits the open transaction and moves the position to the
// window's end, told by a heartbeat when no transaction ends there.
func (st *stream) endWindow() {
	last := st.cursor.LSN
	if st.tx != nil {
		last = *st.tx
		st.commit()
	}
	st.window = false
	if last != st.winTo {
		st.cursor = wholeTx(st.winTo)
		st.out = append(st.out, sluice.Change{Kind: sluice.ChangeHeartbeat, Position: st.cursor})
	}
}

// fail marks a lost connection as transient.
func (st *stream) fail(err error) error {
	return fmt.Errorf("%s: %w", st.what, classify(err))
}

// Ack has nothing to tell SQL Server: it keeps no position for a reader.
func (st *stream) Ack(_ context.Context, p sluice.Position) error {
	if _, ok := p.(Position); !ok {
		return fmt.Errorf("acknowledge %v: not a SQL Server position", p)
	}
	return nil
}

func (st *stream) Close() error {
	st.closed = true
	return nil
}
