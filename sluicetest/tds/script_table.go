package tds

import (
	"fmt"
	"strconv"
	"strings"
)

func (l *loader) createTable(p *parser) error {
	db, err := l.db()
	if err != nil {
		return err
	}
	parts, err := p.objectName()
	if err != nil {
		return err
	}
	schema := schemaOf(parts)
	if !db.hasSchema(schema) {
		return fmt.Errorf("schema %s does not exist", schema)
	}
	t := &Table{Schema: schema, Name: parts[len(parts)-1], ID: db.newID()}
	if db.Table(t.Schema, t.Name) != nil {
		return fmt.Errorf("table %s already exists", t.QualifiedName())
	}
	if err := p.expectOp("("); err != nil {
		return err
	}
	for {
		if err := l.tableElement(p, t); err != nil {
			return err
		}
		if !p.acceptOp(",") {
			break
		}
	}
	if err := p.expectOp(")"); err != nil {
		return err
	}
	if err := l.compileComputed(t); err != nil {
		return err
	}
	db.Tables = append(db.Tables, t)
	return nil
}

func (l *loader) tableElement(p *parser, t *Table) error {
	if p.isKeyword("CONSTRAINT", "PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "INDEX") {
		return l.tableConstraint(p, t)
	}
	return l.columnDef(p, t)
}

func (l *loader) columnDef(p *parser, t *Table) error {
	name, err := p.ident()
	if err != nil {
		return err
	}
	c := &Column{Name: name, Nullable: true}
	if p.acceptKeyword("AS") {
		start := p.i
		if _, err := p.expr(); err != nil {
			return err
		}
		c.Computed = stripParens(p.textFrom(start))
		c.Persisted = p.acceptWord("PERSISTED")
		t.Columns = append(t.Columns, c)
		return nil
	}
	ref, err := p.typeSpec()
	if err != nil {
		return err
	}
	if c.Type, err = l.session().resolveType(ref); err != nil {
		return err
	}
	t.Columns = append(t.Columns, c)
	for !p.isOp(",") && !p.isOp(")") {
		if err := l.columnOption(p, t, c); err != nil {
			return err
		}
	}
	return nil
}

func (l *loader) columnOption(p *parser, t *Table, c *Column) error {
	constraint := ""
	if p.acceptKeyword("CONSTRAINT") {
		var err error
		if constraint, err = p.ident(); err != nil {
			return err
		}
	}
	switch {
	case p.acceptKeyword("COLLATE"):
		name, err := p.ident()
		if err == nil {
			c.Type.Collation, err = LookupCollation(name)
		}
		return err
	case p.acceptKeyword("IDENTITY"):
		return identity(p, c)
	case p.acceptKeyword("NULL"):
		c.Nullable = true
	case p.acceptKeyword("NOT"):
		c.Nullable = false
		return p.expectKeyword("NULL")
	case p.acceptKeyword("PRIMARY"):
		if err := p.expectKeyword("KEY"); err != nil {
			return err
		}
		c.Nullable = false
		return setPrimaryKey(t, constraint, []string{c.Name}, !p.acceptKeyword("NONCLUSTERED") || p.acceptKeyword("CLUSTERED"), l)
	case p.acceptKeyword("UNIQUE"):
		p.acceptKeyword("NONCLUSTERED")
		p.acceptKeyword("CLUSTERED")
		t.Uniques = append(t.Uniques, &KeyConstraint{Name: orName(constraint, "UQ", t), Columns: []string{c.Name}, ID: l.cur.newID()})
	case p.acceptKeyword("DEFAULT"):
		return l.defaultValue(p, t, c, constraint)
	case p.isKeyword("CHECK"):
		return l.check(p, t, constraint)
	case p.acceptKeyword("REFERENCES"):
		return l.references(p, t, constraint, []string{c.Name})
	case p.acceptWord("ROWGUIDCOL"), p.acceptWord("SPARSE"):
	default:
		return p.errorf("unknown column option")
	}
	return nil
}

func identity(p *parser, c *Column) error {
	c.Identity = &Identity{Seed: 1, Increment: 1}
	c.Nullable = false
	if !p.acceptOp("(") {
		c.Identity.Last = c.Identity.Seed - c.Identity.Increment
		return nil
	}
	nums := make([]int64, 2)
	for i := range nums {
		neg := p.acceptOp("-")
		n, err := strconv.ParseInt(p.advance().text, 10, 64)
		if err != nil {
			return p.errorf("expected an identity seed and increment")
		}
		if neg {
			n = -n
		}
		nums[i] = n
		if i == 0 {
			if err := p.expectOp(","); err != nil {
				return err
			}
		}
	}
	c.Identity.Seed, c.Identity.Increment = nums[0], nums[1]
	c.Identity.Last = nums[0] - nums[1]
	return p.expectOp(")")
}

// orName is a constraint's given name, or one generated as SQL Server does
// (PK__Table__1A2B3C4D).
func orName(name, prefix string, t *Table) string {
	if name != "" {
		return name
	}
	return fmt.Sprintf("%s__%s__%08X", prefix, t.Name, uint32(t.ID*31+len(t.Uniques)+len(t.Checks)))
}

func setPrimaryKey(t *Table, name string, cols []string, clustered bool, l *loader) error {
	if t.PrimaryKey != nil {
		return fmt.Errorf("table %s has two primary keys", t.QualifiedName())
	}
	t.PrimaryKey = &KeyConstraint{Name: orName(name, "PK", t), Columns: cols, Clustered: clustered, ID: l.cur.newID()}
	return nil
}

func (l *loader) defaultValue(p *parser, t *Table, c *Column, name string) error {
	start := p.i
	e, err := p.expr()
	if err != nil {
		return err
	}
	text := p.textFrom(start)
	if lit, ok := e.(literal); ok && lit.kind == tokNumber {
		text = "(" + text + ")" // SQL Server shows DEFAULT 0 as ((0))
	}
	c.Default = &DefaultDef{Name: orName(name, "DF", t), Definition: "(" + text + ")", ID: l.cur.newID()}
	return nil
}

func (l *loader) check(p *parser, t *Table, name string) error {
	p.advance()
	if err := p.expectOp("("); err != nil {
		return err
	}
	start := p.i
	if _, err := p.expr(); err != nil {
		return err
	}
	text := p.textFrom(start)
	t.Checks = append(t.Checks, &CheckDef{Name: orName(name, "CK", t), Definition: "(" + text + ")", ID: l.cur.newID()})
	return p.expectOp(")")
}

func (l *loader) tableConstraint(p *parser, t *Table) error {
	name := ""
	if p.acceptKeyword("CONSTRAINT") {
		var err error
		if name, err = p.ident(); err != nil {
			return err
		}
	}
	switch {
	case p.acceptKeyword("PRIMARY"):
		return l.primaryKey(p, t, name)
	case p.acceptKeyword("UNIQUE"):
		p.acceptKeyword("NONCLUSTERED")
		p.acceptKeyword("CLUSTERED")
		cols, err := l.keyColumns(p, t)
		t.Uniques = append(t.Uniques, &KeyConstraint{Name: orName(name, "UQ", t), Columns: cols, ID: l.cur.newID()})
		return err
	case p.acceptKeyword("FOREIGN"):
		if err := p.expectKeyword("KEY"); err != nil {
			return err
		}
		cols, err := p.identList()
		if err != nil {
			return err
		}
		if err := p.expectKeyword("REFERENCES"); err != nil {
			return err
		}
		return l.references(p, t, name, cols)
	case p.isKeyword("CHECK"):
		return l.check(p, t, name)
	case p.acceptKeyword("DEFAULT"):
		return l.defaultFor(p, t, name)
	case p.acceptKeyword("INDEX"):
		return l.inlineIndex(p, t)
	}
	return p.errorf("unknown table constraint")
}

// primaryKey reads the rest of PRIMARY KEY [CLUSTERED|NONCLUSTERED] (cols)
// and makes the key's columns NOT NULL, as SQL Server does.
func (l *loader) primaryKey(p *parser, t *Table, name string) error {
	if err := p.expectKeyword("KEY"); err != nil {
		return err
	}
	clustered := !p.acceptKeyword("NONCLUSTERED")
	p.acceptKeyword("CLUSTERED")
	cols, err := l.keyColumns(p, t)
	if err != nil {
		return err
	}
	for _, col := range cols {
		_, c := t.Column(col)
		c.Nullable = false
	}
	return setPrimaryKey(t, name, cols, clustered, l)
}

// keyColumns reads a key's column list and checks that the columns exist.
func (l *loader) keyColumns(p *parser, t *Table) ([]string, error) {
	cols, err := p.identList()
	if err != nil {
		return nil, err
	}
	_, err = t.columnIndexes(cols)
	return cols, err
}

func (l *loader) inlineIndex(p *parser, t *Table) error {
	name, err := p.ident()
	if err != nil {
		return err
	}
	unique := p.acceptKeyword("UNIQUE")
	p.acceptKeyword("NONCLUSTERED")
	p.acceptKeyword("CLUSTERED")
	cols, err := p.identList()
	t.Indexes = append(t.Indexes, &IndexDef{Name: name, Columns: cols, Unique: unique})
	return err
}

// defaultFor reads ALTER TABLE ... ADD CONSTRAINT name DEFAULT expr FOR col.
func (l *loader) defaultFor(p *parser, t *Table, name string) error {
	start := p.i
	if _, err := p.additive(); err != nil {
		return err
	}
	text := p.textFrom(start)
	if !p.acceptWord("FOR") {
		return p.errorf("expected FOR")
	}
	col, err := p.ident()
	if err != nil {
		return err
	}
	_, c := t.Column(col)
	if c == nil {
		return fmt.Errorf("no column %s in %s", col, t.QualifiedName())
	}
	c.Default = &DefaultDef{Name: orName(name, "DF", t), Definition: "(" + text + ")", ID: l.cur.newID()}
	return nil
}

func (l *loader) references(p *parser, t *Table, name string, cols []string) error {
	parts, err := p.objectName()
	if err != nil {
		return err
	}
	fk := &ForeignKeyDef{Name: orName(name, "FK", t), Columns: cols, RefSchema: schemaOf(parts),
		RefTable: parts[len(parts)-1], OnDelete: "NO_ACTION", OnUpdate: "NO_ACTION", ID: l.cur.newID()}
	if p.isOp("(") {
		if fk.RefColumns, err = p.identList(); err != nil {
			return err
		}
	}
	ref := l.cur.Table(fk.RefSchema, fk.RefTable)
	if ref == nil && !strings.EqualFold(fk.RefTable, t.Name) {
		return fmt.Errorf("foreign key %s references %s.%s, which does not exist", fk.Name, fk.RefSchema, fk.RefTable)
	}
	if ref == nil {
		ref = t
	}
	if fk.RefColumns == nil && ref.PrimaryKey != nil {
		fk.RefColumns = ref.PrimaryKey.Columns
	}
	for p.acceptKeyword("ON") {
		if err := fkAction(p, fk); err != nil {
			return err
		}
	}
	t.ForeignKeys = append(t.ForeignKeys, fk)
	return nil
}

func fkAction(p *parser, fk *ForeignKeyDef) error {
	target := &fk.OnDelete
	if !p.acceptKeyword("DELETE") {
		if err := p.expectKeyword("UPDATE"); err != nil {
			return err
		}
		target = &fk.OnUpdate
	}
	switch {
	case p.acceptWord("NO"):
		*target = "NO_ACTION"
		return expectWord(p, "ACTION")
	case p.acceptWord("CASCADE"):
		*target = "CASCADE"
	case p.acceptKeyword("SET"):
		if p.acceptKeyword("NULL") {
			*target = "SET_NULL"
		} else if p.acceptKeyword("DEFAULT") {
			*target = "SET_DEFAULT"
		} else {
			return p.errorf("expected NULL or DEFAULT")
		}
	default:
		return p.errorf("expected a referential action")
	}
	return nil
}

func expectWord(p *parser, w string) error {
	if !p.acceptWord(w) {
		return p.errorf("expected %s", w)
	}
	return nil
}

// compileComputed binds each computed column's expression to the table's
// other columns; its result type becomes the column's type.
func (l *loader) compileComputed(t *Table) error {
	sc := &scope{quals: []string{t.Name}, sess: l.session()}
	for _, c := range t.Columns {
		sc.cols = append(sc.cols, scopeCol{name: c.Name, typ: c.Type, nullable: c.Nullable})
	}
	for i, c := range t.Columns {
		if c.Computed == "" {
			continue
		}
		p, err := newParser(c.Computed)
		if err != nil {
			return err
		}
		e, err := p.expr()
		if err != nil {
			return err
		}
		if c.computed, err = sc.compile(e); err != nil {
			return fmt.Errorf("computed column %s: %w", c.Name, err)
		}
		c.Type = c.computed.typ
		sc.cols[i].typ = c.Type
	}
	return nil
}

// stripParens removes one pair of parentheses around a whole expression:
// sys.computed_columns adds its own.
func stripParens(s string) string {
	if len(s) < 2 || s[0] != '(' || s[len(s)-1] != ')' {
		return s
	}
	depth := 0
	for i, c := range s {
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 && i < len(s)-1 {
				return s // "(a) + (b)": the first pair closes early
			}
		}
	}
	return s[1 : len(s)-1]
}
