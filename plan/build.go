package plan

import (
	"math"
	"sort"

	"github.com/google/uuid"
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// Build plans the migration of every source table that is not skipped. It
// checks the config against the introspected schemas and returns
// config.Errors listing every problem at once, each with the file and the
// line of the table or column rule it comes from.
func Build(cfg *config.Config, schemas []*sluice.Schema) (*Plan, error) {
	b := newBuilder(cfg, schemas)
	p := b.build()
	if err := b.errors().Err(); err != nil {
		return nil, err
	}
	return p, nil
}

// builder holds the state of one Build: the tables planned so far, by ID
// and in source order, and the problems found.
type builder struct {
	cfg     *config.Config
	set     settings
	schemas []*sluice.Schema
	states  map[string]*tableState
	list    []*tableState // source order: schemas as given, tables as introspected
	errs    config.Errors
	warns   []Warning
}

// tableState is one planned table with what planning it needs.
type tableState struct {
	t      *Table
	src    *sluice.Table
	rule   *config.TableRule // nil when the config has none
	legacy string            // the legacy key column's name
	fks    []sourceFK
}

func newBuilder(cfg *config.Config, schemas []*sluice.Schema) *builder {
	return &builder{cfg: cfg, set: resolve(cfg), schemas: schemas, states: map[string]*tableState{}}
}

// build runs every step; each later step relies on the earlier ones having
// run for every table (a foreign key needs its referenced table's keys).
func (b *builder) build() *Plan {
	b.checkRules()
	for _, s := range b.schemas {
		for i := range s.Tables {
			b.planTable(s, &s.Tables[i])
		}
	}
	for _, st := range b.list {
		b.applyKeys(st)
	}
	for _, st := range b.list {
		b.planForeignKeys(st)
	}
	b.finish()
	return &Plan{Schema: b.set.schema, Namespace: b.set.namespace, Tables: b.loadOrder(), Warnings: b.warns}
}

// finish checks names and completes what depends on the final columns.
func (b *builder) finish() {
	b.checkTableNames()
	for _, st := range b.list {
		b.planIndexes(st)
		b.checkColumnNames(st)
		st.t.ReadColumns = readColumns(st)
	}
	b.nameConstraints()
}

// errors returns the problems in line order, those tied to no line last
// (stable, so problems on one line keep the order they were found in).
func (b *builder) errors() config.Errors {
	sort.SliceStable(b.errs, func(i, j int) bool { return lineOrder(b.errs[i].Line) < lineOrder(b.errs[j].Line) })
	return b.errs
}

func lineOrder(line int) int {
	if line <= 0 {
		return math.MaxInt
	}
	return line
}

// settings are the config defaults with the documented values filled in,
// so that a Config built in code without a parser plans the same way.
type settings struct {
	naming, keys, legacy, strategy, zeroDates, schema string
	chunkRows                                         int
	namespace                                         uuid.UUID
}

func resolve(cfg *config.Config) settings {
	d := cfg.Defaults
	s := settings{
		naming: or(d.Naming, config.NamingSnake), keys: or(d.Keys, config.KeysKeep),
		legacy: or(d.LegacyColumn, "legacy_id"), strategy: or(d.Strategy, config.StrategyCreate),
		zeroDates: or(d.ZeroDates, config.ZeroDatesReject), schema: or(cfg.Target.Schema, "public"),
		chunkRows: d.ChunkRows, namespace: d.KeyNamespace,
	}
	if s.chunkRows <= 0 {
		s.chunkRows = 20000
	}
	if s.namespace == uuid.Nil {
		s.namespace = sluice.DefaultNamespace
	}
	return s
}

func or(v, fallback string) string {
	if v == "" {
		return fallback
	}
	return v
}
