package verify

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/transform"
)

// keysTable is the temporary table extras copies the source keys into.
const keysTable = "sluice_verify_keys"

// extras finds the target rows whose identity no source row has, for a
// table whose chunks were selected by identity (so they were never read).
// The source's keys are streamed into a temporary table on one connection
// (memory stays bounded) and anti-joined with the target table. It only
// runs when the target holds more rows than the chunks read.
func (s *scan) extras(ctx context.Context) error {
	return s.withKeys(ctx, func(conn *pgxpool.Conn) error {
		if keeps(s.v.t) {
			n, err := s.goneCount(ctx, conn)
			s.kept.Add(n)
			return err
		}
		return s.extraRows(ctx, conn)
	})
}

// withKeys runs fn on a connection that holds the temporary table of the
// source keys.
func (s *scan) withKeys(ctx context.Context, fn func(conn *pgxpool.Conn) error) error {
	conn, err := s.v.db.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("read the source keys of %s: %w", s.view.ID, err)
	}
	defer conn.Release()
	if err := s.copyKeys(ctx, conn); err != nil {
		return fmt.Errorf("read the source keys of %s: %w", s.view.ID, err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+keysTable)
	return fn(conn)
}

// extraRows reports the target rows whose identity, and those whose legacy
// key, no source row has. Under Options.OwnUUIDs a row whose legacy key a
// source row has is paired by it, whatever its UUID.
func (s *scan) extraRows(ctx context.Context, conn *pgxpool.Conn) error {
	unpaired := []string{s.notInKeys(s.sh.ident)}
	if s.v.o.OwnUUIDs && s.sh.uuidKeys() {
		unpaired = append(unpaired, s.notInKeys([]int{s.sh.legacy}))
	}
	q := fmt.Sprintf("SELECT %s, %s FROM %s t%s", s.identSQL("t"), s.legacySQL("t"), s.v.cat.name,
		s.v.where("t", unpaired...))
	err := s.v.sampleOn(ctx, conn, LevelContent, q, func(vals []string) {
		s.v.add(Finding{Level: LevelContent, Check: "extra row", Key: vals[0], LegacyKey: vals[1],
			Detail: "the target row matches no source row"})
	})
	if err != nil || !s.sh.uuidKeys() {
		return err
	}
	q = fmt.Sprintf("SELECT %s, %s FROM %s t%s", s.legacySQL("t"), s.identSQL("t"), s.v.cat.name,
		s.v.where("t", s.notInKeys([]int{s.sh.legacy})))
	return s.v.sampleOn(ctx, conn, LevelLegacy, q, func(vals []string) {
		s.v.add(Finding{Level: LevelLegacy, Check: "extra key", LegacyKey: vals[0], Key: vals[1],
			Detail: "no source row has this legacy key"})
	})
}

// keptRows counts, for level 1, the target rows whose source row is gone.
func (v *tableCheck) keptRows(ctx context.Context) (int64, error) {
	full := shapeOf(v.t)
	if !full.keyed() {
		return 0, nil
	}
	idx := slices.Clone(full.ident)
	if full.legacy >= 0 {
		idx = append(idx, full.legacy)
	}
	view := project(v.t, idx)
	if len(v.cat.missing(view)) > 0 {
		return 0, nil // level 4 reports the missing columns
	}
	s, err := newScan(ctx, v, view)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.withKeys(ctx, func(conn *pgxpool.Conn) (err error) {
		n, err = s.goneCount(ctx, conn)
		return err
	})
	return n, err
}

// goneCount counts the target rows whose source row is gone: neither their
// identity nor their legacy key is a source row's. A row holding a source
// row's legacy key under another identity is not gone: the chunks found it
// by its legacy key (or level 5 as a duplicate) and reported it.
func (s *scan) goneCount(ctx context.Context, conn *pgxpool.Conn) (int64, error) {
	conds := []string{s.notInKeys(s.sh.ident)}
	if s.sh.legacy >= 0 {
		conds = append(conds, s.notInKeys([]int{s.sh.legacy}))
	}
	var n int64
	err := conn.QueryRow(ctx, "SELECT count(*) FROM "+s.v.cat.name+" t"+s.v.where("t", conds...)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count the rows of %s whose source row is gone: %w", s.v.cat.name, err)
	}
	return n, nil
}

// notInKeys says that no source row has the target row's (alias t) columns
// idx, as the temporary table of source keys holds them.
func (s *scan) notInKeys(idx []int) string {
	cols := s.names(idx)
	return fmt.Sprintf("NOT EXISTS (SELECT 1 FROM %s k WHERE %s)", keysTable, joinOn("k", cols, "t", cols))
}

// copyKeys creates the temporary table of the source rows' identities (and
// legacy keys) and fills it, straight from a read of the whole source table.
func (s *scan) copyKeys(ctx context.Context, conn *pgxpool.Conn) error {
	idx := append([]int(nil), s.sh.ident...)
	if s.sh.legacy >= 0 {
		idx = append(idx, s.sh.legacy)
	}
	view := project(s.view, idx)
	cols := s.names(idx)
	_, err := conn.Exec(ctx, fmt.Sprintf("DROP TABLE IF EXISTS %s; CREATE TEMPORARY TABLE %s AS SELECT %s FROM %s WITH NO DATA",
		keysTable, keysTable, columnList("", cols), s.v.cat.name))
	if err != nil {
		return err
	}
	row, err := transform.Compile(view, s.v.p.Namespace)
	if err != nil {
		return err
	}
	it, err := s.v.src.Read(ctx, sluice.ReadRequest{Table: view.SourceTable, Columns: view.ReadColumns, Where: view.Where})
	if err != nil {
		return err
	}
	defer it.Close()
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{keysTable}, cols, &keyRows{it: it, row: row, dst: make([]any, len(cols))}); err != nil {
		return err
	}
	index := fmt.Sprintf("CREATE INDEX ON %s (%s); ", keysTable, columnList("", s.names(s.sh.ident)))
	if s.sh.legacy >= 0 {
		index += fmt.Sprintf("CREATE INDEX ON %s (%s); ", keysTable, columnList("", s.names([]int{s.sh.legacy})))
	}
	_, err = conn.Exec(ctx, index+"ANALYZE "+keysTable)
	return err
}

// keyRows streams the transformed keys of a source read into COPY; rows the
// mapping rejects are left out, as the load left them out.
type keyRows struct {
	it  sluice.RowIter
	row *transform.Row
	dst []any
}

func (k *keyRows) Next() bool {
	for k.it.Next() {
		if k.row.Apply(k.it.Values(), k.dst) == nil {
			return true
		}
	}
	return false
}

func (k *keyRows) Values() ([]any, error) { return k.dst, nil }

func (k *keyRows) Err() error { return k.it.Err() }
