package mysql

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/sluicedb/sluice"
)

// CheckSink tries each write on each table in a transaction it rolls back
// (statements that match no row: the server checks the privileges all the
// same), and looks for the CREATE privilege when the record table is
// missing. A read-only server fails the writes too, and says so.
func (s *Source) CheckSink(ctx context.Context, tables []string) ([]sluice.CaptureProblem, error) {
	w, err := s.writer()
	if err != nil {
		return nil, err
	}
	var out []sluice.CaptureProblem
	for _, t := range tables {
		found, err := s.checkTableWrites(ctx, w, t)
		if err != nil {
			return nil, fmt.Errorf("check writes on %s.%s: %w", s.name, t, classify(err))
		}
		out = append(out, found...)
	}
	found, err := s.checkSinkTable(ctx, w)
	if err != nil {
		return nil, fmt.Errorf("check %s on %s: %w", sluice.SinkTable, s.name, classify(err))
	}
	return append(out, found...), nil
}

func (s *Source) checkTableWrites(ctx context.Context, w *sql.DB, table string) ([]sluice.CaptureProblem, error) {
	var first string
	q := "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION LIMIT 1"
	if err := w.QueryRowContext(ctx, q, s.database, table).Scan(&first); err == sql.ErrNoRows {
		return []sluice.CaptureProblem{{Check: "table " + table, Found: "missing", Fix: "the reverse stream writes to it: restore it"}}, nil
	} else if err != nil {
		return nil, err
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	qt := quoteIdent(table)
	probes := []struct{ priv, stmt string }{
		{"INSERT", "INSERT INTO " + qt + " SELECT * FROM " + qt + " WHERE 1 = 0"},
		{"UPDATE", "UPDATE " + qt + " SET " + quoteIdent(first) + " = " + quoteIdent(first) + " WHERE 1 = 0"},
		{"DELETE", "DELETE FROM " + qt + " WHERE 1 = 0"},
	}
	var out []sluice.CaptureProblem
	for _, p := range probes {
		if _, err := tx.ExecContext(ctx, p.stmt); err != nil {
			if isTransient(err) {
				return nil, err
			}
			out = append(out, sluice.CaptureProblem{Check: "privilege " + p.priv + " on " + table, Found: err.Error(),
				Fix: fmt.Sprintf("GRANT %s ON %s.%s TO <user> (and make sure the server is not read-only)", p.priv, quoteIdent(s.database), qt)})
		}
	}
	return out, nil
}

// checkSinkTable looks for the record table or the CREATE privilege on the
// database, granted globally or on a database pattern that matches it.
func (s *Source) checkSinkTable(ctx context.Context, w *sql.DB) ([]sluice.CaptureProblem, error) {
	const q = `SELECT
		EXISTS (SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?)
		OR EXISTS (SELECT 1 FROM information_schema.USER_PRIVILEGES WHERE PRIVILEGE_TYPE = 'CREATE' AND GRANTEE = @g)
		OR EXISTS (SELECT 1 FROM information_schema.SCHEMA_PRIVILEGES WHERE PRIVILEGE_TYPE = 'CREATE' AND GRANTEE = @g
			AND (TABLE_SCHEMA = ? OR ? LIKE TABLE_SCHEMA))`
	conn, err := w.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	setG := `SET @g = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')`
	if _, err := conn.ExecContext(ctx, setG); err != nil {
		return nil, err
	}
	var ok bool
	if err := conn.QueryRowContext(ctx, q, s.database, sluice.SinkTable, s.database, s.database).Scan(&ok); err != nil {
		return nil, err
	}
	if ok {
		return nil, nil
	}
	return []sluice.CaptureProblem{{Check: "privilege CREATE on " + s.database, Found: "the user cannot create the table " + sluice.SinkTable,
		Fix: fmt.Sprintf("GRANT CREATE ON %s.* TO <user>", quoteIdent(s.database))}}, nil
}
