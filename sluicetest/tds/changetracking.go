package tds

import (
	"fmt"
	"strings"
)

// The test server's Change Tracking: a small subset of SQL Server's.
// ALTER DATABASE d SET CHANGE_TRACKING = ON and ALTER TABLE t ENABLE
// CHANGE_TRACKING (in fixture scripts) track a table with a primary key;
// each committed transaction that changes tracked rows takes the next
// version, and each changed key keeps its last change, netted as SQL
// Server nets it (an insert then an update is an insert, an insert then a
// delete a delete). It serves sys.change_tracking_databases,
// sys.change_tracking_tables, CHANGE_TRACKING_CURRENT_VERSION(),
// CHANGE_TRACKING_MIN_VALID_VERSION(object_id), OBJECT_ID(name) and
// CHANGETABLE(CHANGES t, @version).

// ctState is a database's change tracking.
type ctState struct {
	enabled bool
	version int64
	tables  map[*Table]*ctTable
}

// ctTable is a tracked table's last change by key.
type ctTable struct {
	minValid int64
	keys     map[string]*ctRow
}

type ctRow struct {
	key      []any
	version  int64
	creation any // the version of the insert, or NULL
	op       string
}

// EnableChangeTracking is ALTER DATABASE ... SET CHANGE_TRACKING = ON.
func (db *Database) EnableChangeTracking() { db.ct.enabled = true }

// TrackTable is ALTER TABLE ... ENABLE CHANGE_TRACKING.
func (db *Database) TrackTable(t *Table) error {
	if !db.ct.enabled {
		return &sqlError{number: 4997, class: 16, state: 1, msg: fmt.Sprintf("Cannot enable change tracking on table '%s'. Change tracking must be enabled on the database '%s' before it can be enabled on a table.", t.Name, db.Name)}
	}
	if t.PrimaryKey == nil {
		return &sqlError{number: 4997, class: 16, state: 1, msg: fmt.Sprintf("Cannot enable change tracking on table '%s'. Change tracking requires a primary key on the table.", t.Name)}
	}
	if db.ct.tables == nil {
		db.ct.tables = map[*Table]*ctTable{}
	}
	db.ct.tables[t] = &ctTable{minValid: db.ct.version, keys: map[string]*ctRow{}}
	return nil
}

// ctChange is a row change waiting for its transaction's commit.
type ctChange struct {
	table *Table
	op    int64 // __$operation's numbering: 1 delete, 2 insert, 4 update
	row   []any
}

// commitCT gives the transaction's tracked changes the next version.
func (tx *writeTx) commitCT() {
	st := &tx.db.ct
	if len(tx.tracked) == 0 {
		return
	}
	st.version++
	for _, c := range tx.tracked {
		ct := st.tables[c.table]
		idx, _ := c.table.columnIndexes(c.table.PrimaryKey.Columns)
		key := make([]any, len(idx))
		for i, j := range idx {
			key[i] = c.row[j]
		}
		k := fmt.Sprint(key...)
		prev := ct.keys[k]
		row := &ctRow{key: key, version: st.version, op: map[int64]string{1: "D", 2: "I", 4: "U"}[c.op]}
		switch {
		case prev != nil && prev.op == "I" && row.op == "U":
			row.op, row.creation = "I", prev.creation
		case prev != nil && prev.op == "D" && row.op == "I":
			row.op = "U"
		case row.op == "I":
			row.creation = st.version
		}
		ct.keys[k] = row
	}
}

// trackedBy reports whether t is tracked.
func (db *Database) trackedBy(t *Table) bool { return db.ct.tables[t] != nil }

func ctDatabasesRows(s *session, _ *Database) [][]any {
	var rows [][]any
	for i, db := range s.srv.databaseList() {
		if db.ct.enabled {
			rows = append(rows, []any{int64(5 + i), true, int64(2), int64(2)})
		}
	}
	return rows
}

func ctTablesRows(_ *session, db *Database) [][]any {
	var rows [][]any
	for _, t := range db.Tables {
		if ct := db.ct.tables[t]; ct != nil {
			rows = append(rows, []any{int64(t.ID), ct.minValid, false})
		}
	}
	return rows
}

// ctVersion is CHANGE_TRACKING_CURRENT_VERSION() as the session sees it.
func (s *session) ctVersion() any {
	if !s.db.ct.enabled {
		return nil
	}
	if s.frozen != nil && s.frozen.db == s.db {
		return s.frozen.ctVersion
	}
	return s.db.ct.version
}

func fnCTCurrentVersion(s *scope, args []*compiled) (*compiled, error) {
	if err := wantArgs("CHANGE_TRACKING_CURRENT_VERSION", args, 0); err != nil {
		return nil, err
	}
	sess := s.sess
	return &compiled{typ: ColType{Name: "bigint"}, nullable: true, eval: func(*evalCtx) (any, error) { return sess.ctVersion(), nil }}, nil
}

func fnCTMinValidVersion(s *scope, args []*compiled) (*compiled, error) {
	if err := wantArgs("CHANGE_TRACKING_MIN_VALID_VERSION", args, 1); err != nil {
		return nil, err
	}
	sess := s.sess
	return &compiled{typ: ColType{Name: "bigint"}, nullable: true, eval: func(c *evalCtx) (any, error) {
		v, err := args[0].eval(c)
		if err != nil || v == nil {
			return nil, err
		}
		for t, ct := range sess.db.ct.tables {
			if int64(t.ID) == v {
				return ct.minValid, nil
			}
		}
		return nil, nil
	}}, nil
}

// fnObjectID is OBJECT_ID(name): a table's object_id by its one- or
// two-part name, NULL for anything else.
func fnObjectID(s *scope, args []*compiled) (*compiled, error) {
	if err := wantArgs("OBJECT_ID", args, 1); err != nil {
		return nil, err
	}
	sess := s.sess
	return &compiled{typ: ColType{Name: "int"}, nullable: true, eval: func(c *evalCtx) (any, error) {
		v, err := args[0].eval(c)
		if err != nil || v == nil {
			return nil, err
		}
		p, err := newParser(valueText(v, args[0].typ))
		if err != nil {
			return nil, nil
		}
		parts, err := p.objectName()
		if err != nil {
			return nil, nil
		}
		if _, schema, name, err := sess.splitName(parts); err == nil {
			if t := sess.db.Table(schema, name); t != nil {
				return int64(t.ID), nil
			}
		}
		return nil, nil
	}}, nil
}

// changeTable is CHANGETABLE(CHANGES t, @version): the last change of each
// key changed after version.
func (s *session) changeTable(parts []string, arg expr, quals []string, params map[string]param) (*relation, error) {
	t, err := s.dmlTable(parts)
	if err != nil {
		return nil, err
	}
	ct := s.db.ct.tables[t]
	if ct == nil {
		return nil, &sqlError{number: 22105, class: 16, state: 1, msg: fmt.Sprintf("Change tracking is not enabled on table '%s'.", t.QualifiedName())}
	}
	sc := &scope{sess: s, params: params}
	c, err := sc.compile(arg)
	if err != nil {
		return nil, err
	}
	v, err := c.eval(&evalCtx{})
	if err != nil {
		return nil, err
	}
	since, err := convert(v, c.typ, ColType{Name: "bigint"}, false)
	if err != nil {
		return nil, err
	}
	rel := &relation{quals: quals, cols: cols("SYS_CHANGE_VERSION bigint", "SYS_CHANGE_CREATION_VERSION bigint", "SYS_CHANGE_OPERATION nchar(1)",
		"SYS_CHANGE_COLUMNS varbinary(4100)", "SYS_CHANGE_CONTEXT varbinary(128)")}
	for _, name := range t.PrimaryKey.Columns {
		_, col := t.Column(name)
		rel.cols = append(rel.cols, scopeCol{name: col.Name, typ: col.Type})
	}
	for _, r := range ct.keys {
		if since == nil || r.version > since.(int64) {
			op := r.op
			if c, ok := r.creation.(int64); ok && since != nil && c <= since.(int64) {
				op = "U" // inserted before the caller's version: an update to it
			}
			rel.rows = append(rel.rows, append([]any{r.version, r.creation, op, nil, nil}, r.key...))
		}
	}
	return rel, nil
}

// changeTableSource parses CHANGETABLE(CHANGES name, version) after FROM.
func (p *parser) changeTableSource(st *selectStmt) error {
	p.advance()
	if err := p.expectOp("("); err != nil {
		return err
	}
	if !p.acceptWord("CHANGES") {
		return p.errorf("the test server supports CHANGETABLE(CHANGES ...) only")
	}
	parts, err := p.objectName()
	if err != nil {
		return err
	}
	if err := p.expectOp(","); err != nil {
		return err
	}
	e, err := p.expr()
	if err != nil {
		return err
	}
	st.changes, st.fromArgs = parts, []expr{e}
	st.from = []string{"CHANGETABLE"}
	return p.expectOp(")")
}

func isChangeTable(p *parser) bool {
	return strings.EqualFold(p.peek().text, "CHANGETABLE") && !p.peek().quoted && p.peekAt(1).kind == tokOp && p.peekAt(1).text == "("
}

// changeTrackingOption reads = ON [(CHANGE_RETENTION = n DAYS, ...)] of
// ALTER DATABASE ... SET CHANGE_TRACKING; the options change nothing here.
func changeTrackingOption(p *parser, db *Database) error {
	if err := p.expectOp("="); err != nil {
		return err
	}
	if !p.acceptKeyword("ON") {
		return p.errorf("the test server turns change tracking ON only")
	}
	db.EnableChangeTracking()
	if p.acceptOp("(") {
		for !p.acceptOp(")") {
			if p.peek().kind == tokEOF {
				return p.errorf("unclosed change tracking options")
			}
			p.advance()
		}
	}
	return nil
}
