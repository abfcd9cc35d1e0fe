package mysql

import (
	"context"
	"fmt"
	"time"

	"github.com/sluicedb/sluice"
)

// handle turns one binlog event into changes. An event type this does not
// know stops the stream: skipping it could lose a change (MariaDB's
// compressed events, log_bin_compress=ON, are the case in point).
func (st *stream) handle(ctx context.Context, ev binlogEvent) error {
	switch ev.Type {
	case evRotate:
		st.file = ev.NextFile
	case evFormatDescription, evMariaGTIDList, evMariaCheckpoint, evMariaAnnotateRows, evStop,
		evIntVar, evRand, evUserVar: // a statement-based DML after them is refused in query
	case evMariaGTID:
		st.beginTx(ev)
	case evTableMap:
		return st.tableMap(ctx, ev)
	case evWriteRowsV1, evWriteRowsV2, evUpdateRowsV1, evUpdateRowsV2, evDeleteRowsV1, evDeleteRowsV2:
		return st.rows(ctx, ev)
	case evXID:
		return st.commit(ctx, ev)
	case evQuery:
		return st.query(ctx, ev)
	case evHeartbeat:
		return st.heartbeat(ctx, ev)
	case evIncident:
		return fmt.Errorf("the server recorded an incident in the binlog at %s:%d: changes may be missing from it", st.file, ev.NextPos)
	default:
		if ev.Type >= evMariaQueryZip && ev.Type <= evMariaDeleteRowsZ {
			return fmt.Errorf("binlog event type %d is compressed (log_bin_compress=ON), which capture cannot read: turn log_bin_compress off", ev.Type)
		}
		return fmt.Errorf("binlog event type %d is not known: the stream stops rather than skip it", ev.Type)
	}
	return nil
}

func (st *stream) beginTx(ev binlogEvent) {
	st.inTx, st.begun = true, false
	st.txPos = st.pos.with(ev.GTID)
	st.tx = sluice.Change{Kind: sluice.ChangeBegin, TxID: ev.GTID.String(), Time: eventTime(ev), Position: st.txPos}
	st.standalone = ev.Standalone
}

func eventTime(ev binlogEvent) time.Time { return time.Unix(int64(ev.Timestamp), 0).UTC() }

// begin queues the transaction's Begin before its first change; a
// transaction without changes to captured tables is never delivered.
func (st *stream) begin(ctx context.Context) error {
	if !st.inTx {
		return fmt.Errorf("a change outside a transaction (no GTID event before it)")
	}
	if st.begun {
		return nil
	}
	st.begun = true
	return st.emit(ctx, st.tx)
}

// commit ends the transaction at the event's end: its Position gets the
// binlog file and offset.
func (st *stream) commit(ctx context.Context, ev binlogEvent) error {
	if !st.inTx {
		return fmt.Errorf("a commit outside a transaction")
	}
	pos := st.txPos
	pos.File, pos.Offset = st.file, ev.NextPos
	st.pos, st.inTx = pos, false
	if !st.begun {
		return st.idle(ctx)
	}
	c := st.tx
	c.Kind, c.Time, c.Position = sluice.ChangeCommit, eventTime(ev), pos
	return st.emit(ctx, c)
}

// idle delivers, at most once a second, the position after transactions
// that changed nothing captured, so the apply side can record progress.
func (st *stream) idle(ctx context.Context) error {
	if time.Since(st.lastIdle) < idleHeartbeat {
		return nil
	}
	st.lastIdle = time.Now()
	return st.emit(ctx, sluice.Change{Kind: sluice.ChangeHeartbeat, Position: st.pos})
}

// heartbeat: the server has nothing more to send for now.
func (st *stream) heartbeat(ctx context.Context, ev binlogEvent) error {
	if st.inTx {
		return nil
	}
	st.lastIdle = time.Time{}
	return st.idle(ctx)
}

// tableMap records a captured table's id and checks its columns against
// the layout; a difference the table's definition now explains is a
// schema change, one it does not makes the table's rows undecodable.
func (st *stream) tableMap(ctx context.Context, ev binlogEvent) error {
	m := ev.Map
	lay := st.layouts[m.Name]
	if m.Database != st.src.database || lay == nil {
		delete(st.maps, ev.TableID)
		return nil
	}
	st.maps[ev.TableID] = m
	types := typesText(m)
	if lay.columns == nil || lay.checked == types {
		return nil
	}
	if mapMatches(m, lay.columns) == nil {
		lay.checked = types
		return nil
	}
	cols, err := st.src.columnsNow(ctx, m.Name)
	if err != nil {
		return err
	}
	change := sluice.Change{Kind: sluice.ChangeSchema, Table: m.Name, Columns: cols,
		Detail: "the binlog's rows no longer match the columns (" + columnList(lay.columns) + "); the table is now (" + columnList(cols) + ")"}
	if mismatch := mapMatches(m, cols); mismatch != nil {
		change.Columns = nil
		change.Detail = "its rows cannot be decoded: " + mismatch.Error() + " (the table changed again since this point of the binlog)"
	} else {
		lay.checked = types
	}
	lay.columns = change.Columns
	if err := st.begin(ctx); err != nil {
		return err
	}
	return st.emit(ctx, change)
}

func (st *stream) rows(ctx context.Context, ev binlogEvent) error {
	m, ok := st.maps[ev.TableID]
	if !ok {
		return nil // not a captured table
	}
	lay := st.layouts[m.Name]
	if lay.columns == nil {
		return nil // undecodable since its schema change, which said so
	}
	kind := map[byte]sluice.ChangeKind{evWriteRowsV1: sluice.ChangeInsert, evWriteRowsV2: sluice.ChangeInsert,
		evUpdateRowsV1: sluice.ChangeUpdate, evUpdateRowsV2: sluice.ChangeUpdate,
		evDeleteRowsV1: sluice.ChangeDelete, evDeleteRowsV2: sluice.ChangeDelete}[ev.Type]
	if err := st.begin(ctx); err != nil {
		return err
	}
	for _, r := range ev.Rows {
		conv := func(charset, raw string) (any, error) { return st.text.convert(ctx, charset, raw) }
		before, err := decodeImage(r.Before, m, lay.columns, conv)
		if err != nil {
			return err
		}
		after, err := decodeImage(r.After, m, lay.columns, conv)
		if err != nil {
			return err
		}
		if err := st.emit(ctx, sluice.Change{Kind: kind, Table: m.Name, Before: before, After: after}); err != nil {
			return err
		}
	}
	return nil
}

// query handles a QUERY event: the end of a non-transactional group, or
// DDL, or a statement-based row change (refused: its rows are unknown).
func (st *stream) query(ctx context.Context, ev binlogEvent) error {
	stmt, err := classifyStatement(ev.Query)
	if err != nil {
		return err
	}
	switch stmt.Kind {
	case stmtCommit:
		return st.commit(ctx, ev)
	case stmtDML:
		if ev.QueryDB == st.src.database || ev.QueryDB == "" {
			return fmt.Errorf("a row change written as a statement (%q): only binlog_format=ROW can be captured", clip(ev.Query))
		}
	case stmtDDL, stmtTruncate:
		if err := st.ddl(ctx, ev, stmt); err != nil {
			return err
		}
	}
	if st.standalone && st.inTx {
		return st.commit(ctx, ev) // a DDL's group has no commit event of its own
	}
	return nil
}

// ddl surfaces a DDL statement on captured tables: a truncate, or a schema
// change with the table's columns as they are now (nil when it is gone).
func (st *stream) ddl(ctx context.Context, ev binlogEvent, stmt statement) error {
	for _, t := range stmt.Tables {
		db := t.DB
		if db == "" {
			db = ev.QueryDB
		}
		lay := st.layouts[t.Name]
		if db != st.src.database || lay == nil {
			continue
		}
		if err := st.begin(ctx); err != nil {
			return err
		}
		change := sluice.Change{Kind: sluice.ChangeTruncate, Table: t.Name}
		if stmt.Kind == stmtDDL {
			cols, err := st.src.columnsNow(ctx, t.Name)
			if err != nil {
				return err
			}
			lay.columns, lay.checked = cols, ""
			change = sluice.Change{Kind: sluice.ChangeSchema, Table: t.Name, Columns: cols, Detail: ev.Query}
		}
		if err := st.emit(ctx, change); err != nil {
			return err
		}
	}
	return nil
}

func columnList(cols []sluice.Column) string {
	var b []byte
	for i, c := range cols {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, c.Name+" "+c.Type.Raw...)
	}
	return string(b)
}
