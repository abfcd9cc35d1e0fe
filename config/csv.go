package config

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// CSVOptions are the csv: settings of a CSV source (sources.<name>.csv) or
// of one of its tables (tables.<source>.<table>.csv). A setting not given is
// nil (or 0, or an empty list) and falls back to the source's, then to the
// defaults. The values are checked here for their YAML type; what they mean
// (a known encoding, a date format) is checked by the CSV source, which
// reports a problem at Lines[key].
type CSVOptions struct {
	File            string   // tables only: the table's file, relative to the source's directory
	Columns         []string // tables only: the column names, for a file without a header
	Header          *bool
	Delimiter       *string
	Quote           *string
	Escape          *string
	Encoding        *string  // tables only: the source's is Source.Encoding
	Null            []string // unquoted field texts read as NULL
	DateFormat      *string
	TimestampFormat *string
	MaxRecordBytes  int
	SampleRows      int
	Line            int            // the line of the csv: key
	Lines           map[string]int // the line of each setting, by key
}

var (
	csvSourceKeys = []string{"delimiter", "quote", "escape", "encoding", "null", "header", "date_format",
		"timestamp_format", "max_record_bytes", "sample_rows"}
	csvTableKeys = append([]string{"file", "columns"}, csvSourceKeys...)
)

// Limits of the csv: numbers.
const (
	MinCSVRecordBytes = 1 << 10
	MaxCSVRecordBytes = 1 << 30
	MaxCSVSampleRows  = 1_000_000
)

// csvOptions decodes a csv: mapping: a source's, or a table's (which may
// also name its file, its columns and its encoding).
func (d *decoder) csvOptions(f field, table bool) *CSVOptions {
	o := &CSVOptions{Line: f.line, Lines: map[string]int{}}
	keys := csvSourceKeys
	if table {
		keys = csvTableKeys
	}
	fs, _ := d.object(f, keys)
	for k, v := range fs {
		o.Lines[k] = v.line
	}
	d.csvStrings(fs, o)
	if v, ok := fs["encoding"]; ok {
		d.csvEncoding(v, o, table)
	}
	if v, ok := fs["columns"]; ok {
		cols, _ := d.distinct(v)
		o.Columns = names(cols)
	}
	if v, ok := fs["null"]; ok {
		o.Null = d.nullMarkers(v)
	}
	if v, ok := fs["header"]; ok {
		o.Header = d.optionalBool(v)
	}
	if v, ok := fs["max_record_bytes"]; ok {
		o.MaxRecordBytes, _ = d.integer(v, MinCSVRecordBytes, MaxCSVRecordBytes)
	}
	if v, ok := fs["sample_rows"]; ok {
		o.SampleRows, _ = d.integer(v, 1, MaxCSVSampleRows)
	}
	return o
}

func (d *decoder) csvStrings(fs map[string]field, o *CSVOptions) {
	for _, s := range []struct {
		key        string
		dst        **string
		allowEmpty bool
	}{
		{"delimiter", &o.Delimiter, false}, {"quote", &o.Quote, true}, {"escape", &o.Escape, true},
		{"date_format", &o.DateFormat, false}, {"timestamp_format", &o.TimestampFormat, false},
	} {
		if v, ok := fs[s.key]; ok {
			if text, ok := d.str(v, s.allowEmpty); ok {
				*s.dst = &text
			}
		}
	}
	if v, ok := fs["file"]; ok {
		o.File, _ = d.str(v, false)
	}
}

// csvUnicode are the encodings a CSV file may have besides charset's.
var csvUnicode = []string{"utf-8", "utf-16", "utf-16le", "utf-16be"}

// csvEncoding decodes a table's encoding, which overrides its source's
// (sources.<name>.encoding, where a source's encoding is written).
func (d *decoder) csvEncoding(f field, o *CSVOptions, table bool) {
	if !table {
		d.fail(f.line, f.path, "a source's encoding is a key of the source itself (encoding:, beside url:), not of csv:")
		return
	}
	name, ok := d.str(f, false)
	if !ok {
		return
	}
	canon, known := lookupEncoding(name, true)
	if !known {
		names := encodingNames(true)
		d.fail(f.line, f.path, "unknown encoding %s%s (known: %s)", shown(f, name), didYouMean(name, names), strings.Join(names, ", "))
		return
	}
	o.Encoding = &canon
}

// nullMarkers decodes one marker or a list of them. A marker may be empty
// (""), and an unquoted NULL or ~ is the text written, not YAML's null.
func (d *decoder) nullMarkers(f field) []string {
	items := []field{f}
	if f.node.Kind == yaml.SequenceNode {
		items, _ = d.list(f)
	}
	out := []string{}
	for _, it := range items {
		if n := it.node; n.Kind == yaml.ScalarNode && isNull(n) && n.Value != "" {
			out = append(out, n.Value)
			continue
		}
		if s, ok := d.str(it, true); ok {
			out = append(out, s)
		}
	}
	return out
}

// primaryKey decodes a table's declared primary key: a list of columns.
func (d *decoder) primaryKey(f field) []string {
	cols, n := d.distinct(f)
	if n == 0 && f.node.Kind == yaml.SequenceNode {
		d.fail(f.line, f.path, "lists no column")
	}
	return names(cols)
}

// isCSV reports a URL of the CSV source.
func isCSV(url string) bool { return strings.HasPrefix(url, "csv:") }

// checkCSVRule reports the settings of a table rule that only a CSV
// source has: its file's csv:, a declared primary_key, and the columns'
// source_type.
func (d *decoder) checkCSVRule(t tableEntry) {
	if d.csvSources == nil || d.csvSources[t.rule.Source] {
		return
	}
	for _, k := range []string{"csv", "primary_key"} {
		if v, ok := t.keys[k]; ok {
			d.fail(v.line, v.path, "%s applies to the tables of a csv: source; %s is not one (its schema says it)", k, t.rule.Source)
		}
	}
	for _, c := range t.rule.Columns {
		if c.SourceType != "" {
			d.fail(c.Line, "tables."+t.rule.Source+"."+t.rule.Table+".columns."+c.Name+".source_type",
				"source_type applies to the columns of a csv: source; %s is not one (its schema says the type; type: sets the target's)", t.rule.Source)
		}
	}
}
