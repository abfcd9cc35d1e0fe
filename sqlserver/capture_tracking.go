package sqlserver

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sluicedb/sluice"
)

// Change Tracking is the second way to capture, for a database that has it
// and not change data capture. It records which keys changed in which
// committed transaction (a version), not their values, so the stream reads
// each changed row by its key as it is now: an update is delivered as the
// row is now, and the intermediate states between two polls are not seen;
// a row changed several times between polls is delivered once, at its last
// change's version. Rows arrive whole or, for a delete, with only the key
// (the other columns Unchanged); an update has no before image.

// TrackingPosition is a Change Tracking version: everything committed up
// to and including it. Its String is "ct:" and the version.
type TrackingPosition struct{ Version int64 }

const trackingPrefix = "ct:"

func (p TrackingPosition) String() string { return trackingPrefix + strconv.FormatInt(p.Version, 10) }

// Compare orders by version.
func (p TrackingPosition) Compare(other sluice.Position) (int, error) {
	o, ok := other.(TrackingPosition)
	if !ok {
		return 0, fmt.Errorf("compare Change Tracking position %s with %T %s", p, other, other)
	}
	return compareInt(p.Version, o.Version), nil
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ParseTrackingPosition reads a TrackingPosition's String back.
func ParseTrackingPosition(text string) (TrackingPosition, error) {
	v, err := strconv.ParseInt(strings.TrimPrefix(text, trackingPrefix), 10, 64)
	if err != nil || !strings.HasPrefix(text, trackingPrefix) || v < 0 {
		return TrackingPosition{}, fmt.Errorf("parse Change Tracking position %q: want ct: and a version", text)
	}
	return TrackingPosition{Version: v}, nil
}

// trackingVersion is CHANGE_TRACKING_CURRENT_VERSION() as db reads it:
// in a snapshot transaction, exactly the transactions the snapshot holds.
func trackingVersion(ctx context.Context, db *sql.DB) (TrackingPosition, error) {
	var v sql.NullInt64
	if err := db.QueryRowContext(ctx, "SELECT CHANGE_TRACKING_CURRENT_VERSION()").Scan(&v); err != nil {
		return TrackingPosition{}, fmt.Errorf("read the Change Tracking version: %w", err)
	}
	if !v.Valid {
		return TrackingPosition{}, fmt.Errorf("CHANGE_TRACKING_CURRENT_VERSION() is NULL: Change Tracking is off")
	}
	return TrackingPosition{Version: v.Int64}, nil
}

// trackingProblems checks Change Tracking: each table tracked, with a
// primary key; the keys-not-values nature of it is a warning, and so is a
// database without snapshot isolation (the copy and the version then meet
// with an overlap).
func (s *Source) trackingProblems(ctx context.Context, spec sluice.CaptureSpec) ([]sluice.CaptureProblem, error) {
	tracked, err := s.trackedTables(ctx)
	if err != nil {
		return nil, fmt.Errorf("check capture on %s: %w", s.name, classify(err))
	}
	problems := []sluice.CaptureProblem{{Check: "database " + s.database + ": Change Tracking", Warning: true,
		Found: "Change Tracking is on, change data capture is not: changes come as keys, rows are read as they are now (an update is its row now; states between two polls are not seen)",
		Fix:   "for every change with its values, enable change data capture: EXEC sys.sp_cdc_enable_db; and sys.sp_cdc_enable_table per table"}}
	if !s.snapshot {
		problems = append(problems, sluice.CaptureProblem{Check: "database " + s.database + ": snapshot isolation", Warning: true,
			Found: "off: the copy and the stream meet with an overlap that is applied again",
			Fix:   "ALTER DATABASE " + quoteIdent(s.database) + " SET ALLOW_SNAPSHOT_ISOLATION ON"})
	}
	for _, name := range spec.Tables {
		t, err := s.table(ctx, name)
		switch {
		case err != nil:
			problems = append(problems, sluice.CaptureProblem{Check: "table " + name, Found: "no such table in database " + s.database, Fix: "capture only tables that exist"})
		case len(t.key) == 0:
			problems = append(problems, sluice.CaptureProblem{Check: "table " + name + ": Change Tracking", Found: "the table has no primary key, which Change Tracking needs",
				Fix: "add a primary key to " + t.ref() + ", or enable change data capture instead"})
		case !tracked[t.objectID]:
			problems = append(problems, sluice.CaptureProblem{Check: "table " + name + ": Change Tracking", Found: "not tracked (sys.change_tracking_tables)",
				Fix: "ALTER TABLE " + t.ref() + " ENABLE CHANGE_TRACKING;"})
		}
	}
	return problems, nil
}

func (s *Source) trackedTables(ctx context.Context) (map[int64]bool, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT object_id FROM sys.change_tracking_tables")
	if err != nil {
		return nil, fmt.Errorf("read sys.change_tracking_tables: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("read sys.change_tracking_tables: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}

// trackingChanges opens a stream of Change Tracking versions after from.
func (s *Source) trackingChanges(ctx context.Context, spec sluice.CaptureSpec, from TrackingPosition, what string) (sluice.ChangeStream, error) {
	problems, err := s.trackingProblems(ctx, spec)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if err := problemsError("capture is not possible", problems); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	st := &ctStream{src: s, what: what, cursor: from.Version}
	for _, name := range spec.Tables {
		t, err := s.table(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		st.tables = append(st.tables, newCTTable(name, t))
	}
	return st, nil
}

// ctTable is one table's side of a Change Tracking window.
type ctTable struct {
	name    string
	info    *tableInfo
	keyCols []columnInfo
	buf     []ctRow
	last    *ctRow // the last row read, where the next page starts
	done    bool
}

type ctRow struct {
	version int64
	op      string
	key     []any
}

func newCTTable(name string, t *tableInfo) *ctTable {
	keyCols, _ := t.columnList(t.key)
	return &ctTable{name: name, info: t, keyCols: keyCols}
}

// pageQuery reads the next page of the window's changed keys, in
// (version, key) order, after the last one read.
func (t *ctTable) pageQuery(since, upto int64) (string, []any, error) {
	keys := make([]string, len(t.keyCols))
	exprs := make([]string, len(t.keyCols))
	for i, c := range t.keyCols {
		keys[i], exprs[i] = "c."+quoteIdent(c.name), c.selectExpr()
	}
	q := fmt.Sprintf("SELECT TOP (%d) c.SYS_CHANGE_VERSION, c.SYS_CHANGE_OPERATION, %s FROM CHANGETABLE(CHANGES %s, @p1) AS c WHERE c.SYS_CHANGE_VERSION <= @p2",
		pageRows, strings.Join(exprs, ", "), t.info.ref())
	args := []any{since, upto}
	if t.last != nil {
		after, err := boundPredicate(t.info, t.info.key, t.last.key, ">", ">", "lower", 3)
		if err != nil {
			return "", nil, err
		}
		q += " AND (c.SYS_CHANGE_VERSION > @p3 OR (c.SYS_CHANGE_VERSION = @p3 AND (" + after + ")))"
		args = append(args, t.last.version)
		for _, v := range t.last.key {
			args = append(args, paramValue(v))
		}
	}
	return q + " ORDER BY c.SYS_CHANGE_VERSION, " + strings.Join(keys, ", "), args, nil
}

// ctStream is a ChangeStream over Change Tracking, read by polling: each
// poll takes the versions from the stream's position to the current one,
// merges the tables' changed keys by version (a version is a committed
// transaction) and reads each changed row by its key.
type ctStream struct {
	src    *Source
	what   string
	tables []*ctTable
	cursor int64 // everything up to it has been handed out
	window bool
	upto   int64
	tx     *int64
	out    []sluice.Change
	closed bool
}

func (st *ctStream) Next(ctx context.Context) (sluice.Change, error) {
	for len(st.out) == 0 {
		if st.closed {
			return sluice.Change{}, fmt.Errorf("the stream is closed")
		}
		if err := st.step(ctx); err != nil {
			return sluice.Change{}, err
		}
	}
	c := st.out[0]
	st.out = st.out[1:]
	return c, nil
}

func (st *ctStream) step(ctx context.Context) error {
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
	if st.tx != nil && *st.tx != r.version {
		st.commit()
		return nil
	}
	if st.tx == nil {
		v := r.version
		st.tx = &v
		st.out = append(st.out, sluice.Change{Kind: sluice.ChangeBegin, TxID: strconv.FormatInt(v, 10), Position: TrackingPosition{v}})
	}
	t.buf = t.buf[1:]
	return st.deliver(ctx, t, r)
}

func (st *ctStream) openWindow(ctx context.Context) error {
	cur, err := trackingVersion(ctx, st.src.db)
	if err != nil {
		return st.fail(err)
	}
	if cur.Version <= st.cursor {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pollInterval):
			return nil
		}
	}
	for _, t := range st.tables {
		var min sql.NullInt64
		if err := st.src.db.QueryRowContext(ctx, "SELECT CHANGE_TRACKING_MIN_VALID_VERSION(@p1)", t.info.objectID).Scan(&min); err != nil {
			return st.fail(fmt.Errorf("read the minimum valid version of %s: %w", t.name, err))
		}
		if !min.Valid || min.Int64 > st.cursor {
			return fmt.Errorf("%s: table %s: Change Tracking's minimum valid version is %d, after the position ct:%d (its changes since were cleaned up, or tracking was turned on later); copy %s again",
				st.what, t.name, min.Int64, st.cursor, t.name)
		}
		t.buf, t.last, t.done = nil, nil, false
	}
	st.window, st.upto = true, cur.Version
	return nil
}

func (st *ctStream) smallest(ctx context.Context) (*ctTable, error) {
	var best *ctTable
	for _, t := range st.tables {
		if len(t.buf) == 0 && !t.done {
			if err := st.fetch(ctx, t); err != nil {
				return nil, err
			}
		}
		if len(t.buf) > 0 && (best == nil || t.buf[0].version < best.buf[0].version) {
			best = t
		}
	}
	return best, nil
}

func (st *ctStream) fetch(ctx context.Context, t *ctTable) error {
	q, args, err := t.pageQuery(st.cursor, st.upto)
	if err != nil {
		return fmt.Errorf("%s: %w", st.what, err)
	}
	rows, err := st.src.db.QueryContext(ctx, q, args...)
	if err != nil {
		return st.fail(fmt.Errorf("read the changes of %s: %w", t.name, err))
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		raw := make([]any, 2+len(t.keyCols))
		dest := make([]any, len(raw))
		for i := range raw {
			dest[i] = &raw[i]
		}
		if err := rows.Scan(dest...); err != nil {
			return st.fail(fmt.Errorf("read the changes of %s: %w", t.name, err))
		}
		r := ctRow{key: raw[2:]}
		r.version, _ = raw[0].(int64)
		r.op, _ = raw[1].(string)
		for i, c := range t.keyCols {
			if r.key[i], err = c.convert(r.key[i]); err != nil {
				return fmt.Errorf("%s: read the changes of %s: key column %s: %w", st.what, t.name, c.name, err)
			}
		}
		t.buf = append(t.buf, r)
		t.last = &t.buf[len(t.buf)-1]
		n++
	}
	if err := rows.Err(); err != nil {
		return st.fail(fmt.Errorf("read the changes of %s: %w", t.name, err))
	}
	t.done = n < pageRows
	return nil
}

// deliver reads an inserted or updated row by its key, as it is now; a row
// gone since is left to its delete, which a later version delivers.
func (st *ctStream) deliver(ctx context.Context, t *ctTable, r ctRow) error {
	c := sluice.Change{Table: t.name}
	if r.op == "D" {
		c.Kind, c.Before = sluice.ChangeDelete, keyImage(t.info, r.key)
		st.out = append(st.out, c)
		return nil
	}
	row, err := st.src.readByKey(ctx, t.info, r.key)
	if err != nil {
		return st.fail(fmt.Errorf("read %s by its key %s: %w", t.name, sluice.KeyText(r.key), err))
	}
	if row == nil {
		return nil
	}
	c.Kind, c.After = sluice.ChangeUpdate, row
	if r.op == "I" {
		c.Kind = sluice.ChangeInsert
	}
	st.out = append(st.out, c)
	return nil
}

// keyImage is a deleted row as Change Tracking knows it: its key, every
// other column Unchanged.
func keyImage(t *tableInfo, key []any) []any {
	row := make([]any, len(t.columns))
	for i, c := range t.columns {
		row[i] = sluice.Unchanged{}
		for j, k := range t.key {
			if k == c.name {
				row[i] = key[j]
			}
		}
	}
	return row
}

// readByKey reads the row with key, converted as Read converts; nil when
// there is none.
func (s *Source) readByKey(ctx context.Context, t *tableInfo, key []any) ([]any, error) {
	where, err := keyEquals(t, key)
	if err != nil {
		return nil, err
	}
	exprs := make([]string, len(t.columns))
	for i, c := range t.columns {
		exprs[i] = c.selectExpr()
	}
	args := make([]any, len(key))
	for i, v := range key {
		args[i] = paramValue(v)
	}
	rows, err := s.db.QueryContext(ctx, "SELECT "+strings.Join(exprs, ", ")+" FROM "+t.ref()+" WHERE "+where, args...)
	if err != nil {
		return nil, err
	}
	it := &rowIter{rows: rows, cols: t.columns, n: len(t.columns), label: "read " + t.ref(), dest: make([]any, len(t.columns))}
	defer it.Close()
	if !it.Next() {
		return nil, it.Err()
	}
	return it.Values(), nil
}

// keyEquals is the condition that selects the row with key, each value
// cast to its column's type as Read's bounds are.
func keyEquals(t *tableInfo, key []any) (string, error) {
	cols, err := t.columnList(t.key)
	if err != nil {
		return "", err
	}
	if len(key) != len(cols) || len(cols) == 0 {
		return "", fmt.Errorf("%d values for a key of %d columns", len(key), len(cols))
	}
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = fmt.Sprintf("%s = CAST(@p%d AS %s)", quoteIdent(c.name), i+1, c.declared)
	}
	return strings.Join(parts, " AND "), nil
}

func (st *ctStream) commit() {
	v := *st.tx
	st.out = append(st.out, sluice.Change{Kind: sluice.ChangeCommit, TxID: strconv.FormatInt(v, 10), Position: TrackingPosition{v}})
	st.cursor, st.tx = v, nil
}

func (st *ctStream) endWindow() {
	last := st.cursor
	if st.tx != nil {
		last = *st.tx
		st.commit()
	}
	st.window = false
	if last != st.upto {
		st.cursor = st.upto
		st.out = append(st.out, sluice.Change{Kind: sluice.ChangeHeartbeat, Position: TrackingPosition{st.upto}})
	}
}

func (st *ctStream) fail(err error) error { return fmt.Errorf("%s: %w", st.what, classify(err)) }

// Ack has nothing to tell SQL Server: it keeps no position for a reader.
func (st *ctStream) Ack(_ context.Context, p sluice.Position) error {
	if _, ok := p.(TrackingPosition); !ok {
		return fmt.Errorf("acknowledge %v: not a Change Tracking position", p)
	}
	return nil
}

func (st *ctStream) Close() error {
	st.closed = true
	return nil
}
