package engines

import (
	"context"
	"errors"
	"sort"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
	csvsrc "github.com/sluicedb/sluice/csv"
)

// openCSV opens a csv: source with what the config says of it and of its
// tables. A setting the source refuses is reported as a config error at the
// line of the key that sets it, all of them at once.
func openCSV(ctx context.Context, cfg *config.Config, src *config.Source) (sluice.Source, error) {
	s, err := csvsrc.Open(ctx, src.Name, src.URL, csvOptions(cfg, src))
	var problems csvsrc.OptionErrors
	if errors.As(err, &problems) {
		return nil, csvConfigErrors(cfg, src, problems)
	}
	return s, err
}

func csvOptions(cfg *config.Config, src *config.Source) csvsrc.Options {
	opts := csvsrc.Options{Format: csvFormat(src.CSV)}
	if src.Encoding != "" {
		opts.Format.Encoding = &src.Encoding
	}
	for i := range cfg.Tables {
		r := &cfg.Tables[i]
		if r.Source != src.Name {
			continue
		}
		spec := csvsrc.TableSpec{Name: r.Table, Format: csvFormat(r.CSV), PrimaryKey: r.PrimaryKey, Skip: r.Skip, Types: map[string]string{}}
		if r.CSV != nil {
			spec.File, spec.Columns = r.CSV.File, r.CSV.Columns
		}
		for _, c := range r.Columns {
			if c.SourceType != "" {
				spec.Types[c.Name] = c.SourceType
			}
		}
		opts.Tables = append(opts.Tables, spec)
	}
	return opts
}

func csvFormat(o *config.CSVOptions) csvsrc.Format {
	if o == nil {
		return csvsrc.Format{}
	}
	return csvsrc.Format{
		Delimiter: o.Delimiter, Quote: o.Quote, Escape: o.Escape, Encoding: o.Encoding, Null: o.Null, Header: o.Header,
		DateFormat: o.DateFormat, TimestampFormat: o.TimestampFormat, MaxRecordBytes: o.MaxRecordBytes, SampleRows: o.SampleRows,
	}
}

// csvConfigErrors places each refused setting at its key in the file: the
// source's csv: or URL, a table's csv: or primary_key, a column's
// source_type.
func csvConfigErrors(cfg *config.Config, src *config.Source, problems csvsrc.OptionErrors) config.Errors {
	var out config.Errors
	for _, p := range problems {
		e := &config.Error{File: cfg.File, Line: src.Line, Key: "sources." + src.Name + ".url", Msg: p.Msg}
		switch {
		case p.FromURL:
			e.Msg = "setting " + p.Key + ": " + p.Msg
		case p.Table == "":
			e.Key, e.Line = "sources."+src.Name+".csv."+p.Key, optionLine(src.CSV, p.Key, src.Line)
		default:
			placeTableProblem(e, cfg.Rule(src.Name, p.Table), p)
		}
		out = append(out, e)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}

func placeTableProblem(e *config.Error, r *config.TableRule, p *csvsrc.OptionError) {
	if r == nil {
		e.Msg = "table " + p.Table + ": " + p.Msg // a file of the directory the config does not name
		return
	}
	prefix := "tables." + r.Source + "." + r.Table
	switch {
	case p.Column != "":
		e.Key, e.Line = prefix+".columns."+p.Column+"."+p.Key, r.Line
		if c := r.Column(p.Column); c != nil {
			e.Line = c.Line
		}
	case p.Key == "primary_key":
		e.Key, e.Line = prefix+".primary_key", max(r.PrimaryKeyLine, r.Line)
	default:
		e.Key, e.Line = prefix+".csv."+p.Key, optionLine(r.CSV, p.Key, r.Line)
	}
}

// optionLine is the line of a csv: setting: its own, else the csv: key's,
// else the fallback.
func optionLine(o *config.CSVOptions, key string, fallback int) int {
	if o == nil {
		return fallback
	}
	if l, ok := o.Lines[key]; ok {
		return l
	}
	return max(o.Line, fallback)
}
