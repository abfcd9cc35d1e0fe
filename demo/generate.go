package demo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sync/errgroup"
)

// DefaultRows is the number of patients when Options.Rows is zero.
const DefaultRows = 2000

// MinRows is the smallest estate that still holds three bad values of each
// kind, patients without one, and three patients the west clinic shares.
const MinRows = 20

// Options chooses where the estate goes and how big it is.
type Options struct {
	Dir    string // where the databases and sluice.yaml go; created if missing
	Rows   int    // patients; default DefaultRows; every other table scales with it
	Target string // the target URL written into sluice.yaml
}

// Estate is what Generate wrote.
type Estate struct {
	Dir, ConfigPath string
	Databases       map[string]string // source name → file path
	Rows            map[string]int64  // "<source>.<Table>" → rows written
	// Filtered counts the rows that a `where` rule of sluice.yaml excludes,
	// by "<source>.<Table>"; they are part of Rows.
	Filtered map[string]int64
	BadRows  []BadRow // every value planted to be rejected, with why
	// Matches lists the patients on file in both clinical.Patients and
	// clinic_west.Patient (the same MRN), in PatientNo order. None of them
	// holds a bad value.
	Matches []Match
}

// BadRow is one value planted to land in sluice.rejects. Key is the row's
// primary key as text.
type BadRow struct{ Source, Table, Key, Column, Why string }

// Generate writes the four databases and sluice.yaml into o.Dir, replacing
// earlier ones.
func Generate(ctx context.Context, o Options) (*Estate, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("create demo directory: %w", err)
	}
	p := newPlan(o.Rows)
	dbs := []database{clinicalDB(p), clinicWestDB(p), pharmacyDB(p), inventoryDB(p)}
	est := newEstate(o.Dir)
	results := make([]dbResult, len(dbs))
	g, gctx := errgroup.WithContext(ctx)
	for i, d := range dbs {
		path := filepath.Join(o.Dir, d.name+".db")
		est.Databases[d.name] = path
		g.Go(func() (err error) {
			results[i], err = writeDatabase(gctx, path, d)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	est.collect(results, p.bad.rows())
	est.Matches = p.west.matches
	if err := writeConfig(est, o.Target); err != nil {
		return nil, err
	}
	return est, nil
}

func (o Options) withDefaults() (Options, error) {
	if o.Rows == 0 {
		o.Rows = DefaultRows
	}
	if o.Rows < MinRows {
		return o, fmt.Errorf("generate demo estate: rows must be at least %d, got %d", MinRows, o.Rows)
	}
	if o.Dir == "" {
		return o, errors.New("generate demo estate: no directory given")
	}
	if o.Target == "" {
		return o, errors.New("generate demo estate: no target URL given")
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return o, fmt.Errorf("resolve demo directory: %w", err)
	}
	o.Dir = dir
	return o, nil
}

func newEstate(dir string) *Estate {
	return &Estate{
		Dir:        dir,
		ConfigPath: filepath.Join(dir, "sluice.yaml"),
		Databases:  map[string]string{},
		Rows:       map[string]int64{},
		Filtered:   map[string]int64{},
	}
}

func (e *Estate) collect(results []dbResult, bad []BadRow) {
	for _, r := range results {
		for k, n := range r.rows {
			e.Rows[k] = n
		}
		for k, n := range r.filtered {
			e.Filtered[k] = n
		}
	}
	e.BadRows = bad
}
