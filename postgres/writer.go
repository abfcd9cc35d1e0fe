package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
)

// writeConfig is the configuration of the write pool: the read pool's,
// except that its sessions may write even when the database's default is
// read-only (a frozen database: Unfreeze runs there), with few connections,
// in UTC: the reverse stream writes timestamps as UTC text.
func writeConfig(read *pgxpool.Config) *pgxpool.Config {
	w := read.Copy()
	w.ConnConfig.RuntimeParams["default_transaction_read_only"] = "off"
	w.ConnConfig.RuntimeParams["timezone"] = "UTC"
	w.ConnConfig.RuntimeParams["application_name"] = read.ConnConfig.RuntimeParams["application_name"] + " writer"
	w.MaxConns = 2
	return w
}

// writer is the source's write pool, opened on first use: most runs only
// read, and a source is written to only by a freeze or after a cutover.
func (s *Source) writer(ctx context.Context) (*pgxpool.Pool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wpool != nil {
		return s.wpool, nil
	}
	if s.wcfg == nil {
		return nil, errors.New("this source (a snapshot) cannot write")
	}
	pool, err := pgxpool.NewWithConfig(ctx, s.wcfg)
	if err != nil {
		return nil, fmt.Errorf("open a writing session on source %s: %w", s.name, err)
	}
	s.wpool = pool
	return pool, nil
}
