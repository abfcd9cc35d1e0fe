package csvsrc

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/sluicedb/sluice"
)

// table is one file of the source, and what reading it has found out.
type table struct {
	name     string
	path     string
	rel      string // the path as messages show it: relative to the source's directory
	spec     TableSpec
	d        *dialect
	declared map[string]declared // the config's source_type by column

	mu       sync.Mutex
	prepared bool
	err      error // why the file could not be prepared
	layout   layout
	cols     []column
	first    mark  // where record 1 starts
	rows     int64 // the estimate (exact when the sample reached the end)
	stamp    fileStamp
	parked   []*cursor    // open cursors between records, for the next chunk
	marks    []mark       // record boundaries seen, for seekable files
	total    int64        // the number of records, once a read reached the end; -1 before
	parsed   atomic.Int64 // records parsed by every read of the file, headers included
}

type declared struct {
	typ     sluice.Type
	notNull bool
}

// mark is a record boundary: record records come before offset, which is on
// line line.
type mark struct {
	record int64
	offset int64
	line   int
}

// fileStamp tells a file that changed since it was first read.
type fileStamp struct {
	size  int64
	mtime int64
}

func stampOf(path string) (fileStamp, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{}, err
	}
	return fileStamp{size: fi.Size(), mtime: fi.ModTime().UnixNano()}, nil
}

// fileExtensions are what a directory's files must end with to be tables
// (each also with .gz); another file is a table only when the config names
// it with file:.
var fileExtensions = []string{".csv", ".tsv"}

// tableName is the table a file stands for: its name without .gz and its
// extension; ok is false for a file that is no table.
func tableName(file string, anyExtension bool) (name string, ok bool) {
	if strings.HasPrefix(file, ".") {
		return "", false
	}
	base := file
	if strings.HasSuffix(strings.ToLower(base), ".gz") {
		base = base[:len(base)-3]
	}
	ext := filepath.Ext(base)
	for _, e := range fileExtensions {
		if strings.EqualFold(ext, e) {
			return strings.TrimSuffix(base, ext), true
		}
	}
	if anyExtension {
		return strings.TrimSuffix(base, ext), base != ext
	}
	return "", false
}

// defaultDelimiter is a tab for .tsv files.
func defaultDelimiter(path string) string {
	base := strings.TrimSuffix(strings.ToLower(path), ".gz")
	if strings.HasSuffix(base, ".tsv") {
		return "\t"
	}
	return ""
}

// addTables lists the tables: the directory's files (or the one file), and
// the tables the config declares with their own file.
func (s *Source) addTables(path string, isDir bool, base Format, specs []TableSpec) OptionErrors {
	files, problems := discover(path, isDir)
	bySpec := map[string]TableSpec{}
	for _, sp := range specs {
		bySpec[sp.Name] = sp
		if sp.File == "" {
			continue
		}
		if !isDir {
			problems = append(problems, &OptionError{Table: sp.Name, Key: "file", Msg: "a source that is one file has one table; file: needs a source that is a directory"})
			continue
		}
		p := sp.File
		if !filepath.IsAbs(p) {
			p = filepath.Join(s.dir, p)
		}
		if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
			problems = append(problems, &OptionError{Table: sp.Name, Key: "file", Msg: fmt.Sprintf("%s is not a file that can be read: %v", sp.File, statProblem(fi, err))})
			continue
		}
		for n, f := range files {
			if f == p {
				delete(files, n) // the file is this table's, under its declared name
			}
		}
		files[sp.Name] = p
	}
	for name, p := range files {
		sp := bySpec[name]
		sp.Name = name
		problems = append(problems, s.addTable(name, p, sp, base)...)
	}
	s.sortTables()
	return problems
}

// discover maps table names to file paths.
func discover(path string, isDir bool) (map[string]string, OptionErrors) {
	files := map[string]string{}
	if !isDir {
		name, _ := tableName(filepath.Base(path), true)
		if name == "" {
			name = filepath.Base(path)
		}
		files[name] = path
		return files, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, OptionErrors{{Key: "url", Msg: fmt.Sprintf("list %s: %v", path, err)}}
	}
	var problems OptionErrors
	for _, e := range entries {
		name, ok := tableName(e.Name(), false)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		if other, dup := files[name]; dup {
			problems = append(problems, &OptionError{Table: name, Key: "file", Msg: fmt.Sprintf(
				"both %s and %s would be table %s: declare one of them as another table with file:", filepath.Base(other), e.Name(), name)})
			continue
		}
		files[name] = filepath.Join(path, e.Name())
	}
	return files, problems
}

func (s *Source) addTable(name, path string, sp TableSpec, base Format) OptionErrors {
	var problems OptionErrors
	report := func(col, key, msg string) {
		problems = append(problems, &OptionError{Table: name, Column: col, Key: key, Msg: msg})
	}
	// A setting of the source's own was reported once already; a table
	// reports its own settings, and what its settings make of the source's.
	baseBad := map[string]bool{}
	resolve(base, "", func(key, _ string) { baseBad[key] = true })
	d := resolve(sp.Format.over(base), defaultDelimiter(path), func(key, msg string) {
		if !baseBad[key] || sp.Format.sets(key) {
			report("", key, msg)
		}
	})
	t := &table{name: name, path: path, rel: relPath(s.dir, path), spec: sp, d: d, declared: map[string]declared{}, total: -1}
	for col, decl := range sp.Types {
		typ, notNull, err := ParseType(decl)
		if err == nil {
			_, err = reader(typ, d)
		}
		if err != nil {
			report(col, "source_type", err.Error())
			continue
		}
		t.declared[col] = declared{typ: typ, notNull: notNull}
	}
	s.tables = append(s.tables, t)
	s.byName[name] = t
	return problems
}

func relPath(dir, path string) string {
	if rel, err := filepath.Rel(dir, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}

// where names a record's place in messages: the file and its line(s).
func (t *table) where(r *record) string {
	if r.last > r.line {
		return fmt.Sprintf("%s lines %d-%d", t.rel, r.line, r.last)
	}
	return fmt.Sprintf("%s line %d", t.rel, r.line)
}

// column returns the index of a column by name, or -1.
func (t *table) column(name string) int {
	for i, c := range t.cols {
		if c.name == name {
			return i
		}
	}
	return -1
}

// rowID names the record number pseudo-column: a name no column has.
func (t *table) rowID() string {
	name := "_record"
	for t.column(name) >= 0 {
		name += "_"
	}
	return name
}

// closeAll closes the parked cursors.
func (t *table) closeAll() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	var first error
	for _, c := range t.parked {
		if err := c.close(); err != nil && first == nil {
			first = err
		}
	}
	t.parked = nil
	return first
}

// addMark remembers a record boundary, keeping the marks in record order.
func (t *table) addMark(m mark) {
	i := sort.Search(len(t.marks), func(i int) bool { return t.marks[i].record >= m.record })
	if i < len(t.marks) && t.marks[i].record == m.record {
		return
	}
	t.marks = append(t.marks, mark{})
	copy(t.marks[i+1:], t.marks[i:])
	t.marks[i] = m
	if len(t.marks) > maxMarks {
		t.thinMarks()
	}
}

// maxMarks bounds the record boundaries a table remembers; beyond it every
// other one is forgotten, which keeps them spread over the file.
const maxMarks = 4096

func (t *table) thinMarks() {
	kept := t.marks[:0]
	for i, m := range t.marks {
		if i%2 == 0 {
			kept = append(kept, m)
		}
	}
	t.marks = kept
}

func statProblem(fi os.FileInfo, err error) string {
	if err != nil {
		return err.Error()
	}
	return fi.Mode().Type().String()
}
