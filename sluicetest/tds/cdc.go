package tds

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"time"
)

// The test server's change data capture: a faithful, small subset of SQL
// Server's. sys.sp_cdc_enable_db marks a database, sys.sp_cdc_enable_table
// adds a capture instance for a table, and every INSERT, UPDATE and DELETE
// made through the server on that table is recorded, when its transaction
// commits, as change rows with the transaction's commit LSN, as the capture
// job would harvest them (here at once: there is no capture latency). An
// UPDATE that changes a primary key column is recorded as a delete and an
// insert, others as the before (3) and after (4) images of one seqval.
// What it serves: sys.databases.is_cdc_enabled, sys.tables.is_tracked_by_cdc,
// cdc.change_tables, cdc.captured_columns, cdc.lsn_time_mapping,
// sys.fn_cdc_get_min_lsn, sys.fn_cdc_get_max_lsn, sys.fn_cdc_map_lsn_to_time
// and cdc.fn_cdc_get_all_changes_<instance>.

// Capture is a capture instance: the change rows of its table.
type Capture struct {
	Name     string // the capture instance, schema_table by default
	Table    *Table
	Role     string // the gating role; "" is NULL
	ID       int    // the change table's object_id
	StartLSN []byte
	// rows are the change table's: __$start_lsn, __$seqval, __$operation,
	// __$update_mask, then the table's columns.
	rows [][]any
}

// lsnEntry is one row of cdc.lsn_time_mapping.
type lsnEntry struct {
	lsn      []byte
	end      time.Time
	tranID   []byte
	tranTime time.Time
}

// cdcState is a database's change data capture.
type cdcState struct {
	enabled  bool
	captures []*Capture
	lsns     []lsnEntry
	clock    uint32 // the last LSN given out
}

// lsnAt is the 10-byte LSN of clock tick n: virtual log file, block, slot.
func lsnAt(n uint32) []byte {
	b := make([]byte, 10)
	binary.BigEndian.PutUint32(b, 0x2A)
	binary.BigEndian.PutUint32(b[4:], n)
	binary.BigEndian.PutUint16(b[8:], 1)
	return b
}

// tick gives out the next LSN.
func (c *cdcState) tick() []byte {
	c.clock++
	return lsnAt(c.clock)
}

// EnableCDC is sys.sp_cdc_enable_db.
func (db *Database) EnableCDC() { db.cdc.enabled = true }

// EnableTableCDC is sys.sp_cdc_enable_table: a capture instance for the
// table, named schema_table unless instance is given.
func (db *Database) EnableTableCDC(schema, name, role, instance string) error {
	if !db.cdc.enabled {
		return &sqlError{number: 22901, class: 16, state: 1, msg: fmt.Sprintf(
			"The database '%s' is not enabled for Change Data Capture. Ensure that the correct database context is set and retry the operation.", db.Name)}
	}
	t := db.Table(schema, name)
	if t == nil {
		return fmt.Errorf("the source table %s.%s does not exist", schema, name)
	}
	if instance == "" {
		instance = t.Schema + "_" + t.Name
	}
	if db.capture(instance) != nil || len(db.capturesOf(t)) == 2 {
		return fmt.Errorf("could not create a capture instance %s for %s: it exists, or the table has two", instance, t.QualifiedName())
	}
	db.cdc.captures = append(db.cdc.captures, &Capture{Name: instance, Table: t, Role: role, ID: db.newID(), StartLSN: db.cdc.tick()})
	return nil
}

func (db *Database) capture(instance string) *Capture {
	for _, c := range db.cdc.captures {
		if strings.EqualFold(c.Name, instance) {
			return c
		}
	}
	return nil
}

func (db *Database) capturesOf(t *Table) []*Capture {
	var out []*Capture
	for _, c := range db.cdc.captures {
		if c.Table == t {
			out = append(out, c)
		}
	}
	return out
}

// cdcView is what a session sees of capture: the live state, or the state
// frozen when its snapshot transaction began.
type cdcView struct {
	lsns    []lsnEntry
	changes map[*Capture][][]any
}

func (s *session) cdcView(db *Database) cdcView {
	if s.frozen != nil && s.frozen.db == db {
		return s.frozen.cdc
	}
	v := cdcView{lsns: db.cdc.lsns, changes: map[*Capture][][]any{}}
	for _, c := range db.cdc.captures {
		v.changes[c] = c.rows
	}
	return v
}

// maxLSN is sys.fn_cdc_get_max_lsn: the last LSN of lsn_time_mapping, or
// ten zero bytes.
func (v cdcView) maxLSN() []byte {
	if len(v.lsns) == 0 {
		return make([]byte, 10)
	}
	return v.lsns[len(v.lsns)-1].lsn
}

// change is one row change waiting for its transaction's commit.
type change struct {
	capture *Capture
	seq     []byte
	op      int64
	mask    []byte
	row     []any
}

// writeTx is a session's open transaction of data changes.
type writeTx struct {
	db      *Database
	changes []change
	tracked []ctChange // for change tracking
	wrote   bool
	began   time.Time
}

// record notes a row change of t for the transaction's commit.
func (tx *writeTx) record(t *Table, op int64, seq, mask []byte, row []any) {
	tx.wrote = true
	if tx.db.trackedBy(t) && op != 3 {
		tx.tracked = append(tx.tracked, ctChange{table: t, op: op, row: row})
	}
	for _, c := range tx.db.capturesOf(t) {
		tx.changes = append(tx.changes, change{capture: c, seq: seq, op: op, mask: mask, row: row})
	}
}

// commit gives the transaction its commit LSN and writes its change rows
// and its lsn_time_mapping entry, as the capture job would.
func (tx *writeTx) commit() {
	tx.commitCT()
	st := &tx.db.cdc
	if !st.enabled || !tx.wrote {
		return
	}
	lsn := st.tick()
	now := time.Now().UTC()
	for _, c := range tx.changes {
		row := append([]any{lsn, c.seq, c.op, c.mask}, c.row...)
		c.capture.rows = append(c.capture.rows, row)
	}
	id := binary.BigEndian.AppendUint64(make([]byte, 2), uint64(st.clock))
	st.lsns = append(st.lsns, lsnEntry{lsn: lsn, end: now, tranID: id, tranTime: tx.began})
}

// seq gives out the seqval of a row change: an LSN of its own.
func (db *Database) seq() []byte { return db.cdc.tick() }

// updateMask is __$update_mask: a bit per column, the first column the
// lowest bit of the last byte.
func updateMask(n int, changed func(i int) bool) []byte {
	b := make([]byte, (n+7)/8)
	for i := range n {
		if changed(i) {
			b[len(b)-1-i/8] |= 1 << (i % 8)
		}
	}
	return b
}

// CleanupCDC is what CDC's cleanup job does when its retention has passed
// for every change: the low water mark is the maximum LSN, each capture
// instance's change rows before it are purged, and it becomes the
// instance's start (its minimum LSN). Run it through Server.Mutate.
func (db *Database) CleanupCDC() {
	low := cdcView{lsns: db.cdc.lsns}.maxLSN()
	for _, c := range db.cdc.captures {
		var kept [][]any
		for _, r := range c.rows {
			if bytes.Compare(r[0].([]byte), low) >= 0 {
				kept = append(kept, r)
			}
		}
		c.rows, c.StartLSN = kept, low
	}
}
