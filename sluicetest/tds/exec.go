package tds

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// relation is what a FROM clause reads: a fixture table or a catalog view.
type relation struct {
	quals []string // names a column may be qualified by
	cols  []scopeCol
	rows  [][]any
	table *Table // nil for a catalog view
}

// resultCol describes one column of a result set.
type resultCol struct {
	name     string
	typ      ColType
	nullable bool
}

// rowSink receives a result set; row returns errCancelled once the client
// has sent an attention.
type rowSink interface {
	columns(cols []resultCol) error
	row(vals []any) error
}

var errCancelled = errors.New("cancelled by the client")

// query is a compiled SELECT.
type query struct {
	rel     *relation
	items   []*compiled
	names   []string
	where   *compiled
	order   []*compiled
	desc    []bool
	top     int64 // -1: no TOP
	offset  int64 // rows skipped (OFFSET)
	fetch   int64 // -1: no FETCH
	aggs    []*aggregator
	colls   []*Collation
	checkDB *Database // the database whose snapshot setting the read needs
}

// runSelect compiles and runs a SELECT, sending its result to sink. It
// returns the number of rows sent.
func (s *session) runSelect(st selectStmt, params map[string]param, sink rowSink) (int64, error) {
	q, err := s.compileSelect(st, params)
	if err != nil {
		return 0, err
	}
	if err := s.checkIsolation(q); err != nil {
		return 0, err
	}
	cols := make([]resultCol, len(q.items))
	for i, c := range q.items {
		cols[i] = resultCol{name: q.names[i], typ: c.typ, nullable: c.nullable || c.name == ""}
	}
	if err := sink.columns(cols); err != nil {
		return 0, err
	}
	return q.run(sink)
}

func (s *session) compileSelect(st selectStmt, params map[string]param) (*query, error) {
	var rel *relation
	var err error
	if st.changes != nil {
		rel, err = s.changeTable(st.changes, st.fromArgs[0], []string{cmp.Or(st.alias, "CHANGETABLE")}, params)
	} else {
		rel, err = s.relation(st.from, st.alias, st.fromArgs, params)
	}
	if err != nil {
		return nil, err
	}
	q := &query{rel: rel, top: -1, fetch: -1}
	if rel.table != nil {
		q.checkDB = s.db
	}
	sc := &scope{quals: rel.quals, cols: rel.cols, params: params, sess: s, aggs: &q.aggs}
	if err := q.compileItems(sc, st.items); err != nil {
		return nil, err
	}
	plain := &scope{quals: rel.quals, cols: rel.cols, params: params, sess: s}
	if st.where != nil {
		if q.where, err = plain.compile(st.where); err != nil {
			return nil, err
		}
	}
	if err := q.compileOrder(plain, st); err != nil {
		return nil, err
	}
	if st.top != nil {
		if q.top, err = evalTop(plain, st.top); err != nil {
			return nil, err
		}
	}
	if st.offset != nil {
		if q.offset, err = evalTop(plain, st.offset); err != nil {
			return nil, err
		}
	}
	if st.fetch != nil {
		if q.fetch, err = evalTop(plain, st.fetch); err != nil {
			return nil, err
		}
	}
	if len(q.aggs) > 0 && len(q.order) > 0 {
		return nil, fmt.Errorf("the test server does not order aggregate results")
	}
	return q, nil
}

func (q *query) compileItems(sc *scope, items []selectItem) error {
	for _, it := range items {
		if it.star {
			if q.rel.table == nil && len(q.rel.cols) == 0 {
				return fmt.Errorf("SELECT * needs a FROM clause")
			}
			for _, c := range q.rel.cols {
				cc, err := sc.compile(columnRef{parts: []string{c.name}})
				if err != nil {
					return err
				}
				q.items, q.names = append(q.items, cc), append(q.names, c.name)
			}
			continue
		}
		c, err := sc.compile(it.e)
		if err != nil {
			return err
		}
		name := it.alias
		if name == "" {
			name = c.name
		}
		q.items, q.names = append(q.items, c), append(q.names, name)
	}
	return nil
}

// compileOrder binds ORDER BY items: a select-list alias, a column
// position, or an expression over the table.
func (q *query) compileOrder(sc *scope, st selectStmt) error {
	for _, o := range st.orderBy {
		c, err := q.orderTerm(sc, o.e)
		if err != nil {
			return err
		}
		q.order, q.desc = append(q.order, c), append(q.desc, o.desc)
		coll := c.typ.Collation
		if coll == nil && isStringFamily(c.typ) {
			coll = sc.sess.collation()
		}
		q.colls = append(q.colls, coll)
	}
	return nil
}

func (q *query) orderTerm(sc *scope, e expr) (*compiled, error) {
	if ref, ok := e.(columnRef); ok && len(ref.parts) == 1 {
		for i, n := range q.names {
			if strings.EqualFold(n, ref.parts[0]) && q.items[i].name == "" {
				return q.items[i], nil
			}
		}
	}
	if lit, ok := e.(literal); ok && lit.kind == tokNumber {
		var n int
		if _, err := fmt.Sscan(lit.text, &n); err == nil && n >= 1 && n <= len(q.items) {
			return q.items[n-1], nil
		}
		return nil, fmt.Errorf("the ORDER BY position number %s is out of range", lit.text)
	}
	return sc.compile(e)
}

func evalTop(sc *scope, e expr) (int64, error) {
	c, err := sc.compile(e)
	if err != nil {
		return 0, err
	}
	v, err := c.eval(&evalCtx{})
	if err != nil {
		return 0, err
	}
	n, err := convert(v, c.typ, ColType{Name: "bigint"}, false)
	if err != nil || n == nil || n.(int64) < 0 {
		return 0, fmt.Errorf("the number of rows provided for a TOP clause must be a non-negative integer")
	}
	return n.(int64), nil
}

func (q *query) run(sink rowSink) (int64, error) {
	rows, err := q.matching()
	if err != nil {
		return 0, err
	}
	if len(q.aggs) > 0 {
		return q.runAggregate(rows, sink)
	}
	if len(q.order) > 0 {
		if rows, err = q.sorted(rows); err != nil {
			return 0, err
		}
	}
	rows = window(rows, q.offset, q.fetch)
	if q.top >= 0 && int64(len(rows)) > q.top {
		rows = rows[:q.top]
	}
	var n int64
	for _, r := range rows {
		vals, err := q.project(r)
		if err != nil {
			return n, err
		}
		if err := sink.row(vals); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// matching returns the rows the WHERE clause keeps.
func (q *query) matching() ([][]any, error) {
	var out [][]any
	for _, r := range q.rel.rows {
		if q.where != nil {
			v, err := q.where.eval(&evalCtx{row: r})
			if err != nil {
				return nil, err
			}
			if v != true {
				continue
			}
		}
		out = append(out, r)
	}
	return out, nil
}

func (q *query) project(r []any) ([]any, error) {
	vals := make([]any, len(q.items))
	for i, c := range q.items {
		var err error
		if vals[i], err = c.eval(&evalCtx{row: r}); err != nil {
			return nil, err
		}
	}
	return vals, nil
}

func (q *query) runAggregate(rows [][]any, sink rowSink) (int64, error) {
	for _, r := range rows {
		for _, a := range q.aggs {
			if err := a.step(&evalCtx{row: r}); err != nil {
				return 0, err
			}
		}
	}
	if q.top == 0 {
		return 0, nil
	}
	vals := make([]any, len(q.items))
	for i, c := range q.items {
		var err error
		if vals[i], err = c.eval(&evalCtx{}); err != nil {
			return 0, err
		}
	}
	return 1, sink.row(vals)
}

// sorted orders rows by the ORDER BY terms: NULLs first, strings by their
// collation; rows that compare equal keep their stored order.
func (q *query) sorted(rows [][]any) ([][]any, error) {
	keys := make([][]any, len(rows))
	for i, r := range rows {
		keys[i] = make([]any, len(q.order))
		for j, c := range q.order {
			v, err := c.eval(&evalCtx{row: r})
			if err != nil {
				return nil, err
			}
			keys[i][j] = v
		}
	}
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	var sortErr error
	slices.SortStableFunc(idx, func(a, b int) int {
		n, err := q.compareKeys(keys[a], keys[b])
		if err != nil {
			sortErr = err
		}
		return n
	})
	out := make([][]any, len(rows))
	for i, j := range idx {
		out[i] = rows[j]
	}
	return out, sortErr
}

func (q *query) compareKeys(a, b []any) (int, error) {
	for j, c := range q.order {
		var n int
		switch {
		case a[j] == nil && b[j] == nil:
		case a[j] == nil:
			n = -1
		case b[j] == nil:
			n = 1
		default:
			var err error
			if n, err = compareValues(a[j], b[j], c.typ, q.colls[j]); err != nil {
				return 0, err
			}
		}
		if q.desc[j] {
			n = -n
		}
		if n != 0 {
			return n, nil
		}
	}
	return 0, nil
}

// window applies OFFSET and FETCH (-1: all the rest).
func window(rows [][]any, offset, fetch int64) [][]any {
	rows = rows[min(offset, int64(len(rows))):]
	if fetch >= 0 && int64(len(rows)) > fetch {
		rows = rows[:fetch]
	}
	return rows
}
