package csvsrc

import (
	"fmt"
	"strings"
)

// Format says how a file's bytes become records and values. A nil field (or
// zero number) is not set: the table's Format falls back to the source's,
// and that to the defaults.
type Format struct {
	Delimiter       *string  // one ASCII character; default "," ("\t" for .tsv files)
	Quote           *string  // one ASCII character, or "" for no quoting; default `"`
	Escape          *string  // one ASCII character, or "" (quotes are doubled); default ""
	Encoding        *string  // see encodingNames; default utf-8
	Null            []string // unquoted field texts read as NULL; default [""]
	Header          *bool    // the first record names the columns; default true
	DateFormat      *string  // strftime-like (%Y-%m-%d); default ISO 8601
	TimestampFormat *string  // strftime-like; default ISO 8601
	MaxRecordBytes  int      // a longer record is a reject; default 64 MiB
	SampleRows      int      // records read to infer undeclared types; default 1000
}

// over returns f with the fields it does not set taken from base.
func (f Format) over(base Format) Format {
	pick := func(a, b *string) *string {
		if a != nil {
			return a
		}
		return b
	}
	out := Format{
		Delimiter: pick(f.Delimiter, base.Delimiter), Quote: pick(f.Quote, base.Quote),
		Escape: pick(f.Escape, base.Escape), Encoding: pick(f.Encoding, base.Encoding),
		DateFormat: pick(f.DateFormat, base.DateFormat), TimestampFormat: pick(f.TimestampFormat, base.TimestampFormat),
		Null: f.Null, Header: f.Header, MaxRecordBytes: f.MaxRecordBytes, SampleRows: f.SampleRows,
	}
	if out.Null == nil {
		out.Null = base.Null
	}
	if out.Header == nil {
		out.Header = base.Header
	}
	if out.MaxRecordBytes == 0 {
		out.MaxRecordBytes = base.MaxRecordBytes
	}
	if out.SampleRows == 0 {
		out.SampleRows = base.SampleRows
	}
	return out
}

// sets reports whether f sets the setting key itself.
func (f Format) sets(key string) bool {
	switch key {
	case "delimiter":
		return f.Delimiter != nil
	case "quote":
		return f.Quote != nil
	case "escape":
		return f.Escape != nil
	case "encoding":
		return f.Encoding != nil
	case "date_format":
		return f.DateFormat != nil
	case "timestamp_format":
		return f.TimestampFormat != nil
	case "max_record_bytes":
		return f.MaxRecordBytes != 0
	case "sample_rows":
		return f.SampleRows != 0
	}
	return false
}

// TableSpec is what the config declares about one table of the source.
type TableSpec struct {
	Name       string   // the table's name in the config ("<source>.<name>")
	File       string   // its file, relative to the directory (or absolute); "" finds <name>.csv and the like
	Columns    []string // the column names, for a file without a header (or to replace its header)
	Format     Format
	PrimaryKey []string
	// Types gives the declared type of columns, by column name, as a
	// PostgreSQL-like name: "integer", "numeric(10,2)", "date not null".
	Types map[string]string
	// Skip leaves the file unread: it is listed as a table without columns,
	// so that the config's skip: rule still finds it.
	Skip bool
}

// Options are a CSV source's settings from the config. The source's URL may
// also carry Format keys as query parameters (csv:///data?delimiter=;),
// which Format overrides.
type Options struct {
	Format Format
	Tables []TableSpec
}

// OptionError is one setting the source cannot use. Table is "" for a
// source setting, Column "" for a table setting; Key names the setting as
// the config spells it ("delimiter", "source_type", "primary_key", "file").
// FromURL is set for a setting written in the URL's query.
type OptionError struct {
	Table, Column, Key string
	FromURL            bool
	Msg                string
}

func (e *OptionError) Error() string {
	var parts []string
	if e.Table != "" {
		parts = append(parts, "table "+e.Table)
	}
	if e.Column != "" {
		parts = append(parts, "column "+e.Column)
	}
	where := e.Key
	if e.FromURL {
		where = "URL parameter " + e.Key
	}
	parts = append(parts, where)
	return fmt.Sprintf("%s: %s", strings.Join(parts, ", "), e.Msg)
}

// OptionErrors lists every setting the source cannot use.
type OptionErrors []*OptionError

func (es OptionErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}
