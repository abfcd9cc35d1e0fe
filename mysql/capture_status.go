package mysql

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/sluicedb/sluice"
)

// CaptureStatus reads the server's binlog end (SHOW MASTER STATUS and
// @@gtid_binlog_pos) and, when applied names its binlog file, the bytes of
// binlog after it. MariaDB retains binlogs by its own settings, not for a
// reader: RetainedBytes is -1, and there is no confirmed position.
func (s *Source) CaptureStatus(ctx context.Context, spec sluice.CaptureSpec, applied sluice.Position) (sluice.CaptureStatus, error) {
	head, err := s.head(ctx)
	if err != nil {
		return sluice.CaptureStatus{}, fmt.Errorf("capture status of %s: %w", s.name, classify(err))
	}
	status := sluice.CaptureStatus{Head: head, BehindBytes: -1, RetainedBytes: -1}
	from, ok := applied.(Position)
	if !ok || from.File == "" {
		return status, nil
	}
	logs, err := s.binaryLogs(ctx)
	if err != nil {
		return sluice.CaptureStatus{}, fmt.Errorf("capture status of %s: %w", s.name, err)
	}
	status.BehindBytes = bytesBehind(logs, from, head)
	return status, nil
}

func (s *Source) head(ctx context.Context) (Position, error) {
	var file string
	var offset uint64
	var skip1, skip2 sql.NullString
	if err := s.db.QueryRowContext(ctx, "SHOW MASTER STATUS").Scan(&file, &offset, &skip1, &skip2); err != nil {
		return Position{}, fmt.Errorf("read the binlog's end: %w", err)
	}
	var gtids string
	if err := s.db.QueryRowContext(ctx, "SELECT @@global.gtid_binlog_pos").Scan(&gtids); err != nil {
		return Position{}, fmt.Errorf("read the binlog's GTID position: %w", err)
	}
	p, err := ParsePosition(gtids)
	p.File, p.Offset = file, offset
	return p, err
}

// bytesBehind adds up the binlog from "from" to head, file by file; -1
// when from's file is not among the server's binlogs any more.
func bytesBehind(logs []binaryLog, from, head Position) int64 {
	var total int64
	counting := false
	for _, l := range logs {
		switch {
		case l.name == from.File && l.name == head.File:
			return int64(head.Offset) - int64(from.Offset)
		case l.name == from.File:
			counting, total = true, l.size-int64(from.Offset)
		case l.name == head.File && counting:
			return total + int64(head.Offset)
		case counting:
			total += l.size
		}
	}
	return -1
}

// DropCapture has nothing to drop: a MariaDB capture creates nothing on
// the server.
func (s *Source) DropCapture(ctx context.Context, spec sluice.CaptureSpec) error { return nil }
