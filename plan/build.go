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
	merges  []*mergeState          // config order
	mergeOf map[string]*mergeState // by part ID
	// fit is set for the starter config: see fitNames.
	fit    *fitNames
	losses []Loss // what the target will not reproduce
	views  []View
}

// tableState is one planned table with what planning it needs.
type tableState struct {
	t      *Table
	src    *sluice.Table
	rule   *config.TableRule // nil when the config has none
	legacy string            // the legacy key column's name
	fks    []sourceFK
	// reads are source columns read for something other than a target
	// column's Source or KeyColumns: an expression's variables, the column
	// an expansion splits.
	reads []string
	// expand is set on an expansion's child table: its rule locates the
	// child's problems, and src is the parent's source table.
	expand *config.ExpandRule
	merge  *mergeState // set on a part of a merged table
	// parent is set on a subtype table: its primary key is a foreign key
	// to the whole key of parent.ref, whose identity its rows take.
	parent *subtypeLink
	// identity is whose identity the table's rows take under keys: uuid
	// (see subtype.go); nil means the table's own.
	identity *keyIdentity
}

func newBuilder(cfg *config.Config, schemas []*sluice.Schema) *builder {
	return &builder{cfg: cfg, set: resolve(cfg), schemas: schemas, states: map[string]*tableState{}, mergeOf: map[string]*mergeState{}}
}

// build runs every step; each later step relies on the earlier ones having
// run for every table (a foreign key needs its referenced table's keys).
func (b *builder) build() *Plan {
	b.checkMerges()
	b.checkRules()
	for _, s := range b.schemas {
		for i := range s.Tables {
			b.planTable(s, &s.Tables[i])
		}
	}
	for _, st := range b.list {
		b.avoidKeyNames(st)
	}
	b.linkSubtypes()
	for _, st := range b.list {
		b.applyKeys(st)
	}
	for _, st := range b.list {
		b.planForeignKeys(st)
	}
	b.planExpansions()
	for _, ms := range b.merges {
		b.unify(ms)
	}
	b.settleStrategies()
	b.resolveMatches()
	b.finish()
	b.carryOver()
	b.planObjects()
	b.planRollback()
	return &Plan{
		Schema: b.set.schema, Namespace: b.set.namespace, Tables: b.loadOrder(), Warnings: b.warns,
		Databases: b.set.databases, Drift: b.drift(), Losses: b.losses, Views: b.views,
	}
}

// finish checks names and completes what depends on the final columns.
func (b *builder) finish() {
	b.checkTableNames()
	for _, st := range b.list {
		b.planIndexes(st)
		b.checkColumnNames(st)
		st.t.ReadColumns = readColumns(st)
		st.t.ReadSchema = readSchema(st)
	}
	for _, ms := range b.merges {
		b.mergeIndexes(ms)
		b.unusedDrift(ms)
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
	badKeys                                           string
	sourceColumn, spatial, textSearch                 string
	deleteMissing                                     bool
	chunkRows                                         int
	chunkBytes                                        int64
	namespace                                         uuid.UUID
	databases                                         []Database // the first is the default
}

func resolve(cfg *config.Config) settings {
	d := cfg.Defaults
	s := settings{
		naming: or(d.Naming, config.NamingSnake), keys: or(d.Keys, config.KeysKeep),
		legacy: or(d.LegacyColumn, "legacy_id"), strategy: or(d.Strategy, config.StrategyCreate),
		zeroDates: or(d.ZeroDates, config.ZeroDatesReject), sourceColumn: or(d.SourceColumn, "source"),
		badKeys: or(d.BadKeys, config.BadKeysReject),
		spatial: or(d.Spatial, config.SpatialPostGIS), textSearch: or(d.TextSearch, config.DefaultTextSearch),
		deleteMissing: d.DeleteMissing, chunkRows: d.ChunkRows, chunkBytes: d.ChunkBytes, namespace: d.KeyNamespace,
		databases: databases(cfg),
	}
	s.schema = s.databases[0].Schema
	if s.chunkRows <= 0 {
		s.chunkRows = config.DefaultChunkRows
	}
	if s.chunkBytes <= 0 {
		s.chunkBytes = config.DefaultChunkBytes
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
