package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/sluicedb/sluice"
)

var _ sluice.ChangeSink = (*Source)(nil)

// PrepareSink creates the record table sluice_reverse in the source's
// schema.
func (s *Source) PrepareSink(ctx context.Context) error {
	w, err := s.writer(ctx)
	if err != nil {
		return err
	}
	if _, err := w.Exec(ctx, sinkTableSQL(s.schema)); err != nil {
		return classify(fmt.Errorf("create %s in source %s: %w", sluice.SinkTable, s.name, err))
	}
	return nil
}

// DropSink drops the record table.
func (s *Source) DropSink(ctx context.Context) error {
	w, err := s.writer(ctx)
	if err != nil {
		return err
	}
	if _, err := w.Exec(ctx, "DROP TABLE IF EXISTS "+QualifiedName(s.schema, sluice.SinkTable)); err != nil {
		return classify(fmt.Errorf("drop %s in source %s: %w", sluice.SinkTable, s.name, err))
	}
	return nil
}

// SinkPosition reads the position of the last batch applied for name.
func (s *Source) SinkPosition(ctx context.Context, name string) (string, error) {
	var pos string
	err := s.pool.QueryRow(ctx, "SELECT position FROM "+QualifiedName(s.schema, sluice.SinkTable)+" WHERE name = $1", name).Scan(&pos)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", classify(fmt.Errorf("read the reverse position %s in source %s: %w", name, s.name, err))
	}
	return pos, nil
}

// Apply applies the batch and records its position in one transaction,
// after locking the stream's record row, so two appliers take turns and
// the second sees the first's position.
func (s *Source) Apply(ctx context.Context, batch sluice.SinkBatch) (sluice.SinkResult, error) {
	w, err := s.writer(ctx)
	if err != nil {
		return sluice.SinkResult{}, err
	}
	if batch.Position == nil || batch.Parse == nil {
		return sluice.SinkResult{}, fmt.Errorf("apply to source %s: the batch has no position", s.name)
	}
	record := QualifiedName(s.schema, sluice.SinkTable)
	if _, err := w.Exec(ctx, "INSERT INTO "+record+" (name, position) VALUES ($1, '') ON CONFLICT (name) DO NOTHING", batch.Name); err != nil {
		return sluice.SinkResult{}, classify(fmt.Errorf("apply to source %s: %w", s.name, err))
	}
	var res sluice.SinkResult
	err = pgx.BeginFunc(ctx, w, func(tx pgx.Tx) error {
		var err error
		res, err = s.applyTx(ctx, tx, batch)
		if err == nil && !res.Applied {
			return errSkip // roll back: nothing to write
		}
		return err
	})
	if errors.Is(err, errSkip) {
		return res, nil
	}
	if err != nil {
		return sluice.SinkResult{}, classify(fmt.Errorf("apply to source %s: %w", s.name, err))
	}
	return res, nil
}

var errSkip = errors.New("batch applied before")

func (s *Source) applyTx(ctx context.Context, tx pgx.Tx, batch sluice.SinkBatch) (sluice.SinkResult, error) {
	record := QualifiedName(s.schema, sluice.SinkTable)
	done, earlier, err := appliedBefore(ctx, tx, record, batch)
	if err != nil || done {
		return sluice.SinkResult{Generated: earlier}, err
	}
	res := sluice.SinkResult{Applied: true}
	res.Generated, err = sluice.ApplyChanges(batch.Changes, func(c sluice.RowChange) ([]any, error) { return s.applyChange(ctx, tx, c) })
	if err != nil {
		return sluice.SinkResult{}, err
	}
	keys, err := sluice.EncodeGeneratedKeys(res.Generated)
	if err != nil {
		return sluice.SinkResult{}, err
	}
	if _, err := tx.Exec(ctx, "UPDATE "+record+" SET position = $1, generated_keys = $2, applied_at = now() WHERE name = $3", batch.Position.String(), keys, batch.Name); err != nil {
		return sluice.SinkResult{}, fmt.Errorf("record position %s: %w", batch.Position, err)
	}
	return res, nil
}

// appliedBefore locks the stream's record and tells whether a batch at or
// after this one's position was applied already, with the keys recorded
// with this very batch.
func appliedBefore(ctx context.Context, tx pgx.Tx, record string, batch sluice.SinkBatch) (bool, []sluice.GeneratedKey, error) {
	var stored string
	var keys *string
	if err := tx.QueryRow(ctx, "SELECT position, generated_keys FROM "+record+" WHERE name = $1 FOR UPDATE", batch.Name).Scan(&stored, &keys); err != nil {
		return false, nil, fmt.Errorf("lock the reverse position %s: %w", batch.Name, err)
	}
	text := ""
	if keys != nil {
		text = *keys
	}
	return sluice.SinkRecordCovers(batch, stored, text)
}

// applyChange runs one change; it returns the key the source generated for
// an insert without one.
func (s *Source) applyChange(ctx context.Context, tx pgx.Tx, c sluice.RowChange) ([]any, error) {
	stmt, args, err := changeSQL(s.schema, c)
	if err != nil {
		return nil, fmt.Errorf("apply %s to %s.%s: %w", c.Kind, s.name, c.Table, err)
	}
	if c.Kind == sluice.ChangeInsert && c.KeyValues == nil {
		return generatedKey(ctx, tx, stmt, args, s.name, c)
	}
	tag, err := tx.Exec(ctx, stmt, args...)
	if err != nil {
		return nil, fmt.Errorf("apply %s to %s.%s key %s: %w", c.Kind, s.name, c.Table, keyText(c.KeyValues), err)
	}
	if tag.RowsAffected() == 0 {
		return nil, &sluice.SinkConflictError{Source: s.name, Table: c.Table, Kind: c.Kind, Key: keyText(c.KeyValues)}
	}
	return nil, nil
}

func generatedKey(ctx context.Context, tx pgx.Tx, stmt string, args []any, source string, c sluice.RowChange) ([]any, error) {
	rows, err := tx.Query(ctx, stmt, args...)
	if err != nil {
		return nil, fmt.Errorf("apply insert to %s.%s: %w", source, c.Table, err)
	}
	key, err := pgx.CollectExactlyOneRow(rows, func(r pgx.CollectableRow) ([]any, error) { return r.Values() })
	if err != nil {
		return nil, fmt.Errorf("apply insert to %s.%s: %w", source, c.Table, err)
	}
	for i, v := range key {
		key[i] = widen(v)
	}
	if len(key) > 0 && key[0] == nil {
		return nil, fmt.Errorf("apply insert to %s.%s: the source generated no key (has %s a default, identity or sequence?)", source, c.Table, c.Key[0])
	}
	return key, nil
}

// widen gives generated integer keys one type, int64, whatever the column's width.
func widen(v any) any {
	switch n := v.(type) {
	case int16:
		return int64(n)
	case int32:
		return int64(n)
	}
	return v
}

func keyText(values []any) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = fmt.Sprint(v)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// CheckSink reports the write rights the role lacks on tables and, when
// the record table is missing, the right to create it in the schema.
func (s *Source) CheckSink(ctx context.Context, tables []string) ([]sluice.CaptureProblem, error) {
	rights, err := s.tableRights(ctx, append(append([]string(nil), tables...), sluice.SinkTable))
	if err != nil {
		return nil, classify(fmt.Errorf("check writes on source %s: %w", s.name, err))
	}
	var out []sluice.CaptureProblem
	for _, r := range rights[:len(tables)] {
		out = append(out, r.problems(s.schema)...)
	}
	if rights[len(tables)].found {
		return out, nil
	}
	var create bool
	if err := s.pool.QueryRow(ctx, "SELECT has_schema_privilege($1, 'CREATE')", s.schema).Scan(&create); err != nil {
		return nil, classify(fmt.Errorf("check writes on source %s: %w", s.name, err))
	}
	if !create {
		out = append(out, sluice.CaptureProblem{Check: "privilege CREATE on schema " + s.schema, Found: "the role cannot create the table " + sluice.SinkTable,
			Fix: "GRANT CREATE ON SCHEMA " + QuoteIdent(s.schema) + " TO <role>"})
	}
	return out, nil
}

// tableRight is what the role may do to one table.
type tableRight struct {
	name                  string
	found, ins, upd, dels bool
}

func (s *Source) tableRights(ctx context.Context, tables []string) ([]tableRight, error) {
	const q = `SELECT t.name, c.oid IS NOT NULL,
		c.oid IS NOT NULL AND has_table_privilege(c.oid, 'INSERT'),
		c.oid IS NOT NULL AND has_table_privilege(c.oid, 'UPDATE'),
		c.oid IS NOT NULL AND has_table_privilege(c.oid, 'DELETE')
		FROM unnest($2::text[]) WITH ORDINALITY t(name, ord)
		LEFT JOIN pg_namespace n ON n.nspname = $1
		LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = t.name AND c.relkind IN ('r', 'p')
		ORDER BY t.ord`
	rows, err := s.pool.Query(ctx, q, s.schema, tables)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (tableRight, error) {
		var t tableRight
		err := r.Scan(&t.name, &t.found, &t.ins, &t.upd, &t.dels)
		return t, err
	})
}

func (t tableRight) problems(schema string) []sluice.CaptureProblem {
	if !t.found {
		return []sluice.CaptureProblem{{Check: "table " + t.name, Found: "missing", Fix: "the reverse stream writes to it: restore it"}}
	}
	var out []sluice.CaptureProblem
	for _, p := range []struct {
		priv string
		ok   bool
	}{{"INSERT", t.ins}, {"UPDATE", t.upd}, {"DELETE", t.dels}} {
		if !p.ok {
			out = append(out, sluice.CaptureProblem{Check: "privilege " + p.priv + " on " + t.name, Found: "the role does not have it",
				Fix: "GRANT " + p.priv + " ON " + QualifiedName(schema, t.name) + " TO <role>"})
		}
	}
	return out
}
