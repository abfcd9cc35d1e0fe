package csvsrc

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/sluicedb/sluice"
)

// Source reads the CSV files of one directory, or one file.
type Source struct {
	name   string
	dir    string // the directory that files are relative to
	tables []*table
	byName map[string]*table
}

var (
	_ sluice.Source     = (*Source)(nil)
	_ sluice.KeyChecker = (*Source)(nil)
)

// ErrFilter is returned for a Count or Read with a Where: a file has no SQL
// to filter its records with (plan refuses where: on CSV tables).
var ErrFilter = errors.New("a CSV source cannot filter records (where:)")

// Open opens the CSV source at a csv: URL (csv:///absolute/dir, csv:dir, or a
// file) with the config's settings. Settings it cannot use come back as
// OptionErrors; a path that cannot be read is a *sluice.ConnectError.
func Open(ctx context.Context, name, rawURL string, opts Options) (*Source, error) {
	path, query, err := ParseURL(rawURL)
	if err != nil {
		return nil, &sluice.ConnectError{Where: where(name, rawURL), Err: err}
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, &sluice.ConnectError{Where: where(name, rawURL), Err: err}
	}
	var problems OptionErrors
	fromURL := func(key, msg string) { problems = append(problems, &OptionError{Key: key, FromURL: true, Msg: msg}) }
	urlFormat := formatFromQuery(query, fromURL)
	resolve(urlFormat, "", fromURL)
	resolve(opts.Format, "", func(key, msg string) { problems = append(problems, &OptionError{Key: key, Msg: msg}) })
	s := &Source{name: name, dir: path, byName: map[string]*table{}}
	if !fi.IsDir() {
		s.dir = filepath.Dir(path)
	}
	base := opts.Format.over(urlFormat)
	problems = append(problems, s.addTables(path, fi.IsDir(), base, opts.Tables)...)
	if len(problems) > 0 {
		return nil, problems
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

func where(name, rawURL string) string {
	return fmt.Sprintf("source %s (%s)", name, sluice.RedactURL(rawURL))
}

// ParseURL returns the path of csv:///absolute/path or csv:relative/path (a
// directory or one file) and the query of Format settings after "?".
func ParseURL(rawURL string) (string, url.Values, error) {
	rest, ok := strings.CutPrefix(rawURL, "csv:")
	if !ok {
		return "", nil, fmt.Errorf("parse %q: want csv:///absolute/path or csv:relative/path", rawURL)
	}
	rest, rawQuery, _ := strings.Cut(rest, "?")
	if after, ok := strings.CutPrefix(rest, "//"); ok {
		if !strings.HasPrefix(after, "/") {
			return "", nil, fmt.Errorf("parse %q: after csv:// the path must be absolute (csv:///path); write csv:relative/path for a relative one", rawURL)
		}
		rest = after
	}
	if rest == "" {
		return "", nil, errors.New("parse csv URL: the path is empty")
	}
	query, err := parseQuery(rawQuery)
	if err != nil {
		return "", nil, fmt.Errorf("parse the settings after ? in %q: %w", rawURL, err)
	}
	path, err := filepath.Abs(rest)
	return path, query, err
}

// parseQuery splits a query at "&" only: a semicolon is a delimiter people
// write as it is (delimiter=;), which url.ParseQuery refuses.
func parseQuery(raw string) (url.Values, error) {
	q := url.Values{}
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return nil, err
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			return nil, err
		}
		q[key] = append(q[key], val)
	}
	return q, nil
}

// formatFromQuery reads Format settings from a URL query: the same names as
// the config's csv: keys, null repeatable.
func formatFromQuery(q url.Values, report func(key, msg string)) Format {
	var f Format
	for key, vals := range q {
		v := vals[len(vals)-1]
		switch key {
		case "delimiter":
			f.Delimiter = &v
		case "quote":
			f.Quote = &v
		case "escape":
			f.Escape = &v
		case "encoding":
			f.Encoding = &v
		case "null":
			f.Null = vals
		case "date_format":
			f.DateFormat = &v
		case "timestamp_format":
			f.TimestampFormat = &v
		case "header":
			b, err := strconv.ParseBool(v)
			if err != nil {
				report(key, "must be true or false, got "+strconv.Quote(v))
			}
			f.Header = &b
		case "max_record_bytes", "sample_rows":
			n, err := strconv.Atoi(v)
			if err != nil || n == 0 {
				report(key, "must be a positive integer, got "+strconv.Quote(v))
				continue
			}
			if key == "sample_rows" {
				f.SampleRows = n
			} else {
				f.MaxRecordBytes = n
			}
		default:
			report(key, "unknown setting (allowed: delimiter, quote, escape, encoding, null, header, date_format, timestamp_format, max_record_bytes, sample_rows)")
		}
	}
	return f
}

// Engine returns "csv".
func (s *Source) Engine() string { return "csv" }

// Close closes the files held open between reads.
func (s *Source) Close() error {
	var errs []error
	for _, t := range s.tables {
		errs = append(errs, t.closeAll())
	}
	return errors.Join(errs...)
}

func (s *Source) table(name string) (*table, error) {
	t, ok := s.byName[name]
	if !ok {
		return nil, fmt.Errorf("read %s.%s: no such table (no file %s.csv)", s.name, name, name)
	}
	return t, nil
}

func (s *Source) sortTables() {
	sort.Slice(s.tables, func(i, j int) bool { return s.tables[i].name < s.tables[j].name })
}
