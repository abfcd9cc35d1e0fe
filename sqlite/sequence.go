package sqlite

import (
	"context"
	"fmt"

	"github.com/sluicedb/sluice"
)

// sequences reads sqlite_sequence: for each table declared with
// AUTOINCREMENT, the largest row id it ever handed out, which stays when
// the rows holding it are deleted (SQLite never hands it out again). A file
// without such a table has no sqlite_sequence.
func (s *Source) sequences(ctx context.Context) (map[string]int64, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'`).Scan(&n)
	if err != nil || n == 0 {
		return nil, wrapSequences(s.name, err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT name, seq FROM sqlite_sequence`)
	if err != nil {
		return nil, wrapSequences(s.name, err)
	}
	defer rows.Close()
	seqs := map[string]int64{}
	for rows.Next() {
		var name string
		var seq int64
		if err := rows.Scan(&name, &seq); err != nil {
			return nil, wrapSequences(s.name, err)
		}
		seqs[name] = seq
	}
	return seqs, wrapSequences(s.name, rows.Err())
}

func wrapSequences(source string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("read sqlite_sequence of %s: %w", source, err)
}

// setIdentityNext gives the row id alias of t (AutoIncrement) the number
// after the largest one SQLite handed out, when t is an AUTOINCREMENT table.
func setIdentityNext(t *sluice.Table, seqs map[string]int64) {
	seq, ok := seqs[t.Name]
	if !ok {
		return
	}
	for i := range t.Columns {
		if t.Columns[i].AutoIncrement {
			t.Columns[i].IdentityNext = seq + 1
		}
	}
}
