package config

import (
	"math"
	"slices"
	"strings"

	"github.com/sluicedb/sluice/dburl"
)

var (
	rootKeys   = []string{"version", "sources", "target", "targets", "defaults", "tables", "audit"}
	sourceKeys = []string{"url", "encoding", "capture", "csv"}

	sourceSchemes = []string{"mysql", "postgres", "postgresql", "sqlite", "sqlserver", "csv"}
	targetSchemes = []string{"postgres", "postgresql"}
)

// config decodes the whole file. Sources come before tables, which refer to them.
func (d *decoder) config(root field) *Config {
	cfg := &Config{}
	fs, ok := d.object(root, rootKeys)
	if !ok {
		return cfg
	}
	if f, ok := d.require(fs, root, "version"); ok {
		cfg.Version = d.version(f)
	}
	if f, ok := d.require(fs, root, "sources"); ok {
		cfg.Sources = d.sourceList(f)
	}
	cfg.Targets = d.targets(root, fs)
	if f, ok := fs["defaults"]; ok {
		cfg.Defaults = d.defaults(f)
	}
	if f, ok := fs["tables"]; ok {
		cfg.Tables, cfg.Merges = d.tables(f, cfg.Defaults)
	}
	if f, ok := fs["audit"]; ok {
		cfg.Audit = d.audit(f)
	}
	return cfg
}

// version accepts any integer, so that a wrong one is named as unsupported.
func (d *decoder) version(f field) int {
	v, ok := d.integer(f, math.MinInt64, math.MaxInt64)
	if ok && v != 1 {
		d.fail(f.line, f.path, "unsupported version %d; the only version is 1", v)
	}
	return v
}

// sourceList decodes the named sources in file order and records their names
// for the checks of table keys and references.
func (d *decoder) sourceList(f field) []Source {
	es, ok := d.entries(f)
	if ok && len(es) == 0 {
		d.fail(f.line, f.path, "at least one source is required")
	}
	var out []Source
	for _, e := range es {
		if d.sources == nil {
			d.sources, d.csvSources = map[string]bool{}, map[string]bool{}
		}
		d.sources[e.name] = true
		if !identifier.MatchString(e.name) {
			d.fail(e.line, f.path, "source name %s is not an identifier ([A-Za-z_][A-Za-z0-9_]*)", quote(e.name))
		}
		out = append(out, d.source(e))
	}
	return out
}

func (d *decoder) source(f field) Source {
	s := Source{Name: f.name, Line: f.line}
	fs, ok := d.object(f, sourceKeys)
	if ok {
		s.URL = d.requiredURL(fs, f, sourceSchemes)
		if e, ok := fs["encoding"]; ok {
			s.Encoding = d.encoding(e, s.URL)
		}
		if c, ok := fs["capture"]; ok {
			s.Capture = d.capture(c, s.URL)
		}
	}
	if isCSV(s.URL) {
		d.csvSources[s.Name] = true
	}
	if v, ok := fs["csv"]; ok {
		s.CSV = d.csvOptions(v, false)
		if s.URL != "" && !isCSV(s.URL) {
			d.fail(v.line, v.path, "csv: applies to a csv: source; this one is %s:", schemeOf(s.URL))
		}
	}
	return s
}

func schemeOf(url string) string {
	scheme, _, _ := strings.Cut(url, ":")
	return scheme
}

func (d *decoder) requiredURL(fs map[string]field, parent field, schemes []string) string {
	u, ok := d.require(fs, parent, "url")
	if !ok {
		return ""
	}
	return d.url(u, schemes)
}

// url decodes a database URL and checks its scheme. The URL is quoted in
// messages as written and redacted, never with a variable's value.
func (d *decoder) url(f field, schemes []string) string {
	s, ok := d.str(f, false)
	if !ok {
		return ""
	}
	scheme, _, _ := strings.Cut(s, ":")
	if !slices.Contains(schemes, scheme) {
		d.fail(f.line, f.path, "unsupported URL %s: the scheme must be %s", shown(f, s), orList(schemes))
		return s
	}
	if err := dburl.Check(s); err != nil {
		d.fail(f.line, f.path, "bad URL %s: %v", shown(f, s), err)
	}
	return s
}

// orList writes "a, b or c".
func orList(words []string) string { return wordList(words, " or ") }

// andList writes "a, b and c".
func andList(words []string) string { return wordList(words, " and ") }

func wordList(words []string, last string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + last + words[len(words)-1]
}
