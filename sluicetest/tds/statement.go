package tds

import (
	"fmt"
	"strings"
)

// statement is one statement of a batch the server executes.
type statement interface{ stmtNode() }

type selectStmt struct {
	top      expr
	distinct bool
	items    []selectItem
	from     []string // object name parts; nil for SELECT without FROM
	fromArgs []expr   // the arguments of a table-valued function
	changes  []string // the table of CHANGETABLE(CHANGES table, fromArgs[0])
	alias    string
	where    expr
	orderBy  []orderItem
	offset   expr // OFFSET n ROWS
	fetch    expr // FETCH NEXT n ROWS ONLY
}

type selectItem struct {
	e     expr
	alias string
	star  bool
}

type orderItem struct {
	e    expr
	desc bool
}

type useStmt struct{ db string }

type setStmt struct {
	option string // upper case: TEXTSIZE, TRANSACTION ISOLATION LEVEL, ANSI_NULLS, ...
	value  string // ON, OFF, a number, a level
}

func (selectStmt) stmtNode() {}
func (useStmt) stmtNode()    {}
func (setStmt) stmtNode()    {}

// parseBatch parses the statements of a query batch. Only SELECT, USE and
// SET are understood; anything else is an error that names it.
func parseBatch(sql string) ([]statement, error) {
	p, err := newParser(sql)
	if err != nil {
		return nil, err
	}
	var out []statement
	for {
		for p.acceptOp(";") {
		}
		if p.peek().kind == tokEOF {
			return out, nil
		}
		st, err := p.statement()
		if err != nil {
			return nil, err
		}
		out = append(out, st...)
	}
}

func (p *parser) statement() ([]statement, error) {
	switch {
	case p.isKeyword("SELECT"):
		st, err := p.selectStmt()
		return []statement{st}, err
	case p.acceptKeyword("USE"):
		name, err := p.ident()
		return []statement{useStmt{db: name}}, err
	case p.acceptKeyword("SET"):
		return p.setStmts()
	}
	var st statement
	var err error
	switch word := strings.ToUpper(p.peek().text); {
	case p.acceptKeyword("INSERT"):
		st, err = p.insertStmt()
	case p.acceptKeyword("UPDATE"):
		st, err = p.updateStmt()
	case p.acceptKeyword("DELETE"):
		st, err = p.deleteStmt()
	case p.isKeyword("BEGIN") || p.isWord("COMMIT") || p.isWord("ROLLBACK"):
		st, err = p.tranStatement(word)
	default:
		return nil, fmt.Errorf("the test server does not support %s statements (it answers SELECT, INSERT, UPDATE, DELETE, BEGIN TRANSACTION, COMMIT, ROLLBACK, USE and SET)", word)
	}
	if err != nil {
		return nil, err
	}
	return []statement{st}, nil
}

func (p *parser) selectStmt() (selectStmt, error) {
	p.advance()
	var st selectStmt
	st.distinct = p.acceptKeyword("DISTINCT")
	if p.acceptKeyword("TOP") {
		e, err := p.topCount()
		if err != nil {
			return st, err
		}
		st.top = e
	}
	var err error
	if st.items, err = p.selectItems(); err != nil {
		return st, err
	}
	if p.acceptKeyword("FROM") {
		if err := p.fromClause(&st); err != nil {
			return st, err
		}
	}
	if p.acceptKeyword("WHERE") {
		if st.where, err = p.expr(); err != nil {
			return st, err
		}
	}
	if p.isKeyword("GROUP", "UNION", "JOIN") {
		return st, p.errorf("the test server does not support %s", p.peek().text)
	}
	if p.acceptKeyword("ORDER") {
		if err := p.expectKeyword("BY"); err != nil {
			return st, err
		}
		if st.orderBy, err = p.orderItems(); err != nil {
			return st, err
		}
		err = p.offsetFetch(&st)
	}
	return st, err
}

// offsetFetch reads OFFSET n ROWS [FETCH FIRST|NEXT m ROWS ONLY].
func (p *parser) offsetFetch(st *selectStmt) error {
	if !p.acceptWord("OFFSET") {
		return nil
	}
	var err error
	if st.offset, err = p.additive(); err != nil {
		return err
	}
	if !p.acceptWord("ROWS") && !p.acceptWord("ROW") {
		return p.errorf("expected ROWS")
	}
	if !p.acceptWord("FETCH") {
		return nil
	}
	if !p.acceptWord("NEXT") && !p.acceptWord("FIRST") {
		return p.errorf("expected NEXT")
	}
	if st.fetch, err = p.additive(); err != nil {
		return err
	}
	if !p.acceptWord("ROWS") && !p.acceptWord("ROW") {
		return p.errorf("expected ROWS")
	}
	if !p.acceptWord("ONLY") {
		return p.errorf("expected ONLY")
	}
	return nil
}

// topCount reads TOP (expr) or TOP n.
func (p *parser) topCount() (expr, error) {
	if p.isOp("(") {
		return p.primary()
	}
	t := p.advance()
	if t.kind != tokNumber && t.kind != tokParam {
		return nil, p.errorf("expected a row count after TOP")
	}
	if t.kind == tokParam {
		return paramRef{name: t.text}, nil
	}
	return literal{kind: tokNumber, text: t.text}, nil
}

func (p *parser) selectItems() ([]selectItem, error) {
	var items []selectItem
	for {
		if p.acceptOp("*") {
			items = append(items, selectItem{star: true})
		} else {
			item, err := p.selectItem()
			if err != nil {
				return nil, err
			}
			items = append(items, item)
		}
		if !p.acceptOp(",") {
			return items, nil
		}
	}
}

func (p *parser) selectItem() (selectItem, error) {
	// alias = expr
	if (p.peek().kind == tokIdent) && p.peekAt(1).kind == tokOp && p.peekAt(1).text == "=" {
		alias := p.advance().text
		p.advance()
		e, err := p.expr()
		return selectItem{e: e, alias: alias}, err
	}
	e, err := p.expr()
	if err != nil {
		return selectItem{}, err
	}
	item := selectItem{e: e}
	if p.acceptKeyword("AS") {
		t := p.advance()
		if t.kind != tokIdent && t.kind != tokString {
			return item, p.errorf("expected an alias")
		}
		item.alias = t.text
	} else if p.peek().kind == tokIdent {
		item.alias = p.advance().text
	}
	return item, nil
}

func (p *parser) fromClause(st *selectStmt) error {
	var err error
	if isChangeTable(p) {
		err = p.changeTableSource(st)
	} else {
		st.from, err = p.objectName()
	}
	if err != nil {
		return err
	}
	if p.isOp("(") && st.changes == nil {
		if st.fromArgs, err = p.exprList(); err != nil {
			return err
		}
		if st.fromArgs == nil {
			st.fromArgs = []expr{}
		}
	}
	if p.acceptKeyword("AS") {
		if st.alias, err = p.ident(); err != nil {
			return err
		}
	} else if p.peek().kind == tokIdent {
		st.alias = p.advance().text
	}
	if p.acceptKeyword("WITH") { // table hints: accepted, no effect on an in-memory table
		if _, err := p.identList(); err != nil {
			return err
		}
	}
	if p.isOp(",") || p.isKeyword("JOIN") || p.isWord("inner") || p.isWord("left") || p.isWord("cross") {
		return p.errorf("the test server reads one table per SELECT; joins are not supported")
	}
	return nil
}

func (p *parser) orderItems() ([]orderItem, error) {
	var items []orderItem
	for {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		item := orderItem{e: e}
		if p.acceptKeyword("DESC") {
			item.desc = true
		} else {
			p.acceptKeyword("ASC")
		}
		items = append(items, item)
		if !p.acceptOp(",") {
			return items, nil
		}
	}
}

// setFlags are the SET options that take ON or OFF.
var setFlags = map[string]bool{
	"ANSI_NULLS": true, "QUOTED_IDENTIFIER": true, "ANSI_PADDING": true, "ANSI_WARNINGS": true,
	"ARITHABORT": true, "CONCAT_NULL_YIELDS_NULL": true, "NOCOUNT": true, "IMPLICIT_TRANSACTIONS": true,
	"ANSI_NULL_DFLT_ON": true, "ANSI_NULL_DFLT_OFF": true, "CURSOR_CLOSE_ON_COMMIT": true, "XACT_ABORT": true,
	"NUMERIC_ROUNDABORT": true, "ARITHIGNORE": true, "FMTONLY": true, "NOEXEC": true, "ANSI_DEFAULTS": true,
}

// setValued are the SET options that take one value.
var setValued = map[string]bool{
	"TEXTSIZE": true, "LOCK_TIMEOUT": true, "DATEFORMAT": true, "DATEFIRST": true,
	"LANGUAGE": true, "DEADLOCK_PRIORITY": true, "ROWCOUNT": true, "CONTEXT_INFO": true,
}

func (p *parser) setStmts() ([]statement, error) {
	first := strings.ToUpper(p.peek().text)
	switch {
	case first == "TRANSACTION":
		return p.setIsolation()
	case setValued[first]:
		p.advance()
		v := p.advance()
		if v.kind == tokOp && v.text == "-" { // LOCK_TIMEOUT -1
			v = p.advance()
			v.text = "-" + v.text
		}
		return []statement{setStmt{option: first, value: strings.ToUpper(v.text)}}, nil
	}
	var names []string
	for {
		name := strings.ToUpper(p.peek().text)
		if !setFlags[name] {
			return nil, p.errorf("the test server does not support SET %s", name)
		}
		p.advance()
		names = append(names, name)
		if !p.acceptOp(",") {
			break
		}
	}
	v := strings.ToUpper(p.advance().text)
	if v != "ON" && v != "OFF" {
		return nil, p.errorf("expected ON or OFF")
	}
	var out []statement
	for _, n := range names {
		out = append(out, setStmt{option: n, value: v})
	}
	return out, nil
}

var isolationLevels = []string{"READ UNCOMMITTED", "READ COMMITTED", "REPEATABLE READ", "SNAPSHOT", "SERIALIZABLE"}

func (p *parser) setIsolation() ([]statement, error) {
	p.advance()
	if !p.acceptWord("ISOLATION") || !p.acceptWord("LEVEL") {
		return nil, p.errorf("expected ISOLATION LEVEL")
	}
	var words []string
	for p.peek().kind == tokIdent || p.peek().kind == tokKeyword {
		if p.isKeyword("SET", "SELECT", "USE") {
			break
		}
		words = append(words, strings.ToUpper(p.advance().text))
		level := strings.Join(words, " ")
		for _, l := range isolationLevels {
			if l == level {
				return []statement{setStmt{option: "TRANSACTION ISOLATION LEVEL", value: level}}, nil
			}
		}
	}
	return nil, p.errorf("unknown isolation level %q", strings.Join(words, " "))
}
