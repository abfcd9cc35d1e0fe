package sqlserver

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/sluicedb/sluice"
)

// CaptureStatus gives the head of change data capture (the maximum LSN
// the capture job has harvested) and, from cdc.lsn_time_mapping, when the
// head's and the applied position's transactions committed: SQL Server
// tells the lag in time, not in bytes. It keeps no reader position, so
// Confirmed is nil, and the change tables are kept by retention, not for a
// reader (RetainedBytes -1). With Change Tracking the head is the current
// version, and there are no commit times.
func (s *Source) CaptureStatus(ctx context.Context, spec sluice.CaptureSpec, applied sluice.Position) (sluice.CaptureStatus, error) {
	st := sluice.CaptureStatus{BehindBytes: -1, RetainedBytes: -1}
	what := fmt.Sprintf("read the capture status of %s", s.name)
	if mode, err := s.captureMode(ctx); err != nil {
		return st, fmt.Errorf("%s: %w", what, classify(err))
	} else if mode == modeTracking {
		head, err := trackingVersion(ctx, s.db)
		if err != nil {
			return st, fmt.Errorf("%s: %w", what, classify(err))
		}
		st.Head = head // Change Tracking records no commit times
		return st, nil
	}
	var head []byte
	var headTime sql.NullTime
	err := s.db.QueryRowContext(ctx, "SELECT sys.fn_cdc_get_max_lsn(), sys.fn_cdc_map_lsn_to_time(sys.fn_cdc_get_max_lsn())").Scan(&head, &headTime)
	if err != nil {
		return st, fmt.Errorf("%s: %w", what, classify(err))
	}
	if head != nil {
		lsn, err := lsnOf(head)
		if err != nil {
			return st, fmt.Errorf("%s: %w", what, err)
		}
		st.Head, st.HeadTime = wholeTx(lsn), headTime.Time.UTC()
	}
	if applied == nil {
		return st, nil
	}
	p, ok := applied.(Position)
	if !ok {
		return st, fmt.Errorf("%s: position %s is not a SQL Server position", what, applied)
	}
	var at sql.NullTime
	if err := s.db.QueryRowContext(ctx, "SELECT sys.fn_cdc_map_lsn_to_time(@p1)", p.LSN[:]).Scan(&at); err != nil {
		return st, fmt.Errorf("%s: %w", what, classify(err))
	}
	if at.Valid {
		st.AppliedTime = at.Time.UTC()
	}
	return st, nil
}

// DropCapture removes nothing: Sluice creates nothing on a SQL Server
// source. The database's and tables' change data capture are the owners'
// (sys.sp_cdc_disable_table, sys.sp_cdc_disable_db), as is the decision
// to end it.
func (s *Source) DropCapture(context.Context, sluice.CaptureSpec) error { return nil }
