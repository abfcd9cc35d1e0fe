package config

import (
	"regexp"

	"github.com/google/uuid"
	"github.com/sluicedb/sluice"
)

var (
	defaultsKeys = []string{"naming", "keys", "key_namespace", "legacy_column", "chunk_rows", "chunk_bytes", "workers", "strategy",
		"zero_dates", "delete_missing", "source_column", "bad_keys", "enums", "spatial", "text_search"}
	namingValues    = []string{NamingCamel, NamingSnake, NamingKeep}
	keysValues      = []string{KeysUUID, KeysKeep}
	strategyValues  = []string{StrategyCreate, StrategyTruncate, StrategyMerge, StrategyAppend}
	zeroDatesValues = []string{ZeroDatesReject, ZeroDatesNull}
	badKeysValues   = []string{BadKeysReject, BadKeysLoad}
	enumsValues     = []string{EnumsCheck, EnumsType, EnumsText}
	spatialValues   = []string{SpatialPostGIS, SpatialWKT}
)

// Limits of the numeric settings.
const (
	MaxChunkRows = 10_000_000
	MaxWorkers   = 64
)

// The values used where the file says nothing (docs/CONFIG.md).
const (
	DefaultNaming       = NamingSnake
	DefaultKeys         = KeysKeep
	DefaultLegacyColumn = "legacy_id"
	DefaultChunkRows    = 20_000
	DefaultWorkers      = 4
	DefaultStrategy     = StrategyCreate
	DefaultZeroDates    = ZeroDatesReject
	DefaultBadKeys      = BadKeysReject
	DefaultSchema       = "public"
	DefaultSourceColumn = "source"
	DefaultEnums        = EnumsCheck
	DefaultSpatial      = SpatialPostGIS
	DefaultTextSearch   = "simple"
	// An expansion's child columns and list separator.
	DefaultOrdinalColumn   = "ordinal"
	DefaultValueColumn     = "value"
	DefaultExpandSeparator = ","
)

// defaults decodes the defaults section; what it leaves out stays zero until
// applyDefaults.
func (d *decoder) defaults(f field) Defaults {
	var out Defaults
	fs, _ := d.object(f, defaultsKeys)
	enums := []struct {
		key     string
		dst     *string
		allowed []string
	}{
		{"naming", &out.Naming, namingValues},
		{"keys", &out.Keys, keysValues},
		{"strategy", &out.Strategy, strategyValues},
		{"zero_dates", &out.ZeroDates, zeroDatesValues},
		{"bad_keys", &out.BadKeys, badKeysValues},
		{"enums", &out.Enums, enumsValues},
		{"spatial", &out.Spatial, spatialValues},
	}
	for _, e := range enums {
		if v, ok := fs[e.key]; ok {
			*e.dst, _ = d.enum(v, e.allowed)
		}
	}
	d.badStrategy = hasKey(fs, "strategy") && out.Strategy == ""
	if v, ok := fs["key_namespace"]; ok {
		out.KeyNamespace, _ = d.uuidValue(v)
	}
	for _, s := range []struct {
		key string
		dst *string
	}{{"legacy_column", &out.LegacyColumn}, {"source_column", &out.SourceColumn}, {"text_search", &out.TextSearch}} {
		if v, ok := fs[s.key]; ok {
			*s.dst, _ = d.str(v, false)
		}
	}
	if v, ok := fs["text_search"]; ok && out.TextSearch != "" && !textSearchName.MatchString(out.TextSearch) {
		d.fail(v.line, v.path, "expected the name of a PostgreSQL text search configuration (simple, english, or schema.name), got %q", out.TextSearch)
	}
	if v, ok := fs["delete_missing"]; ok {
		out.DeleteMissing, _ = d.boolean(v)
	}
	if v, ok := fs["chunk_rows"]; ok {
		out.ChunkRows, _ = d.integer(v, 1, MaxChunkRows)
	}
	if v, ok := fs["chunk_bytes"]; ok {
		out.ChunkBytes, _ = d.byteSize(v, MinChunkBytes, MaxChunkBytes)
	}
	if v, ok := fs["workers"]; ok {
		out.Workers, _ = d.integer(v, 1, MaxWorkers)
	}
	return out
}

// textSearchName is a text search configuration's name, bare or
// schema-qualified, as plan writes it into a string literal.
var textSearchName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$`)

// applyDefaults fills what the file left out. Only a valid file gets here, so
// a zero value always means "not given".
func applyDefaults(c *Config) {
	df := &c.Defaults
	setString(&df.Naming, DefaultNaming)
	setString(&df.Keys, DefaultKeys)
	setString(&df.LegacyColumn, DefaultLegacyColumn)
	setString(&df.Strategy, DefaultStrategy)
	setString(&df.ZeroDates, DefaultZeroDates)
	setString(&df.BadKeys, DefaultBadKeys)
	setString(&df.SourceColumn, DefaultSourceColumn)
	setString(&df.Enums, DefaultEnums)
	setString(&df.Spatial, DefaultSpatial)
	setString(&df.TextSearch, DefaultTextSearch)
	for i := range c.Targets {
		setString(&c.Targets[i].Schema, DefaultSchema)
	}
	if len(c.Targets) > 0 {
		c.Target = c.Targets[0]
	}
	for i := range c.Tables {
		applyExpandDefaults(c.Tables[i].Expand)
	}
	if df.KeyNamespace == uuid.Nil {
		df.KeyNamespace = sluice.DefaultNamespace
	}
	if df.ChunkRows == 0 {
		df.ChunkRows = DefaultChunkRows
	}
	if df.ChunkBytes == 0 {
		df.ChunkBytes = DefaultChunkBytes
	}
	if df.Workers == 0 {
		df.Workers = DefaultWorkers
	}
}

// applyExpandDefaults names the child columns an expansion left unnamed.
func applyExpandDefaults(rules []ExpandRule) {
	for i := range rules {
		r := &rules[i]
		setString(&r.Ordinal, DefaultOrdinalColumn)
		if r.Kind == ExpandList {
			setString(&r.Separator, DefaultExpandSeparator)
		}
		if r.Kind != ExpandCount {
			setString(&r.Value, DefaultValueColumn)
		}
	}
}

func hasKey(fs map[string]field, key string) bool {
	_, ok := fs[key]
	return ok
}

func setString(dst *string, value string) {
	if *dst == "" {
		*dst = value
	}
}
