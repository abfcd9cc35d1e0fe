package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/sqlexpr"
)

// After a cutover the application writes into the target, which must then
// behave as the source did: fill the defaults the application leaves out,
// number new rows, cascade deletes, refuse what the source refused. This
// file plans that: defaults translated into PostgreSQL, identities, CHECK
// constraints, ENUM members, comments and foreign key actions, and a Loss
// for each of them that the target will not have.

// carryOver runs once every table has its final columns and names.
func (b *builder) carryOver() {
	c := &carrier{builder: b, relations: map[string]map[string]bool{}}
	for _, st := range b.list {
		c.relation(st.t.Database)[st.t.Name] = true
	}
	for _, st := range b.list {
		admitApplicationRows(st.t)
		if st.expand == nil {
			c.table(st)
		}
	}
	for _, ms := range b.merges {
		c.settleMerged(ms)
	}
	named := map[*mergeState]*Table{}
	for _, st := range b.list {
		if first := named[st.merge]; st.merge != nil && first != nil {
			st.t.Checks = slices.Clone(first.Checks)
			continue
		}
		nameChecks(st.t)
		named[st.merge] = st.t
	}
}

// carrier plans one Build's fidelity.
type carrier struct {
	*builder
	relations map[string]map[string]bool // by database: table and type names taken
}

func (c *carrier) relation(db string) map[string]bool {
	if c.relations[db] == nil {
		c.relations[db] = map[string]bool{}
	}
	return c.relations[db]
}

// admitApplicationRows lets the application insert a row without a key: a
// row uuid gets gen_random_uuid() (in core since PostgreSQL 13), and the
// legacy key and source columns admit NULL, which is what such a row has:
// it comes from no legacy database. A subtype's row uuid (patient ->
// person) is the one of its root's row, which the application gives.
func admitApplicationRows(t *Table) {
	for i := range t.Columns {
		col := &t.Columns[i]
		switch {
		case admitsApplicationRows(*col):
			col.NotNull = false
		case col.Role == RoleRowUUID || col.Role == RoleMatchUUID || col.Role == RoleExpandUUID:
			// A subtype's key is its root row's: it has no default of its own.
			if slices.Equal(t.PrimaryKey, []string{col.Name}) && col.IdentityTable == "" {
				col.SQLDefault = "gen_random_uuid()"
			}
		}
	}
}

// admitsApplicationRows reports a column that is NULL in a row the
// application inserts: the legacy key and the source of a merged table.
func admitsApplicationRows(c Column) bool {
	return c.Role == RoleLegacyKey || c.Role == RoleSource
}

func (b *builder) lose(st *tableState, what, why string) {
	b.losses = append(b.losses, Loss{Source: st.t.Source, Table: st.src.Name, What: what, Why: why})
}

// table plans one source table's defaults, identities, checks, enums,
// comments and foreign key actions.
func (c *carrier) table(st *tableState) {
	t := st.t
	t.Comment = st.src.Comment
	c.checkEnumRules(st)
	var enumChecks []Check
	for i := range t.Columns {
		if ck, ok := c.enum(st, &t.Columns[i]); ok {
			enumChecks = append(enumChecks, ck)
		}
	}
	env, ok := c.exprEnv(st)
	for i := range t.Columns {
		c.column(st, env, ok, &t.Columns[i])
	}
	if !ok {
		for _, ck := range st.src.Checks {
			c.lose(st, checkWhat(ck), "no SQL dialect is known for engine "+t.Engine+"; the target does not check it")
		}
	} else {
		c.checks(st, env)
	}
	t.Checks = append(t.Checks, enumChecks...)
	if st.merge == nil {
		c.foreignKeyActions(st)
	}
}

// exprEnv describes the source table's columns for translating its
// expressions: each by the target column that holds its value.
func (c *carrier) exprEnv(st *tableState) (sqlexpr.Env, bool) {
	d, err := sqlexpr.DialectOf(st.t.Engine)
	if err != nil {
		return sqlexpr.Env{}, false
	}
	env := sqlexpr.Env{Dialect: d, Columns: map[string]sqlexpr.Column{}, EnumTypes: map[string]bool{}}
	for _, sc := range st.src.Columns {
		env.Columns[sc.Name] = exprColumn(st, sc)
		if sc.Type.Kind == sluice.KindEnum && sc.Type.Raw != "" {
			// as the parser reads a cast's type: lower case, unquoted
			env.EnumTypes[strings.ToLower(strings.ReplaceAll(sc.Type.Raw, `"`, ""))] = true
		}
	}
	return env, true
}

func exprColumn(st *tableState, sc sluice.Column) sqlexpr.Column {
	tc := st.t.columnFor(sc.Name)
	switch {
	case tc == nil:
		return sqlexpr.Column{Unusable: "is not migrated"}
	case tc.Role == RoleValue:
		return sqlexpr.Column{Target: tc.Name, Type: tc.Type, Members: members(*tc)}
	case tc.Role == RoleRowUUID && st.merge == nil:
		if lc := legacyOf(st.t, sc.Name); lc != nil {
			return sqlexpr.Column{Target: lc.Name, Type: lc.Type}
		}
	case tc.Role == RoleRefUUID:
		return sqlexpr.Column{Unusable: "holds the referenced row's uuid in the target"}
	}
	return sqlexpr.Column{Unusable: "is not kept as a value in the target"}
}

// legacyOf is the legacy key column that keeps source column name's value.
func legacyOf(t *Table, name string) *Column {
	for i, col := range t.Columns {
		if col.Role == RoleLegacyKey && slices.Equal(col.KeyColumns, []string{name}) {
			return &t.Columns[i]
		}
	}
	return nil
}

// members are an ENUM or SET column's values, nil for another column.
func members(c Column) []string {
	if k := c.SourceType.Kind; k == sluice.KindEnum || k == sluice.KindSet {
		return c.SourceType.Values
	}
	return nil
}

// column plans one target column's identity, default and comment.
func (c *carrier) column(st *tableState, env sqlexpr.Env, ok bool, col *Column) {
	if src := sourceOf(st, *col); src != nil {
		col.Comment = src.Comment
	}
	if col.Role == RoleRefUUID {
		c.referenceDefault(st, col)
		return
	}
	src := st.src.Column(col.Source)
	if col.Role != RoleValue || src == nil {
		return
	}
	c.identity(st, col, src)
	switch {
	case src.Generated != "":
		c.lose(st, fmt.Sprintf("column %s: generated as (%s)", src.Name, src.Generated),
			"the target holds its values as an ordinary column: they are copied, but not computed again when the row changes")
	case src.Default == nil || col.AutoIncrement:
	case !ok:
		c.lose(st, defaultWhat(src), "no SQL dialect is known for engine "+st.t.Engine+"; the column has no default")
	default:
		c.defaultOf(st, env, col, src)
	}
	if src.OnUpdate != "" {
		c.lose(st, fmt.Sprintf("column %s: ON UPDATE %s", src.Name, src.OnUpdate),
			"PostgreSQL has no column attribute for it (a trigger would be needed); the column keeps its value when the row is updated")
	}
}

// sourceOf is the source column a target column stands for: its value, or
// the key a row or reference uuid replaced; nil for any other column.
func sourceOf(st *tableState, col Column) *sluice.Column {
	switch {
	case col.Role == RoleValue:
		return st.src.Column(col.Source)
	case (col.Role == RoleRowUUID || col.Role == RoleRefUUID) && len(col.KeyColumns) == 1 && st.merge == nil:
		return st.src.Column(col.KeyColumns[0])
	}
	return nil
}

func defaultWhat(src *sluice.Column) string {
	return fmt.Sprintf("column %s: default %s", src.Name, *src.Default)
}

func (c *carrier) defaultOf(st *tableState, env sqlexpr.Env, col *Column, src *sluice.Column) {
	out, err := sqlexpr.Default(env, *src.Default, col.Type, members(*col))
	if err != nil && col.ZeroDates == config.ZeroDatesNull && isZeroDate(env.Dialect, *src.Default) {
		return // zero_dates: null makes a zero date NULL, which no default is too
	}
	if err != nil {
		c.lose(st, defaultWhat(src), err.Error()+"; the column has no default")
		return
	}
	col.SQLDefault = out
}

// identity makes a column the source numbers itself an identity, when its
// target type is an integer and its table is not merged from several
// sources (whose numbers would collide).
func (c *carrier) identity(st *tableState, col *Column, src *sluice.Column) {
	if !src.AutoIncrement {
		return
	}
	what := "column " + src.Name + ": numbered by the source (" + autoText(st.t.Engine) + ")"
	switch {
	case st.merge != nil:
		c.lose(st, what, "the merged table "+st.t.Name+" takes rows from several sources, whose numbers collide; the column gets no sequence")
	case !identityTypes[CanonicalType(col.Type)]:
		c.lose(st, what, "type "+col.Type+" cannot be an identity; the column gets no sequence (type: bigint makes it one, and rejects larger values)")
	default:
		col.AutoIncrement, col.NotNull, col.IdentityNext = true, true, src.IdentityNext
	}
}

var identityTypes = map[string]bool{"smallint": true, "integer": true, "bigint": true}

func autoText(engine string) string {
	switch engine {
	case "postgres":
		return "serial or identity"
	case "sqlite":
		return "INTEGER PRIMARY KEY"
	}
	return "AUTO_INCREMENT"
}

// referenceDefault: a foreign key column that became the referenced row's
// uuid keeps a literal default as the uuid of the row it names.
func (c *carrier) referenceDefault(st *tableState, col *Column) {
	if len(col.KeyColumns) != 1 {
		return
	}
	src := st.src.Column(col.KeyColumns[0])
	if src == nil || src.Default == nil {
		return
	}
	key, ok := keyLiteral(st.t.Engine, *src.Default, src.Type.Kind)
	switch {
	case ok && key == nil:
		return // DEFAULT NULL
	case !ok || col.ResolveMatch:
		c.lose(st, defaultWhat(src), "the column holds the referenced row's uuid in the target, which cannot be computed from this default; the column has no default")
		return
	}
	id, _ := sluice.KeyUUID(c.set.namespace, col.RefSource, col.RefTable, []any{key})
	col.SQLDefault = "'" + id.String() + "'"
}

// keyLiteral reads a default that is a plain literal as the key value a
// source yields for it: an integer for an integer column, else text. It
// returns nil for NULL, and false for anything else.
func keyLiteral(engine, def string, kind sluice.Kind) (any, bool) {
	d, err := sqlexpr.DialectOf(engine)
	if err != nil {
		return nil, false
	}
	l, ok := sqlexpr.Literal(d, def)
	switch {
	case !ok:
		return nil, false
	case l.Kind == sqlexpr.LitNull:
		return nil, true
	case kind == sluice.KindInt:
		var n int64
		_, err := fmt.Sscan(l.Text, &n)
		return n, err == nil && fmt.Sprint(n) == l.Text
	case kind == sluice.KindString || kind == sluice.KindText:
		return l.Text, l.Kind == sqlexpr.LitString
	}
	return nil, false
}

// checks translates the source's CHECK constraints.
func (c *carrier) checks(st *tableState, env sqlexpr.Env) {
	for _, ck := range st.src.Checks {
		expr, err := sqlexpr.Check(env, ck.Expr)
		if err != nil {
			c.lose(st, checkWhat(ck), err.Error()+"; the target does not check it")
			continue
		}
		name := ck.Name
		if name == "" {
			name = ConstraintName(st.t.Name, nil, "check")
		}
		st.t.Checks = append(st.t.Checks, Check{Name: name, Expr: expr})
	}
}

func checkWhat(ck sluice.Check) string {
	return fmt.Sprintf("CHECK %s (%s)", ck.Name, ck.Expr)
}

// foreignKeyActions keeps ON DELETE and ON UPDATE, except where they cannot
// act as in the source: across databases (no constraint), or SET DEFAULT
// on a column whose default was not carried over.
func (c *carrier) foreignKeyActions(st *tableState) {
	for i := range st.t.ForeignKeys {
		fk := &st.t.ForeignKeys[i]
		if fk.OnDelete == sluice.NoAction && fk.OnUpdate == sluice.NoAction {
			continue
		}
		what := fmt.Sprintf("foreign key (%s) -> %s: %s", joinCols(fk.Columns), fk.RefTable, actionText(*fk))
		if fk.RefDatabase != "" {
			c.lose(st, what, "a reference into another database ("+fk.RefDatabase+") is no constraint; nothing acts on the referencing rows")
			fk.OnDelete, fk.OnUpdate = sluice.NoAction, sluice.NoAction
			continue
		}
		if col := c.lostDefault(st, fk.Columns); col != "" && (fk.OnDelete == sluice.SetDefault || fk.OnUpdate == sluice.SetDefault) {
			c.lose(st, what, "column "+col+" has no default in the target, so SET DEFAULT would set NULL; the foreign key takes NO ACTION instead")
			fk.OnDelete, fk.OnUpdate = noDefault(fk.OnDelete), noDefault(fk.OnUpdate)
		}
	}
}

func noDefault(a sluice.FKAction) sluice.FKAction {
	if a == sluice.SetDefault {
		return sluice.NoAction
	}
	return a
}

// lostDefault names a target column of cols whose source default the
// target does not have.
func (c *carrier) lostDefault(st *tableState, cols []string) string {
	for _, name := range cols {
		col := st.t.column(name)
		if col == nil || col.SQLDefault != "" {
			continue
		}
		srcName := col.Source
		if len(col.KeyColumns) == 1 {
			srcName = col.KeyColumns[0]
		}
		if src := st.src.Column(srcName); src != nil && src.Default != nil {
			return name
		}
	}
	return ""
}

// actionText is " ON DELETE ... ON UPDATE ..." without its leading space.
func actionText(fk ForeignKey) string {
	return strings.TrimSpace(actionsDDL(fk))
}

// nameChecks gives every CHECK a name no other constraint of the table
// has, within PostgreSQL's 63 bytes.
func nameChecks(t *Table) {
	used := map[string]bool{PrimaryKeyName(t): true}
	for _, ix := range t.Indexes {
		used[ix.Name] = true
	}
	for _, fk := range t.ForeignKeys {
		used[fk.Name] = true
	}
	for i := range t.Checks {
		t.Checks[i].Name = claim(used, Shorten(t.Checks[i].Name))
	}
}

// enumMode is what an ENUM or SET column becomes: its rule's enum, else
// defaults.enums, else check.
func (c *carrier) enumMode(st *tableState, col string) string {
	if cr := st.rule.Column(col); cr != nil && cr.Enum != "" {
		return cr.Enum
	}
	return or(c.cfg.Defaults.Enums, config.EnumsCheck)
}

// checkEnumRules reports an enum: on a column that is no ENUM or SET, and
// enum: type on a SET.
func (c *carrier) checkEnumRules(st *tableState) {
	if st.rule == nil {
		return
	}
	for _, cr := range st.rule.Columns {
		src := st.src.Column(cr.Name)
		if cr.Enum == "" || src == nil {
			continue
		}
		key := st.columnKey(cr.Name) + ".enum"
		switch src.Type.Kind {
		case sluice.KindEnum:
		case sluice.KindSet:
			if cr.Enum == config.EnumsType {
				c.fail(cr.Line, key, "column %s is a SET; a SET cannot become an enum type (enum: check or enum: text)", cr.Name)
			}
		default:
			c.fail(cr.Line, key, "column %s is not an ENUM or SET (it is %s)", cr.Name, sourceTypeText(src.Type))
		}
	}
}

// isZeroDate reports a MySQL zero date literal ('0000-00-00', with a time
// or not).
func isZeroDate(d sqlexpr.Dialect, def string) bool {
	l, ok := sqlexpr.Literal(d, def)
	return ok && l.Kind == sqlexpr.LitString && strings.HasPrefix(l.Text, "0000-00-00")
}
