package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/naming"
)

// planTable plans one source table's name, value columns and reading; keys
// and foreign keys come later, once every table has its columns.
func (b *builder) planTable(s *sluice.Schema, src *sluice.Table) {
	rule := b.cfg.Rule(s.Source, src.Name)
	if rule != nil && rule.Skip {
		return
	}
	t := &Table{
		ID: s.Source + "." + src.Name, Source: s.Source, Engine: s.Engine, SourceTable: src.Name,
		Name: b.fitTable(rule, b.targetTable(rule, src.Name)), Keys: b.set.keys, Strategy: b.set.strategy,
		ChunkRows: b.set.chunkRows, ChunkBytes: b.set.chunkBytes, Rows: max(src.Rows, 0), RowBytes: max(src.RowBytes, 0), Key: src.KeyColumns(), DeleteMissing: b.set.deleteMissing,
		Dialect: src.Dialect, Uncapturable: b.uncapturable(s, src),
	}
	st := &tableState{t: t, src: src, rule: rule, legacy: b.set.legacy}
	if rule != nil {
		applyRule(st, rule)
	}
	b.placeRule(st)
	for _, c := range src.Columns {
		cr := rule.Column(c.Name)
		if cr == nil || !cr.Drop {
			t.Columns = append(t.Columns, b.valueColumn(st, c, cr))
		}
	}
	b.planComputed(st)
	t.Chunks = chunks(t)
	b.warnKeyless(st)
	b.warnMemory(st)
	b.planBadKeys(st)
	b.planCSVKeys(st)
	b.warnTextKeys(st)
	b.states[t.ID] = st
	b.list = append(b.list, st)
}

// uncapturable says that a PostgreSQL table's changes cannot be captured:
// it has no primary key, and its source does not consent to REPLICA
// IDENTITY FULL.
func (b *builder) uncapturable(s *sluice.Schema, src *sluice.Table) bool {
	if s.Engine != "postgres" || len(src.PrimaryKey) > 0 {
		return false
	}
	c := b.cfg.Source(s.Source)
	return c == nil || !c.Capture.ReplicaIdentityFull
}

func applyRule(st *tableState, rule *config.TableRule) {
	t := st.t
	t.Keys = or(rule.Keys, t.Keys)
	st.legacy = or(rule.LegacyColumn, st.legacy)
	t.Where = rule.Where
	if rule.ChunkRows > 0 {
		t.ChunkRows = rule.ChunkRows
	}
	if rule.ChunkBytes > 0 {
		t.ChunkBytes = rule.ChunkBytes
	}
	t.Strategy = or(rule.Strategy, t.Strategy)
	if rule.DeleteMissing != nil {
		t.DeleteMissing = *rule.DeleteMissing
	}
}

// placeRule puts the table in its database, or makes it a part of the
// merged table that lists it in from:, which decides its name, database,
// keys and strategy.
func (b *builder) placeRule(st *tableState) {
	if ms := b.mergeOf[st.t.ID]; ms != nil {
		b.joinMerge(st, ms)
		return
	}
	db := ""
	if st.rule != nil {
		db = st.rule.Database
	}
	b.placeTable(st.t, db)
}

func (b *builder) targetTable(rule *config.TableRule, name string) string {
	if rule != nil && rule.Target != "" {
		return rule.Target
	}
	return naming.Apply(b.set.naming, name)
}

func (b *builder) targetColumn(cr *config.ColumnRule, name string) string {
	if cr != nil && cr.Target != "" {
		return cr.Target
	}
	return naming.Apply(b.set.naming, name)
}

// valueColumn maps one source column by the type map, or by the rule's type,
// warning about unknown types and overrides that narrow.
func (b *builder) valueColumn(st *tableState, c sluice.Column, cr *config.ColumnRule) Column {
	typ, unknown := MapType(st.t.Engine, c.Type)
	col := Column{
		Name: b.fitColumn(st, cr, b.targetColumn(cr, c.Name)), Type: typ, NotNull: !c.Nullable, Role: RoleValue,
		Source: c.Name, SourceType: c.Type, ZeroDates: b.set.zeroDates,
	}
	if cr != nil {
		col.Default = cr.Default
	}
	switch {
	case cr != nil && cr.Type != "":
		col.Type = cr.Type
		if narrows(typ, cr.Type) {
			b.warn(st.t.ID, fmt.Sprintf("column %s: type %s narrows %s; values that do not fit will be rejected", c.Name, cr.Type, typ))
		}
	case c.Type.Kind == sluice.KindGeometry && b.set.spatial == config.SpatialWKT:
		col.Type = "text" // EWKT: "SRID=4326;POINT(1 2)"
	case unknown && c.Type.Raw == "":
		b.warn(st.t.ID, fmt.Sprintf("column %s has no declared type; mapped to text", c.Name))
	case unknown:
		b.warn(st.t.ID, fmt.Sprintf("column %s: type %s is unknown; mapped to text", c.Name, c.Type.Raw))
	}
	return col
}

// chunks estimates how many chunks the table is read in, each of
// ChunkRowsFor rows. A part of a merged table without a pagination key is
// read in one.
func chunks(t *Table) int {
	per := ChunkRowsFor(t)
	if (len(t.Key) == 0 && t.Merged != nil) || t.Rows <= per {
		return 1
	}
	return int((t.Rows + per - 1) / per)
}

// warnKeyless explains how a table is read when not by its primary key, since
// it cannot then be resumed or verified row by row as precisely.
func (b *builder) warnKeyless(st *tableState) {
	pk := st.src.PrimaryKey
	if len(pk) > 0 && slices.Equal(st.t.Key, pk) {
		return
	}
	if msg, ok := csvKeyless(st); ok {
		if msg != "" {
			b.warnNoUUID(st, msg)
		}
		return
	}
	why := "no primary key"
	if len(pk) > 0 {
		why = "the primary key (" + strings.Join(pk, ", ") + ") cannot be paged by (a column may be NULL, or the source sorts it differently from how it compares it)"
	}
	msg := why + ": read in one pass cut into chunks, which an interrupted load starts over (no unique index of NOT NULL columns, no row id)"
	switch key := st.t.Key; {
	case len(key) == 1 && key[0] == st.src.RowID:
		msg = why + ": paginated by the row id " + key[0]
	case len(key) > 0:
		msg = why + ": paginated by the unique index (" + strings.Join(key, ", ") + ")"
	}
	b.warnNoUUID(st, msg)
}

// warnNoUUID warns about a table read without its key; a table without a
// primary key keeps its rows without uuids even under keys: uuid.
func (b *builder) warnNoUUID(st *tableState, msg string) {
	if len(st.src.PrimaryKey) == 0 && st.t.Keys == config.KeysUUID {
		msg += "; keys: uuid needs a primary key, so its rows keep no uuid (keys: keep)"
		st.t.Keys = config.KeysKeep
	}
	b.warn(st.t.ID, msg)
}

// planBadKeys marks a SQLite table whose primary key is not the row id:
// SQLite lets such a key hold NULLs (unless the table is WITHOUT ROWID),
// and holds 1 and '1' apart in a column without strict typing, where
// PostgreSQL would hold one value. The plan cannot look at the rows, so it
// says what migrate will do when it finds them. A part of a merged table
// is left out: its key is the merged table's.
func (b *builder) planBadKeys(st *tableState) {
	t, src := st.t, st.src
	if t.Engine != "sqlite" || len(src.PrimaryKey) == 0 || st.merge != nil || rowIDAlias(src) {
		return
	}
	t.BadKeys = b.set.badKeys
	if st.rule != nil && st.rule.BadKeys != "" {
		t.BadKeys = st.rule.BadKeys
	}
	for _, name := range src.PrimaryKey {
		if c := src.Column(name); c != nil && c.Nullable {
			b.warn(t.ID, "SQLite does not keep NULLs out of the primary key ("+strings.Join(src.PrimaryKey, ", ")+"): migrate checks it before the load; "+badKeysText(t.BadKeys))
			return
		}
	}
}

func badKeysText(mode string) string {
	if mode == config.BadKeysLoad {
		return "if a row has a NULL or duplicate key, the table is loaded without its primary key (bad_keys: load)"
	}
	return "rows with a NULL or duplicate key are rejected (bad_keys: reject)"
}

// rowIDAlias reports an INTEGER PRIMARY KEY: the row id itself, never NULL
// and always unique.
func rowIDAlias(src *sluice.Table) bool {
	if len(src.PrimaryKey) != 1 {
		return false
	}
	c := src.Column(src.PrimaryKey[0])
	return c != nil && c.AutoIncrement
}

// warnTextKeys: a UUID is hashed from the key's text, but MySQL matches a
// foreign key to its parent through the column's collation, usually
// case-insensitive and blind to trailing spaces. A child whose key differs
// from its parent's only that way would get another UUID; the foreign key
// validation after the load would then fail the run.
func (b *builder) warnTextKeys(st *tableState) {
	if st.t.Keys != config.KeysUUID || st.t.Engine != "mysql" {
		return
	}
	for _, name := range st.src.PrimaryKey {
		if c := st.src.Column(name); c != nil && (c.Type.Kind == sluice.KindString || c.Type.Kind == sluice.KindText) {
			b.warn(st.t.ID, "keys: uuid on the text key "+name+": a foreign key that matches it only through MySQL's collation (case, trailing spaces) would get another UUID, and the foreign key validation would fail")
			return
		}
	}
}

func (b *builder) warn(table, msg string) {
	b.warns = append(b.warns, Warning{Table: table, Message: msg})
}

// fail records a problem once: the parts of a merged table may find the
// same one.
func (b *builder) fail(line int, key, format string, args ...any) {
	e := &config.Error{File: b.cfg.File, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)}
	same := func(have *config.Error) bool { return have.Line == e.Line && have.Key == e.Key && have.Msg == e.Msg }
	if !slices.ContainsFunc(b.errs, same) {
		b.errs = append(b.errs, e)
	}
}

// sourceTypeText is how a source type is shown: as the engine declared it.
func sourceTypeText(t sluice.Type) string {
	if t.Raw != "" {
		return t.Raw
	}
	if t.Kind == "" || t.Kind == sluice.KindOther {
		return "(no declared type)"
	}
	return string(t.Kind)
}

// readColumns lists the source columns the table's target columns are made
// from, in source order, each once.
func readColumns(st *tableState) []string {
	need := map[string]bool{}
	for _, r := range st.reads {
		need[r] = true
	}
	for _, c := range st.t.Columns {
		if c.Source != "" {
			need[c.Source] = true
		}
		if c.Role == RoleMatchUUID {
			continue // its key columns are target columns
		}
		for _, k := range c.KeyColumns {
			need[k] = true
		}
	}
	var cols []string
	for _, c := range st.src.Columns {
		if need[c.Name] {
			cols = append(cols, c.Name)
		}
	}
	return cols
}

// readSchema describes the columns read, in ReadColumns order.
func readSchema(st *tableState) []sluice.Column {
	cols := make([]sluice.Column, len(st.t.ReadColumns))
	for i, name := range st.t.ReadColumns {
		cols[i] = sluice.Column{Name: name}
		if c := st.src.Column(name); c != nil {
			cols[i] = *c
		}
	}
	return cols
}
