package tds

import (
	"fmt"
	"regexp"
	"strings"
)

// LoadScript runs a T-SQL fixture script and returns the databases it
// creates. It understands what fixture scripts use: batches split by GO,
// CREATE DATABASE/SCHEMA/TYPE/TABLE/INDEX/VIEW/TRIGGER/PROCEDURE/FUNCTION,
// ALTER DATABASE ... SET ALLOW_SNAPSHOT_ISOLATION, ALTER TABLE ... ADD
// CONSTRAINT, INSERT ... VALUES, sp_addextendedproperty, USE, SET, and
// IF ... BEGIN ... END blocks, which it skips (scripts use them to drop an
// older copy). The same script runs on a real SQL Server.
func LoadScript(script string) ([]*Database, error) {
	l := &loader{}
	for i, batch := range splitBatches(script) {
		if strings.TrimSpace(batch) == "" {
			continue
		}
		if err := l.batch(batch); err != nil {
			return nil, fmt.Errorf("batch %d: %w", i+1, err)
		}
	}
	return l.dbs, nil
}

var goLine = regexp.MustCompile(`(?im)^[ \t]*GO[ \t]*(?:--.*)?\r?$`)

func splitBatches(script string) []string {
	return goLine.Split(script, -1)
}

// loader holds the state of a script run: the databases and the current one.
type loader struct {
	dbs        []*Database
	cur        *Database
	rowVersion int64 // the last rowversion given out
}

func (l *loader) session() *session {
	db := l.cur
	if db == nil {
		db = NewDatabase("master")
	}
	return &session{srv: &Server{dbs: l.dbs}, db: db}
}

// routineDDL is a CREATE statement that must be alone in its batch; the
// batch is its definition.
var routineDDL = regexp.MustCompile(`(?is)^\s*(?:/\*.*?\*/\s*|--[^\n]*\n\s*)*CREATE\s+(?:OR\s+ALTER\s+)?(VIEW|TRIGGER|PROCEDURE|PROC|FUNCTION)\b`)

func (l *loader) batch(text string) error {
	if m := routineDDL.FindStringSubmatch(text); m != nil {
		return l.routine(strings.ToUpper(m[1]), strings.TrimSpace(text))
	}
	p, err := newParser(text)
	if err != nil {
		return err
	}
	for {
		for p.acceptOp(";") {
		}
		if p.peek().kind == tokEOF {
			return nil
		}
		start := p.i
		if err := l.statement(p); err != nil {
			return fmt.Errorf("%s: %w", shortText(p, start), err)
		}
	}
}

// shortText is the start of the statement at token i, for messages.
func shortText(p *parser, i int) string {
	s := p.src[p.toks[i].pos:]
	if len(s) > 60 {
		s = s[:60] + "..."
	}
	return strings.Join(strings.Fields(s), " ")
}

// textFrom is the source text from token i to the current token.
func (p *parser) textFrom(i int) string {
	return strings.TrimSpace(p.src[p.toks[i].pos:p.peek().pos])
}

func (l *loader) statement(p *parser) error {
	switch {
	case p.acceptKeyword("IF"):
		return skipIf(p)
	case p.acceptKeyword("USE"):
		name, err := p.ident()
		if err == nil {
			err = l.use(name)
		}
		return err
	case p.acceptKeyword("SET"):
		return skipSet(p)
	case p.acceptKeyword("INSERT"):
		return l.insert(p)
	case p.isKeyword("EXEC", "EXECUTE"):
		p.advance()
		return l.exec(p)
	case p.acceptKeyword("ALTER"):
		return l.alter(p)
	case p.acceptKeyword("CREATE"):
		return l.create(p)
	}
	return p.errorf("fixture scripts may not use this statement")
}

func skipIf(p *parser) error {
	for !p.isKeyword("BEGIN") {
		if p.peek().kind == tokEOF {
			return p.errorf("IF without BEGIN")
		}
		p.advance()
	}
	depth := 0
	for {
		t := p.advance()
		switch {
		case t.kind == tokEOF:
			return p.errorf("BEGIN without END")
		case t.kind == tokKeyword && (t.text == "BEGIN" || t.text == "CASE"):
			depth++
		case t.kind == tokKeyword && t.text == "END":
			if depth--; depth == 0 {
				return nil
			}
		}
	}
}

// skipSet ignores SET options (NOCOUNT, IDENTITY_INSERT, ...): they do not
// change what the loader stores.
func skipSet(p *parser) error {
	for !p.atEnd() {
		if p.isWord("ON") || p.isWord("OFF") {
			p.advance()
			return nil
		}
		p.advance()
	}
	return nil
}

func (l *loader) use(name string) error {
	for _, db := range l.dbs {
		if strings.EqualFold(db.Name, name) {
			l.cur = db
			return nil
		}
	}
	return fmt.Errorf("database %s does not exist", name)
}

func (l *loader) db() (*Database, error) {
	if l.cur == nil {
		return nil, fmt.Errorf("no current database: the script must CREATE DATABASE and USE it first")
	}
	return l.cur, nil
}

func (l *loader) create(p *parser) error {
	unique := p.acceptKeyword("UNIQUE")
	p.acceptKeyword("CLUSTERED")
	p.acceptKeyword("NONCLUSTERED")
	spatial := p.acceptWord("SPATIAL")
	switch {
	case p.acceptKeyword("DATABASE"):
		return l.createDatabase(p)
	case p.acceptWord("SCHEMA"):
		return l.createSchema(p)
	case p.acceptWord("TYPE"):
		return l.createType(p)
	case p.acceptKeyword("TABLE"):
		return l.createTable(p)
	case p.acceptKeyword("INDEX"):
		return l.createIndex(p, unique, spatial)
	}
	return p.errorf("fixture scripts may not create this")
}

func (l *loader) createDatabase(p *parser) error {
	name, err := p.ident()
	if err != nil {
		return err
	}
	db := NewDatabase(name)
	if p.acceptKeyword("COLLATE") {
		c, err := p.ident()
		if err != nil {
			return err
		}
		if db.Collation, err = LookupCollation(c); err != nil {
			return err
		}
	}
	l.dbs = append(l.dbs, db)
	return nil
}

func (l *loader) createSchema(p *parser) error {
	db, err := l.db()
	if err != nil {
		return err
	}
	name, err := p.ident()
	if err != nil {
		return err
	}
	if p.acceptWord("AUTHORIZATION") {
		if _, err := p.ident(); err != nil {
			return err
		}
	}
	db.Schemas = append(db.Schemas, name)
	return nil
}

func (l *loader) createType(p *parser) error {
	db, err := l.db()
	if err != nil {
		return err
	}
	parts, err := p.objectName()
	if err != nil {
		return err
	}
	if err := p.expectKeyword("FROM"); err != nil {
		return err
	}
	ref, err := p.typeSpec()
	if err != nil {
		return err
	}
	base, err := MakeType(ref.name, ref.args, db.Collation)
	if err != nil {
		return err
	}
	a := &AliasType{Schema: schemaOf(parts), Name: parts[len(parts)-1], Base: base, Nullable: true, ID: 257 + len(db.Types)}
	db.Types = append(db.Types, a)
	if p.acceptKeyword("NOT") {
		a.Nullable = false
		return p.expectKeyword("NULL")
	}
	p.acceptKeyword("NULL")
	return nil
}

// schemaOf is the schema part of a one- to three-part name (dbo if none).
func schemaOf(parts []string) string {
	if len(parts) >= 2 && parts[len(parts)-2] != "" {
		return parts[len(parts)-2]
	}
	return "dbo"
}

func (l *loader) table(parts []string) (*Table, error) {
	db, err := l.db()
	if err != nil {
		return nil, err
	}
	t := db.Table(schemaOf(parts), parts[len(parts)-1])
	if t == nil {
		return nil, fmt.Errorf("no table %s", strings.Join(parts, "."))
	}
	return t, nil
}

func (l *loader) createIndex(p *parser, unique, spatial bool) error {
	name, err := p.ident()
	if err != nil {
		return err
	}
	if err := p.expectKeyword("ON"); err != nil {
		return err
	}
	parts, err := p.objectName()
	if err != nil {
		return err
	}
	t, err := l.table(parts)
	if err != nil {
		return err
	}
	cols, err := p.identList()
	if err != nil {
		return err
	}
	if _, err := t.columnIndexes(cols); err != nil {
		return err
	}
	if p.acceptWord("INCLUDE") {
		if _, err := p.identList(); err != nil {
			return err
		}
	}
	if spatial && p.acceptKeyword("WITH") { // tessellation options
		if _, err := p.exprList(); err != nil {
			return err
		}
	}
	t.Indexes = append(t.Indexes, &IndexDef{Name: name, Columns: cols, Unique: unique, Spatial: spatial})
	return nil
}

func (l *loader) alter(p *parser) error {
	if p.acceptKeyword("DATABASE") {
		return l.alterDatabase(p)
	}
	if err := p.expectKeyword("TABLE"); err != nil {
		return err
	}
	parts, err := p.objectName()
	if err != nil {
		return err
	}
	t, err := l.table(parts)
	if err != nil {
		return err
	}
	if p.acceptWord("ENABLE") {
		if !p.acceptWord("CHANGE_TRACKING") {
			return p.errorf("the test server supports ALTER TABLE ... ENABLE CHANGE_TRACKING only")
		}
		if p.acceptKeyword("WITH") {
			if _, err := p.exprList(); err != nil {
				return err
			}
		}
		db, err := l.db()
		if err != nil {
			return err
		}
		return db.TrackTable(t)
	}
	if p.acceptKeyword("WITH") && !p.acceptWord("CHECK") {
		p.acceptWord("NOCHECK")
	}
	if p.acceptWord("CHECK") || p.acceptWord("NOCHECK") {
		// [WITH CHECK] CHECK / NOCHECK CONSTRAINT name: the loader checks
		// no foreign key, so holding one off or back on changes nothing.
		if err := p.expectKeyword("CONSTRAINT"); err != nil {
			return err
		}
		_, err := p.ident()
		return err
	}
	if err := p.expectKeyword("ADD"); err != nil {
		return err
	}
	for {
		if err := l.tableConstraint(p, t); err != nil {
			return err
		}
		if !p.acceptOp(",") {
			return nil
		}
	}
}

func (l *loader) alterDatabase(p *parser) error {
	name, err := p.ident()
	if err != nil {
		return err
	}
	var db *Database
	for _, d := range l.dbs {
		if strings.EqualFold(d.Name, name) {
			db = d
		}
	}
	if db == nil {
		return fmt.Errorf("database %s does not exist", name)
	}
	if err := p.expectKeyword("SET"); err != nil {
		return err
	}
	option := strings.ToUpper(p.advance().text)
	if option == "CHANGE_TRACKING" {
		return changeTrackingOption(p, db)
	}
	value := strings.ToUpper(p.advance().text)
	switch option {
	case "ALLOW_SNAPSHOT_ISOLATION":
		db.Snapshot = value == "ON"
	case "READ_COMMITTED_SNAPSHOT":
	default:
		return fmt.Errorf("ALTER DATABASE SET %s is not supported by the test server", option)
	}
	return nil
}

// exec runs sp_addextendedproperty, the one procedure fixtures call: an
// MS_Description on a table or a column becomes its comment.
func (l *loader) exec(p *parser) error {
	parts, err := p.objectName()
	if err != nil {
		return err
	}
	proc := strings.ToLower(parts[len(parts)-1])
	if proc != "sp_addextendedproperty" && proc != "sp_cdc_enable_db" && proc != "sp_cdc_enable_table" {
		return fmt.Errorf("fixture scripts may only EXEC sp_addextendedproperty, sys.sp_cdc_enable_db and sys.sp_cdc_enable_table")
	}
	args := map[string]string{}
	for !p.atEnd() {
		t := p.advance()
		if t.kind != tokParam || !p.acceptOp("=") {
			return p.errorf("expected @name = value")
		}
		v := p.advance()
		if v.kind == tokKeyword && strings.EqualFold(v.text, "NULL") {
			v.text = ""
		}
		args[strings.ToLower(t.text)] = v.text
		p.acceptOp(",")
	}
	switch proc {
	case "sp_cdc_enable_db", "sp_cdc_enable_table":
		return l.enableCDC(proc, args)
	}
	return l.describe(args)
}

// enableCDC runs sys.sp_cdc_enable_db and sys.sp_cdc_enable_table
// (@source_schema, @source_name, @role_name, @capture_instance).
func (l *loader) enableCDC(proc string, args map[string]string) error {
	db, err := l.db()
	if err != nil {
		return err
	}
	if proc == "sp_cdc_enable_db" {
		db.EnableCDC()
		return nil
	}
	if _, ok := args["@role_name"]; !ok {
		return fmt.Errorf("sys.sp_cdc_enable_table needs @role_name (NULL for none)")
	}
	return db.EnableTableCDC(args["@source_schema"], args["@source_name"], args["@role_name"], args["@capture_instance"])
}

func (l *loader) describe(args map[string]string) error {
	if args["@name"] != "MS_Description" {
		return nil
	}
	t, err := l.table([]string{args["@level0name"], args["@level1name"]})
	if err != nil {
		return err
	}
	if col := args["@level2name"]; col != "" {
		_, c := t.Column(col)
		if c == nil {
			return fmt.Errorf("no column %s in %s", col, t.QualifiedName())
		}
		c.Description = args["@value"]
		return nil
	}
	t.Description = args["@value"]
	return nil
}

// routine stores a view, trigger, procedure or function; its definition
// is its whole batch, as sys.sql_modules shows it.
func (l *loader) routine(kind, text string) error {
	db, err := l.db()
	if err != nil {
		return err
	}
	m := routineDDL.FindStringIndex(text)
	p, err := newParser(text[m[1]:])
	if err != nil {
		return err
	}
	parts, err := p.objectName()
	if err != nil {
		return err
	}
	mod := &Module{Schema: schemaOf(parts), Name: parts[len(parts)-1], Definition: text, ID: db.newID()}
	mod.Type = map[string]string{"VIEW": "V", "TRIGGER": "TR", "PROCEDURE": "P", "PROC": "P", "FUNCTION": "FN"}[kind]
	if kind == "TRIGGER" {
		if err := p.expectKeyword("ON"); err != nil {
			return err
		}
		on, err := p.objectName()
		if err != nil {
			return err
		}
		if mod.Parent, err = l.table(on); err != nil {
			return err
		}
	}
	db.Objects = append(db.Objects, mod)
	return nil
}
