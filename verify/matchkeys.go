package verify

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/target"
	"github.com/sluicedb/sluice/transform"
)

// identityColumn is the temporary keys table's column of a matched part's
// legacy identities.
const identityColumn = "sluice_identity"

// finishMatched looks, once every chunk is compared, for the rows of a
// matched part that no source row accounts for: target rows this part's
// source owns under a legacy key the source lacks, and sluice.legacy_keys
// rows of the part whose identity the source lacks. Both are what a merge
// keeps when the source row is gone (counted), or findings under
// delete_missing.
func (s *scan) finishMatched(ctx context.Context) error {
	v := s.v
	var owned int64
	if err := v.db.QueryRow(ctx, "SELECT count(*) FROM "+v.cat.name+v.where("")).Scan(&owned); err != nil {
		return fmt.Errorf("count target rows of %s: %w", v.cat.name, err)
	}
	keys, err := v.state.CountLegacyKeys(ctx, v.t.ID)
	if err != nil {
		return err
	}
	if owned <= s.fetched.Load() && keys <= s.keysFound.Load() {
		return nil
	}
	return s.withMatchKeys(ctx, func(conn *pgxpool.Conn) error {
		if owned > s.fetched.Load() {
			if err := s.staleOwned(ctx, conn); err != nil {
				return err
			}
		}
		if keys > s.keysFound.Load() {
			return s.staleKeys(ctx, conn)
		}
		return nil
	})
}

// staleOwned handles the target rows of this part's source whose legacy key
// no source row has.
func (s *scan) staleOwned(ctx context.Context, conn *pgxpool.Conn) error {
	legacy := s.names([]int{s.sh.legacy})
	gone := s.v.where("t", fmt.Sprintf("NOT EXISTS (SELECT 1 FROM %s k WHERE %s)", keysTable, joinOn("k", legacy, "t", legacy)))
	if keeps(s.v.t) {
		n, err := countOn(ctx, conn, "SELECT count(*) FROM "+s.v.cat.name+" t"+gone)
		s.kept.Add(n)
		return err
	}
	q := fmt.Sprintf("SELECT %s, %s FROM %s t%s", s.legacySQL("t"), s.identSQL("t"), s.v.cat.name, gone)
	return s.v.sampleOn(ctx, conn, LevelContent, q, func(vals []string) {
		s.v.add(Finding{Level: LevelContent, Check: "extra row", LegacyKey: vals[0], Key: vals[1],
			Detail: "the target row is owned by a source row that is gone (delete_missing)"})
	})
}

// staleKeys handles the sluice.legacy_keys rows of the part whose identity
// no source row has.
func (s *scan) staleKeys(ctx context.Context, conn *pgxpool.Conn) error {
	if keeps(s.v.t) {
		n, err := target.CountStaleLegacyKeys(ctx, conn, s.v.t.ID, keysTable, identityColumn)
		s.keptKeys.Add(n)
		return err
	}
	stale, total, err := target.StaleLegacyKeys(ctx, conn, s.v.t.ID, keysTable, identityColumn, s.v.o.MaxFindings)
	if err != nil {
		return err
	}
	for _, k := range stale {
		s.v.add(Finding{Level: LevelLegacy, Check: "extra key", LegacyKey: k.LegacyKey, Key: k.Entity,
			Detail: "sluice.legacy_keys maps a legacy key no source row has (delete_missing)"})
	}
	s.v.found.uncounted(LevelLegacy, int(total)-len(stale))
	return nil
}

// keptLegacyKeys counts, for level 1, the part's sluice.legacy_keys rows
// whose source row is gone.
func (v *tableCheck) keptLegacyKeys(ctx context.Context) (int64, error) {
	s, err := newScan(ctx, v, v.t)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.withMatchKeys(ctx, func(conn *pgxpool.Conn) (err error) {
		n, err = target.CountStaleLegacyKeys(ctx, conn, v.t.ID, keysTable, identityColumn)
		return err
	})
	return n, err
}

func countOn(ctx context.Context, conn *pgxpool.Conn, q string, args ...any) (int64, error) {
	var n int64
	if err := conn.QueryRow(ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count: %w", err)
	}
	return n, nil
}

// withMatchKeys runs fn on a connection holding the temporary table of the
// part's source rows' legacy keys and identities.
func (s *scan) withMatchKeys(ctx context.Context, fn func(conn *pgxpool.Conn) error) error {
	conn, err := s.v.db.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("read the source keys of %s: %w", s.view.ID, err)
	}
	defer conn.Release()
	if err := s.copyMatchKeys(ctx, conn); err != nil {
		return fmt.Errorf("read the source keys of %s: %w", s.view.ID, err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+keysTable)
	return fn(conn)
}

// copyMatchKeys fills the temporary table from a read of the whole source
// table; rows the mapping rejects are left out, as the load left them out.
func (s *scan) copyMatchKeys(ctx context.Context, conn *pgxpool.Conn) error {
	legacy := s.view.Columns[s.sh.legacy].Name
	_, err := conn.Exec(ctx, fmt.Sprintf("DROP TABLE IF EXISTS %s; CREATE TEMPORARY TABLE %s (%s text, %s uuid)",
		keysTable, keysTable, qualified("", legacy), identityColumn))
	if err != nil {
		return err
	}
	row, err := transform.Compile(s.view, s.v.p.Namespace)
	if err != nil {
		return err
	}
	it, err := s.v.src.Read(ctx, sluice.ReadRequest{Table: s.view.SourceTable, Columns: s.view.ReadColumns, Where: s.view.Where})
	if err != nil {
		return err
	}
	defer it.Close()
	src := &matchKeyRows{it: it, row: row, legacy: s.sh.legacy, dst: make([]any, len(s.view.Columns))}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{keysTable}, []string{legacy, identityColumn}, src); err != nil {
		return err
	}
	_, err = conn.Exec(ctx, fmt.Sprintf("CREATE INDEX ON %s (%s); CREATE INDEX ON %s (%s); ANALYZE %s",
		keysTable, qualified("", legacy), keysTable, identityColumn, keysTable))
	return err
}

// matchKeyRows streams the legacy keys and identities of a source read.
type matchKeyRows struct {
	it     sluice.RowIter
	row    *transform.Row
	legacy int
	dst    []any
	out    [2]any
}

func (k *matchKeyRows) Next() bool {
	for k.it.Next() {
		vals := k.it.Values()
		if k.row.Apply(vals, k.dst) != nil {
			continue
		}
		id, _ := k.row.Identity(vals)
		k.out = [2]any{k.dst[k.legacy], [16]byte(id)}
		return true
	}
	return false
}

func (k *matchKeyRows) Values() ([]any, error) { return k.out[:], nil }

func (k *matchKeyRows) Err() error { return k.it.Err() }
