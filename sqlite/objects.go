package sqlite

import (
	"context"
	"fmt"

	"github.com/sluicedb/sluice"
)

// objects lists the views and triggers of the file, with their CREATE
// statements as written.
func (s *Source) objects(ctx context.Context) ([]sluice.Object, error) {
	const q = `SELECT type, name, CASE WHEN type = 'trigger' THEN tbl_name ELSE '' END, coalesce(sql, '')
		FROM sqlite_master WHERE type IN ('view', 'trigger') ORDER BY type DESC, name`
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list views and triggers of %s: %w", s.name, err)
	}
	defer rows.Close()
	var out []sluice.Object
	for rows.Next() {
		var o sluice.Object
		if err := rows.Scan(&o.Kind, &o.Name, &o.Table, &o.Definition); err != nil {
			return nil, fmt.Errorf("list views and triggers of %s: %w", s.name, err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list views and triggers of %s: %w", s.name, err)
	}
	return out, nil
}
