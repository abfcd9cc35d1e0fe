package csvsrc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/sluicedb/sluice"
)

// Introspect reads each file's header and a sample of its records: the
// columns (declared types, or types inferred from the sample), the declared
// primary key, and an estimate of the records. A file has no foreign keys
// or indexes of its own: references are declared in the config.
func (s *Source) Introspect(ctx context.Context) (*sluice.Schema, error) {
	schema := &sluice.Schema{Source: s.name, Engine: "csv"}
	for _, t := range s.tables {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if t.spec.Skip {
			schema.Tables = append(schema.Tables, sluice.Table{Name: t.name})
			continue
		}
		if err := t.prepare(); err != nil {
			return nil, fmt.Errorf("introspect %s.%s: %w", s.name, t.name, err)
		}
		schema.Tables = append(schema.Tables, t.describe())
	}
	return schema, nil
}

// describe is the table as the plan sees it.
func (t *table) describe() sluice.Table {
	st := sluice.Table{Name: t.name, RowIDOnly: true, Rows: t.rows, Dialect: t.dialectText()}
	pk := t.primaryKey()
	for _, c := range t.cols {
		st.Columns = append(st.Columns, sluice.Column{Name: c.name, Type: c.typ, Nullable: !c.notNull})
	}
	st.PrimaryKey = pk
	st.RowID = t.rowID()
	return st
}

// primaryKey is the declared key when each of its columns exists (plan
// reports one that does not).
func (t *table) primaryKey() []string {
	for _, name := range t.spec.PrimaryKey {
		if t.column(name) < 0 {
			return nil
		}
	}
	return t.spec.PrimaryKey
}

func (t *table) dialectText() string {
	text := "file=" + t.rel + " " + t.d.describe()
	if len(t.spec.Columns) > 0 {
		text += fmt.Sprintf(" columns=%q", t.spec.Columns)
	}
	return text
}

// prepare reads the file's header and a sample of its records, once.
func (t *table) prepare() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.prepared {
		t.err = t.readHead()
		t.prepared = true
	}
	return t.err
}

func (t *table) readHead() error {
	var err error
	if t.stamp, err = stampOf(t.path); err != nil {
		return err
	}
	if t.layout, err = probe(t.path, t.d.enc); err != nil {
		return err
	}
	s, err := open(t.path, t.layout, 0)
	if err != nil {
		return err
	}
	defer s.Close()
	sc := newScanner(s.text, t.d, true, 1, 0)
	sc.parsed = &t.parsed
	names, err := t.columnNames(sc)
	if err != nil {
		return err
	}
	sc.skipBlank = len(names) > 1
	t.first = mark{offset: sc.offset(), line: sc.line}
	guesses, err := t.sample(sc, s, len(names))
	if err != nil {
		return err
	}
	return t.setColumns(names, guesses)
}

// columnNames reads the header, or takes the declared names, or names the
// fields of the first record column_1, column_2, ...
func (t *table) columnNames(sc *scanner) ([]string, error) {
	declared := t.spec.Columns
	if !t.d.header && len(declared) > 0 {
		return declared, nil
	}
	if !t.d.header {
		return t.countedNames(sc)
	}
	rec, err := sc.next()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("the file is empty: there is no header (set header: false and declare columns: for a file without one)")
	}
	if err != nil {
		return nil, err
	}
	if rec.bad != "" {
		return nil, fmt.Errorf("the header on %s is malformed: %s", t.where(rec), rec.bad)
	}
	if len(declared) > 0 {
		if len(declared) != len(rec.fields) {
			return nil, fmt.Errorf("columns: declares %d names, the header has %d fields", len(declared), len(rec.fields))
		}
		return declared, nil
	}
	return t.headerNames(rec)
}

func (t *table) headerNames(rec *record) ([]string, error) {
	names := make([]string, len(rec.fields))
	for i, f := range rec.fields {
		name, bad := t.layout.enc.decode(f)
		switch {
		case bad != "" || !utf8.ValidString(name) || strings.ContainsRune(name, 0):
			return nil, fmt.Errorf("the header's field %d is not text in %s: declare the names with columns:", i+1, t.layout.enc.name)
		case name == "":
			return nil, fmt.Errorf("the header's field %d is empty: declare the names with columns:", i+1)
		case slices.Contains(names[:i], name):
			return nil, fmt.Errorf("the header names column %q twice: declare the names with columns:", name)
		}
		names[i] = name
	}
	return names, nil
}

// countedNames names the columns of a file without header or declared
// names by the field count of its first record, which it does not consume.
func (t *table) countedNames(sc *scanner) ([]string, error) {
	s, err := open(t.path, t.layout, 0)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	first := newScanner(s.text, t.d, true, 1, 0)
	first.discard = true
	rec, err := first.next()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("the file is empty and has no header: declare its columns with columns:")
	}
	if err != nil {
		return nil, err
	}
	names := make([]string, len(rec.ends))
	for i := range names {
		names[i] = fmt.Sprintf("column_%d", i+1)
	}
	return names, nil
}

// sample reads up to the dialect's sample of records, feeding the guesses
// of the columns whose type is not declared, and estimates the records.
func (t *table) sample(sc *scanner, s *stream, ncols int) ([]guess, error) {
	guesses := make([]guess, ncols)
	n := int64(0)
	for ; n < int64(t.d.sample); n++ {
		rec, err := sc.next()
		if errors.Is(err, io.EOF) {
			t.rows, t.total = n, n
			return guesses, nil
		}
		if err != nil {
			return nil, err
		}
		if rec.bad != "" || len(rec.fields) != ncols {
			continue
		}
		for i, f := range rec.fields {
			if text, bad := t.layout.enc.decode(f); bad == "" && !t.d.isNull(text, rec.quoted[i]) {
				guesses[i].add(text, t.d)
			}
		}
	}
	t.rows = t.estimate(n, sc, s)
	return guesses, nil
}

// estimate scales the records sampled by the file's size.
func (t *table) estimate(n int64, sc *scanner, s *stream) int64 {
	read, size := s.raw.n, t.stamp.size
	if t.layout.seekable() {
		read, size = sc.offset()-t.first.offset, size-t.layout.bom-t.first.offset
	}
	if read <= 0 {
		return n
	}
	return max(n, int64(float64(n)*float64(size)/float64(read)))
}

// setColumns types the columns: as declared, else as guessed; the primary
// key's columns are NOT NULL.
func (t *table) setColumns(names []string, guesses []guess) error {
	t.cols = make([]column, len(names))
	for i, name := range names {
		typ, notNull := guesses[i].typ(), false
		if decl, ok := t.declared[name]; ok {
			typ, notNull = decl.typ, decl.notNull
		}
		notNull = notNull || slices.Contains(t.spec.PrimaryKey, name)
		c, err := newColumn(name, typ, notNull, t.d)
		if err != nil {
			return fmt.Errorf("column %s: %w", name, err)
		}
		t.cols[i] = c
	}
	return nil
}
