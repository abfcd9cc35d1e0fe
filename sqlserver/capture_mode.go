package sqlserver

import (
	"context"
	"fmt"
)

// captureMode is how changes are read: change data capture, or Change
// Tracking for a database that has it and not CDC.
type captureMode int

const (
	modeNone captureMode = iota
	modeCDC
	modeTracking
)

// captureMode reads which of CDC and Change Tracking the database has
// enabled; CDC wins when both are.
func (s *Source) captureMode(ctx context.Context) (captureMode, error) {
	var cdc bool
	var id int64
	err := s.db.QueryRowContext(ctx, "SELECT is_cdc_enabled, database_id FROM sys.databases WHERE name = DB_NAME()").Scan(&cdc, &id)
	if err != nil {
		return modeNone, fmt.Errorf("read sys.databases: %w", err)
	}
	if cdc {
		return modeCDC, nil
	}
	rows, err := s.db.QueryContext(ctx, "SELECT database_id FROM sys.change_tracking_databases")
	if err != nil {
		return modeNone, fmt.Errorf("read sys.change_tracking_databases: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var db int64
		if err := rows.Scan(&db); err != nil {
			return modeNone, fmt.Errorf("read sys.change_tracking_databases: %w", err)
		}
		if db == id {
			return modeTracking, rows.Close()
		}
	}
	return modeNone, rows.Err()
}
