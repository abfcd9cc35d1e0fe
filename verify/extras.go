package verify

import (
	"context"
	"fmt"

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
	conn, err := s.v.db.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("find extra rows of %s: %w", s.v.cat.name, err)
	}
	defer conn.Release()
	if err := s.copyKeys(ctx, conn); err != nil {
		return fmt.Errorf("find extra rows of %s: %w", s.v.cat.name, err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+keysTable)
	ident := s.names(s.sh.ident)
	q := fmt.Sprintf("SELECT %s, %s FROM %s t WHERE NOT EXISTS (SELECT 1 FROM %s k WHERE %s)",
		s.identSQL("t"), s.legacySQL("t"), s.v.cat.name, keysTable, joinOn("k", ident, "t", ident))
	err = s.v.sampleOn(ctx, conn, LevelContent, q, func(vals []string) {
		s.v.add(Finding{Level: LevelContent, Check: "extra row", Key: vals[0], LegacyKey: vals[1],
			Detail: "the target row matches no source row"})
	})
	if err != nil || !s.sh.uuidKeys() {
		return err
	}
	legacy := s.names([]int{s.sh.legacy})
	q = fmt.Sprintf("SELECT %s, %s FROM %s t WHERE NOT EXISTS (SELECT 1 FROM %s k WHERE %s)",
		s.legacySQL("t"), s.identSQL("t"), s.v.cat.name, keysTable, joinOn("k", legacy, "t", legacy))
	return s.v.sampleOn(ctx, conn, LevelLegacy, q, func(vals []string) {
		s.v.add(Finding{Level: LevelLegacy, Check: "extra key", LegacyKey: vals[0], Key: vals[1],
			Detail: "no source row has this legacy key"})
	})
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
