package tds

import (
	"errors"
	"fmt"
	"strings"
)

// Data changes on fixture tables: INSERT [INTO] t [(cols)] VALUES (...),
// UPDATE t SET c = e, ... [WHERE ...] and DELETE [FROM] t [WHERE ...].
// Values are converted to their column's type as an INSERT does;
// identity, default and computed columns are filled. Constraints (keys,
// foreign keys, checks) are not checked. A table with a capture instance
// has each row change recorded for change data capture (cdc.go).

type insertStmt struct {
	table   []string
	columns []string // nil: every column that takes a value
	rows    [][]expr
}

type updateStmt struct {
	table []string
	sets  []setItem
	where expr
}

type setItem struct {
	column string
	e      expr
}

type deleteStmt struct {
	table []string
	where expr
}

func (insertStmt) stmtNode() {}
func (updateStmt) stmtNode() {}
func (deleteStmt) stmtNode() {}

func (p *parser) insertStmt() (statement, error) {
	p.acceptKeyword("INTO")
	var st insertStmt
	var err error
	if st.table, err = p.objectName(); err != nil {
		return nil, err
	}
	if p.isOp("(") {
		if st.columns, err = p.identList(); err != nil {
			return nil, err
		}
	}
	if err := p.expectKeyword("VALUES"); err != nil {
		return nil, err
	}
	for {
		row, err := p.exprList()
		if err != nil {
			return nil, err
		}
		st.rows = append(st.rows, row)
		if !p.acceptOp(",") {
			return st, nil
		}
	}
}

func (p *parser) updateStmt() (statement, error) {
	var st updateStmt
	var err error
	if st.table, err = p.objectName(); err != nil {
		return nil, err
	}
	if err := p.expectKeyword("SET"); err != nil {
		return nil, err
	}
	for {
		col, err := p.objectName()
		if err != nil {
			return nil, err
		}
		if err := p.expectOp("="); err != nil {
			return nil, err
		}
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		st.sets = append(st.sets, setItem{column: col[len(col)-1], e: e})
		if !p.acceptOp(",") {
			break
		}
	}
	if p.isKeyword("FROM") {
		return nil, p.errorf("the test server does not support UPDATE ... FROM")
	}
	if p.acceptKeyword("WHERE") {
		st.where, err = p.expr()
	}
	return st, err
}

func (p *parser) deleteStmt() (statement, error) {
	p.acceptKeyword("FROM")
	var st deleteStmt
	var err error
	if st.table, err = p.objectName(); err != nil {
		return nil, err
	}
	if p.isKeyword("FROM") {
		return nil, p.errorf("the test server does not support DELETE ... FROM ... JOIN")
	}
	if p.acceptKeyword("WHERE") {
		st.where, err = p.expr()
	}
	return st, err
}

// tranStatement reads BEGIN TRAN[SACTION], COMMIT and ROLLBACK; BEGIN
// alone (a block) is not supported.
func (p *parser) tranStatement(op string) (statement, error) {
	p.advance()
	if !p.acceptWord("TRANSACTION") && !p.acceptWord("TRAN") {
		if op == "BEGIN" {
			return nil, p.errorf("the test server does not support BEGIN ... END blocks (BEGIN TRANSACTION is)")
		}
		p.acceptWord("WORK")
	}
	return tranStmt{op: op}, nil
}

// dmlTable resolves the table a data change names: a fixture table of the
// session's database.
func (s *session) dmlTable(parts []string) (*Table, error) {
	db, schema, name, err := s.splitName(parts)
	if err != nil {
		return nil, err
	}
	if strings.EqualFold(schema, "sys") || strings.EqualFold(schema, "cdc") {
		return nil, fmt.Errorf("the test server does not change %s.%s", schema, name)
	}
	if db != s.db {
		return nil, errors.New("the test server changes tables of the current database only")
	}
	t := db.Table(schema, name)
	if t == nil {
		return nil, &sqlError{number: 208, class: 16, state: 1, msg: fmt.Sprintf("Invalid object name '%s'.", strings.Join(parts, "."))}
	}
	return t, nil
}

// write runs a data change in the session's transaction, or in one of its
// own that commits at once. The caller holds the data lock.
func (s *session) write(st statement, params map[string]param) (int64, error) {
	if s.frozen != nil {
		return 0, errors.New("the test server's snapshot transactions are read-only")
	}
	tx := s.tx
	if tx == nil {
		tx = &writeTx{db: s.db}
		defer tx.commit()
	}
	switch x := st.(type) {
	case insertStmt:
		return s.insert(tx, x, params)
	case updateStmt:
		return s.update(tx, x, params)
	case deleteStmt:
		return s.delete(tx, x, params)
	}
	return 0, fmt.Errorf("not a data change: %T", st)
}

func (s *session) insert(tx *writeTx, st insertStmt, params map[string]param) (int64, error) {
	t, err := s.dmlTable(st.table)
	if err != nil {
		return 0, err
	}
	l := &loader{dbs: s.srv.dbs, cur: s.db}
	var idx []int
	if st.columns == nil {
		for i, c := range t.Columns {
			if c.Computed == "" && c.Identity == nil && c.Type.Name != "timestamp" {
				idx = append(idx, i)
			}
		}
	} else if idx, err = t.columnIndexes(st.columns); err != nil {
		return 0, err
	}
	sc := &scope{sess: s, params: params}
	for i, row := range st.rows {
		if len(row) != len(idx) {
			return int64(i), fmt.Errorf("there are %d values for %d columns", len(row), len(idx))
		}
		if err := l.insertRow(sc, t, idx, row); err != nil {
			return int64(i), fmt.Errorf("insert into %s: %w", t.QualifiedName(), err)
		}
		tx.record(t, 2, s.db.seq(), updateMask(len(t.Columns), func(int) bool { return true }), t.Rows[len(t.Rows)-1])
	}
	return int64(len(st.rows)), nil
}

// tableScope binds the columns of t, for WHERE and SET expressions.
func (s *session) tableScope(t *Table, params map[string]param) *scope {
	sc := &scope{quals: []string{t.Name}, params: params, sess: s}
	for _, c := range t.Columns {
		sc.cols = append(sc.cols, scopeCol{name: c.Name, typ: c.Type, nullable: c.Nullable})
	}
	return sc
}

// matches compiles a WHERE clause into a row test (nil: every row).
func matches(sc *scope, where expr) (func(row []any) (bool, error), error) {
	if where == nil {
		return func([]any) (bool, error) { return true, nil }, nil
	}
	c, err := sc.compile(where)
	if err != nil {
		return nil, err
	}
	return func(row []any) (bool, error) {
		v, err := c.eval(&evalCtx{row: row})
		return v == true, err
	}, nil
}

func (s *session) delete(tx *writeTx, st deleteStmt, params map[string]param) (int64, error) {
	t, err := s.dmlTable(st.table)
	if err != nil {
		return 0, err
	}
	keep, err := matches(s.tableScope(t, params), st.where)
	if err != nil {
		return 0, err
	}
	var rows [][]any
	var n int64
	for _, r := range t.Rows {
		gone, err := keep(r)
		if err != nil {
			return 0, err
		}
		if !gone {
			rows = append(rows, r)
			continue
		}
		n++
		tx.record(t, 1, s.db.seq(), updateMask(len(t.Columns), func(int) bool { return true }), r)
	}
	t.Rows = rows
	return n, nil
}

func (s *session) update(tx *writeTx, st updateStmt, params map[string]param) (int64, error) {
	t, err := s.dmlTable(st.table)
	if err != nil {
		return 0, err
	}
	sc := s.tableScope(t, params)
	hit, err := matches(sc, st.where)
	if err != nil {
		return 0, err
	}
	set, err := compileSets(sc, t, st.sets)
	if err != nil {
		return 0, err
	}
	rows := make([][]any, len(t.Rows))
	var n int64
	for i, r := range t.Rows {
		rows[i] = r
		if ok, err := hit(r); err != nil || !ok {
			if err != nil {
				return 0, err
			}
			continue
		}
		if rows[i], err = set(r); err != nil {
			return 0, fmt.Errorf("update %s: %w", t.QualifiedName(), err)
		}
		n++
		s.recordUpdate(tx, t, r, rows[i])
	}
	t.Rows = rows
	return n, nil
}

// compileSets returns the function that makes a row's new version: the SET
// values, evaluated on the old row and converted to their columns' types,
// then the computed columns again.
func compileSets(sc *scope, t *Table, sets []setItem) (func(row []any) ([]any, error), error) {
	idx := make([]int, len(sets))
	vals := make([]*compiled, len(sets))
	for k, it := range sets {
		i, c := t.Column(it.column)
		if c == nil {
			return nil, fmt.Errorf("invalid column name '%s'", it.column)
		}
		if c.Computed != "" || c.Identity != nil {
			return nil, fmt.Errorf("cannot update column %s: it is computed or an identity", c.Name)
		}
		var err error
		if vals[k], err = sc.compile(it.e); err != nil {
			return nil, err
		}
		idx[k] = i
	}
	return func(row []any) ([]any, error) {
		out := append([]any(nil), row...)
		for k, i := range idx {
			v, err := vals[k].eval(&evalCtx{row: row})
			if err != nil {
				return nil, err
			}
			c := t.Columns[i]
			if out[i], err = convert(v, vals[k].typ, c.Type, true); err != nil {
				return nil, fmt.Errorf("column %s: %w", c.Name, err)
			}
			if out[i] == nil && !c.Nullable {
				return nil, fmt.Errorf("cannot insert the value NULL into column '%s'", c.Name)
			}
		}
		for i, c := range t.Columns {
			if c.computed != nil && c.Computed != "" {
				v, err := c.computed.eval(&evalCtx{row: out})
				if err != nil {
					return nil, err
				}
				out[i] = v
			}
		}
		return out, nil
	}, nil
}

// recordUpdate records an update: as a delete and an insert when it
// changed a primary key column (SQL Server logs such an update so, and
// change data capture shows it so), else as before (3) and after (4)
// images of one seqval.
func (s *session) recordUpdate(tx *writeTx, t *Table, old, row []any) {
	changed := func(i int) bool {
		if (old[i] == nil) != (row[i] == nil) {
			return true
		}
		if old[i] == nil {
			return false
		}
		n, err := compareValues(old[i], row[i], t.Columns[i].Type, t.Columns[i].Type.Collation)
		return err != nil || n != 0 || fmt.Sprint(old[i]) != fmt.Sprint(row[i])
	}
	all := func(int) bool { return true }
	if t.PrimaryKey != nil {
		idx, _ := t.columnIndexes(t.PrimaryKey.Columns)
		for _, i := range idx {
			if changed(i) {
				tx.record(t, 1, s.db.seq(), updateMask(len(old), all), old)
				tx.record(t, 2, s.db.seq(), updateMask(len(row), all), row)
				return
			}
		}
	}
	seq, mask := s.db.seq(), updateMask(len(row), changed)
	tx.record(t, 3, seq, mask, old)
	tx.record(t, 4, seq, mask, row)
}
