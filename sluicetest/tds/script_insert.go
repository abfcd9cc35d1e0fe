package tds

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// insert runs INSERT [INTO] table [(columns)] VALUES (...), (...): each
// value is converted to its column's type as an INSERT does (a string too
// long for its column is an error, never cut); identity, default and
// computed columns are filled.
func (l *loader) insert(p *parser) error {
	p.acceptKeyword("INTO")
	parts, err := p.objectName()
	if err != nil {
		return err
	}
	t, err := l.table(parts)
	if err != nil {
		return err
	}
	idx, err := l.insertColumns(p, t)
	if err != nil {
		return err
	}
	if err := p.expectKeyword("VALUES"); err != nil {
		return err
	}
	sc := &scope{sess: l.session()}
	for {
		list, err := p.exprList()
		if err != nil {
			return err
		}
		if len(list) != len(idx) {
			return fmt.Errorf("%d values for %d columns", len(list), len(idx))
		}
		if err := l.insertRow(sc, t, idx, list); err != nil {
			return fmt.Errorf("row %d of %s: %w", len(t.Rows)+1, t.QualifiedName(), err)
		}
		if !p.acceptOp(",") {
			return nil
		}
	}
}

func (l *loader) insertColumns(p *parser, t *Table) ([]int, error) {
	if !p.isOp("(") {
		var idx []int
		for i, c := range t.Columns {
			if c.Computed == "" && c.Identity == nil {
				idx = append(idx, i)
			}
		}
		return idx, nil
	}
	names, err := p.identList()
	if err != nil {
		return nil, err
	}
	return t.columnIndexes(names)
}

func (l *loader) insertRow(sc *scope, t *Table, idx []int, list []expr) error {
	row := make([]any, len(t.Columns))
	given := make([]bool, len(t.Columns))
	for k, e := range list {
		c := t.Columns[idx[k]]
		if c.Computed != "" {
			return fmt.Errorf("cannot insert into computed column %s", c.Name)
		}
		v, err := evalConvert(sc, e, c.Type)
		if err != nil {
			return fmt.Errorf("column %s: %w", c.Name, err)
		}
		row[idx[k]], given[idx[k]] = v, true
	}
	for i, c := range t.Columns {
		if err := l.fill(sc, t, row, given, i, c); err != nil {
			return fmt.Errorf("column %s: %w", c.Name, err)
		}
	}
	t.Rows = append(t.Rows, row)
	return nil
}

// evalConvert evaluates a constant expression and converts it to type to.
func evalConvert(sc *scope, e expr, to ColType) (any, error) {
	c, err := sc.compile(e)
	if err != nil {
		return nil, err
	}
	v, err := c.eval(&evalCtx{})
	if err != nil {
		return nil, err
	}
	return convert(v, c.typ, to, true)
}

// fill completes column i of a new row: the next identity value, the
// default, the computed value; then checks NOT NULL.
func (l *loader) fill(sc *scope, t *Table, row []any, given []bool, i int, c *Column) error {
	switch {
	case c.Identity != nil && !given[i]:
		c.Identity.Last += c.Identity.Increment
		row[i] = c.Identity.Last
	case c.Identity != nil:
		if n, ok := row[i].(int64); ok && n > c.Identity.Last {
			c.Identity.Last = n
		}
	case c.Type.Name == "timestamp" && !given[i]:
		l.rowVersion++
		row[i] = binary.BigEndian.AppendUint64(nil, uint64(l.rowVersion))
	case c.Computed != "":
		v, err := c.computed.eval(&evalCtx{row: row})
		if err != nil {
			return err
		}
		row[i] = v
	case !given[i] && c.Default != nil:
		p, err := newParser(strings.TrimSpace(c.Default.Definition))
		if err != nil {
			return err
		}
		e, err := p.expr()
		if err != nil {
			return err
		}
		if row[i], err = evalConvert(sc, e, c.Type); err != nil {
			return err
		}
	}
	if row[i] == nil && !c.Nullable {
		return fmt.Errorf("cannot insert NULL into a NOT NULL column")
	}
	return nil
}
