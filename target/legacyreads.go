package target

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The read models of sluice.legacy_keys: which entity each legacy identity
// of a table merged on a natural key was matched into. verify resolves and
// checks matched rows with them, trace lists the source rows of an entity.

// Conn is one connection to the target that holds a reader's temporary
// tables (*pgxpool.Conn, *pgx.Conn and pgx.Tx all are one): the functions
// that compare the legacy keys with such a table run on it.
type Conn interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// MatchedEntities maps each of the legacy identities ids that
// sluice.legacy_keys holds to the entity it was matched into.
func (t *Target) MatchedEntities(ctx context.Context, ids [][16]byte) (map[[16]byte][16]byte, error) {
	out := make(map[[16]byte][16]byte, len(ids))
	var id, entity [16]byte
	rows, _ := t.pool.Query(ctx, `SELECT legacy_uuid, entity FROM sluice.legacy_keys WHERE legacy_uuid = ANY($1::uuid[])`, ids)
	_, err := pgx.ForEachRow(rows, []any{&id, &entity}, func() error {
		out[id] = entity
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the entities of legacy identities: %w", err)
	}
	return out, nil
}

// LegacyKey is one row of sluice.legacy_keys: a source row of a table merged
// on a natural key, and the entity it was matched into.
type LegacyKey struct {
	Entity    [16]byte
	LegacyKey string
	TableID   string
	Source    string
}

// LegacyKeys reads the rows of sluice.legacy_keys of the legacy identities
// ids, by identity.
func (t *Target) LegacyKeys(ctx context.Context, ids [][16]byte) (map[[16]byte]LegacyKey, error) {
	out := make(map[[16]byte]LegacyKey, len(ids))
	var id [16]byte
	var k LegacyKey
	rows, _ := t.pool.Query(ctx, `SELECT legacy_uuid, entity, legacy_key, table_id, source FROM sluice.legacy_keys
		WHERE legacy_uuid = ANY($1::uuid[])`, ids)
	_, err := pgx.ForEachRow(rows, []any{&id, &k.Entity, &k.LegacyKey, &k.TableID, &k.Source}, func() error {
		out[id] = k
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read sluice.legacy_keys: %w", err)
	}
	return out, nil
}

// EntitiesOfLegacyKey lists the entities the source rows of table tableID
// with legacy key key were matched into.
func (t *Target) EntitiesOfLegacyKey(ctx context.Context, tableID, key string) ([][16]byte, error) {
	rows, _ := t.pool.Query(ctx, `SELECT entity FROM sluice.legacy_keys WHERE table_id = $1 AND legacy_key = $2`, tableID, key)
	out, err := pgx.CollectRows(rows, pgx.RowTo[[16]byte])
	if err != nil {
		return nil, fmt.Errorf("read the entity of %s key %s: %w", tableID, key, err)
	}
	return out, nil
}

// SourceRowsOf lists the source rows matched into entity (a uuid's text),
// by table and legacy key.
func (t *Target) SourceRowsOf(ctx context.Context, entity string) ([]LegacyKey, error) {
	var k LegacyKey
	var out []LegacyKey
	rows, _ := t.pool.Query(ctx, `SELECT entity, table_id, source, legacy_key FROM sluice.legacy_keys
		WHERE entity = $1::uuid ORDER BY table_id, legacy_key`, entity)
	_, err := pgx.ForEachRow(rows, []any{&k.Entity, &k.TableID, &k.Source, &k.LegacyKey}, func() error {
		out = append(out, k)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the source rows matched into %s: %w", entity, err)
	}
	return out, nil
}

// ResolveMatched replaces, in column of the temporary table table on s,
// each legacy identity sluice.legacy_keys holds by the entity it was matched
// into: what the load does to a reference to a matched table.
func ResolveMatched(ctx context.Context, s Conn, table, column string) error {
	_, err := s.Exec(ctx, fmt.Sprintf(`UPDATE %s AS k SET %s = lk.entity FROM sluice.legacy_keys AS lk WHERE lk.legacy_uuid = k.%[2]s`,
		quoteIdent(table), quoteIdent(column)))
	if err != nil {
		return fmt.Errorf("resolve the matched references in %s: %w", table, err)
	}
	return nil
}

// staleKeys selects the legacy keys of table $1 whose identity is not in
// column %[2]s of the temporary table %[1]s.
const staleKeys = ` FROM sluice.legacy_keys l WHERE l.table_id = $1 AND NOT EXISTS (SELECT 1 FROM %[1]s k WHERE k.%[2]s = l.legacy_uuid)`

// CountStaleLegacyKeys counts the legacy keys of tableID whose identity is
// not in column of the temporary table table on s: a source row gone.
func CountStaleLegacyKeys(ctx context.Context, s Conn, tableID, table, column string) (int64, error) {
	var n int64
	err := s.QueryRow(ctx, "SELECT count(*)"+fmt.Sprintf(staleKeys, quoteIdent(table), quoteIdent(column)), tableID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count the legacy keys of %s whose source row is gone: %w", tableID, err)
	}
	return n, nil
}

// StaleLegacyKey is a legacy key whose source row is gone, and its entity.
type StaleLegacyKey struct {
	LegacyKey, Entity string
}

// StaleLegacyKeys lists, by legacy key, the first limit legacy keys
// CountStaleLegacyKeys counts, and how many there are in all.
func StaleLegacyKeys(ctx context.Context, s Conn, tableID, table, column string, limit int) ([]StaleLegacyKey, int64, error) {
	var out []StaleLegacyKey
	var k StaleLegacyKey
	var total int64
	rows, _ := s.Query(ctx, "SELECT l.legacy_key, l.entity::text, count(*) OVER ()"+
		fmt.Sprintf(staleKeys, quoteIdent(table), quoteIdent(column))+" ORDER BY 1 LIMIT $2", tableID, limit)
	_, err := pgx.ForEachRow(rows, []any{&k.LegacyKey, &k.Entity, &total}, func() error {
		out = append(out, k)
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list the legacy keys of %s whose source row is gone: %w", tableID, err)
	}
	return out, total, nil
}

// MatchedValuesMissing says whether a row of the matched parts ids was
// recorded without its values (copied before the state kept them): a live
// sync cannot rebuild the entities such rows belong to.
func (t *Target) MatchedValuesMissing(ctx context.Context, ids []string) (bool, error) {
	var missing bool
	err := t.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM sluice.legacy_keys WHERE table_id = ANY($1) AND row_values IS NULL)`,
		ids).Scan(&missing)
	if err != nil {
		return false, fmt.Errorf("look for matched rows recorded without their values: %w", err)
	}
	return missing, nil
}
