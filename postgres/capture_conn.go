package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// adminConn is a writable session, for the only writes Sluice makes to a
// source: the capture objects (publication, replication slot, replica
// identity) that plan announces and DropCapture removes.
func (s *Source) adminConn(ctx context.Context) (*pgx.Conn, error) {
	cfg := s.pool.Config().ConnConfig.Copy()
	// Off, not the database's default: capture objects are also removed
	// from a database Sluice froze (a rollback after cutover freezes the
	// target, then drops the reverse stream's slot and publication).
	cfg.RuntimeParams["default_transaction_read_only"] = "off"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, classify(fmt.Errorf("connect to %s for capture: %w", s.name, err))
	}
	return conn, nil
}

// replicationConn opens a logical replication connection. The settings
// that decide how values are written as text are those of the source's
// own sessions, so a value the stream sends as text is the text the copy
// reads, except that dates are always ISO (pgx reads only that) and floats
// always exact; the client encoding is the one Read uses.
func (s *Source) replicationConn(ctx context.Context) (*pgconn.PgConn, error) {
	settings, err := s.textSettings(ctx)
	if err != nil {
		return nil, err
	}
	cfg := s.pool.Config().ConnConfig.Config.Copy()
	// Off, not the database's default: capture objects are also removed
	// from a database Sluice froze (a rollback after cutover freezes the
	// target, then drops the reverse stream's slot and publication).
	cfg.RuntimeParams["default_transaction_read_only"] = "off"
	cfg.RuntimeParams["replication"] = "database"
	for k, v := range settings {
		cfg.RuntimeParams[k] = v
	}
	conn, err := pgconn.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, classify(fmt.Errorf("open a replication connection to %s: %w", s.name, err))
	}
	return conn, nil
}

// textSettings reads the output settings of the source's sessions.
func (s *Source) textSettings(ctx context.Context) (map[string]string, error) {
	names := []string{"TimeZone", "DateStyle", "IntervalStyle", "extra_float_digits", "bytea_output", "server_encoding"}
	vals := make([]string, len(names))
	dest := make([]any, len(names))
	for i := range vals {
		dest[i] = &vals[i]
	}
	q := `SELECT current_setting('TimeZone'), current_setting('DateStyle'), current_setting('IntervalStyle'),
		current_setting('extra_float_digits'), current_setting('bytea_output'), current_setting('server_encoding')`
	if err := s.pool.QueryRow(ctx, q).Scan(dest...); err != nil {
		return nil, classify(fmt.Errorf("read the session settings of %s: %w", s.name, err))
	}
	out := map[string]string{}
	for i, n := range names {
		out[n] = vals[i]
	}
	if !strings.HasPrefix(out["DateStyle"], "ISO") {
		out["DateStyle"] = "ISO"
	}
	if n, _ := strconv.Atoi(out["extra_float_digits"]); n < 1 {
		out["extra_float_digits"] = "1"
	}
	// Text comes in UTF-8, converted by the server, as Read has it; a
	// SQL_ASCII database's bytes come as stored (settleClientEncoding).
	out["client_encoding"] = "UTF8"
	if out["server_encoding"] == sqlASCII {
		out["client_encoding"] = sqlASCII
	}
	delete(out, "server_encoding")
	return out, nil
}
