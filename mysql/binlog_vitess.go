package mysql

// This is the only file that imports vitess: its go/mysql package speaks
// the replication protocol and frames the binlog's events (the TABLE_MAP
// and ROWS layouts included); everything else (which events to accept,
// what a cell's bytes mean, positions) is Sluice's own, in binlog_*.go.
// vitess.io/vitess@v0.24.4 is pinned: go/mysql is an internal API of
// vitess without compatibility promise.
//
// Importing it has side effects on the process, undone in init below as
// far as they can be: it registers glog's flags (-v, -log_dir, ...) on
// Go's global flag set, which is replaced by a copy without them; it
// sends the standard log package's output to its JSON logger, which is
// set back to standard error with the usual flags; and its own logger,
// which writes JSON to standard error, is replaced by one that discards
// (library code never logs).

import (
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"hash/crc32"
	"log"
	"log/slog"
	"os"
	"strings"

	vtmysql "vitess.io/vitess/go/mysql"
	"vitess.io/vitess/go/mysql/replication"
	"vitess.io/vitess/go/mysql/sqlerror"
	vtlog "vitess.io/vitess/go/vt/log"
)

func init() {
	log.SetOutput(os.Stderr)
	log.SetFlags(log.LstdFlags)
	vtlog.SwapLogger(slog.New(slog.DiscardHandler))
	glog := map[string]bool{"alsologtostderr": true, "log_backtrace_at": true, "log_dir": true, "log_link": true,
		"logbuflevel": true, "logtostderr": true, "stderrthreshold": true, "v": true, "vmodule": true}
	clean := flag.NewFlagSet(flag.CommandLine.Name(), flag.CommandLine.ErrorHandling())
	clean.Usage = flag.CommandLine.Usage
	flag.CommandLine.VisitAll(func(f *flag.Flag) {
		if !glog[f.Name] {
			clean.Var(f.Value, f.Name, f.Usage)
		}
	})
	flag.CommandLine = clean
}

// binlogAddr is where and as whom to read the binlog.
type binlogAddr struct {
	host, user, password string
	port                 int
}

// binlogReader reads a server's binlog as a replica does.
type binlogReader struct {
	conn     *vtmysql.Conn
	checksum bool // events end with a CRC32
	format   vtmysql.BinlogFormat
	maps     map[uint64]*vtmysql.TableMap // by table id, for the ROWS events that follow
}

// openBinlog connects and asks for the binlog after the MariaDB GTID
// position gtid ("" for the oldest binlog), with checksums as the server
// writes them and a heartbeat when idle.
func openBinlog(ctx context.Context, addr binlogAddr, serverID uint32, gtid string, heartbeatSeconds int) (*binlogReader, error) {
	conn, err := vtmysql.Connect(ctx, &vtmysql.ConnParams{Host: addr.host, Port: addr.port, Uname: addr.user, Pass: addr.password})
	if err != nil {
		return nil, err
	}
	setup := []string{
		"SET @master_binlog_checksum = @@global.binlog_checksum",
		fmt.Sprintf("SET @master_heartbeat_period = %d", int64(heartbeatSeconds)*1e9),
		"SET @mariadb_slave_capability = 4", // understands GTIDs
		"SET @slave_connect_state = '" + strings.ReplaceAll(gtid, "'", "") + "'",
	}
	for _, q := range setup {
		if _, err := conn.ExecuteFetch(q, 0, false); err != nil {
			conn.Close()
			return nil, fmt.Errorf("%s: %w", q, err)
		}
	}
	res, err := conn.ExecuteFetch("SELECT @@global.binlog_checksum", 1, false)
	if err != nil || len(res.Rows) != 1 {
		conn.Close()
		return nil, fmt.Errorf("read binlog_checksum: %w", err)
	}
	checksum := !strings.EqualFold(res.Rows[0][0].ToString(), "NONE")
	if err := conn.WriteComBinlogDump(serverID, "", 0, 0); err != nil {
		conn.Close()
		return nil, fmt.Errorf("request the binlog: %w", err)
	}
	return &binlogReader{conn: conn, checksum: checksum, maps: map[uint64]*vtmysql.TableMap{}}, nil
}

func (r *binlogReader) close() { r.conn.Close() }

// next reads one event and takes it apart as far as its type needs.
func (r *binlogReader) next() (binlogEvent, error) {
	ev, err := r.conn.ReadBinlogEvent()
	if err != nil {
		return binlogEvent{}, err
	}
	if !ev.IsValid() {
		return binlogEvent{}, errors.New("an invalid binlog event")
	}
	raw := ev.Bytes()
	out := binlogEvent{Type: raw[4], Timestamp: ev.Timestamp(), NextPos: ev.NextPosition()}
	if ev.IsFormatDescription() {
		if r.format, err = ev.Format(); err != nil {
			return out, fmt.Errorf("format description: %w", err)
		}
		return out, nil
	}
	if r.format.IsZero() || out.Type == evRotate {
		// Read by hand: the artificial ROTATE (before the format
		// description, and after a server restart) has no checksum.
		return out, r.earlyRotate(raw, &out)
	}
	if ev, _, err = ev.StripChecksum(r.format); err != nil {
		return out, fmt.Errorf("checksum of event type %d: %w", out.Type, err)
	}
	return out, r.parse(ev, &out)
}

// parse fills what each kind of event carries; the caller decides what
// to do with the types it does not expect.
func (r *binlogReader) parse(ev vtmysql.BinlogEvent, out *binlogEvent) error {
	var err error
	switch {
	case ev.IsGTID():
		err = r.gtid(ev, out)
	case ev.IsQuery():
		var q vtmysql.Query
		q, err = ev.Query(r.format)
		out.Query, out.QueryDB = q.SQL, q.Database
	case ev.IsRotate():
		out.NextFile, out.RotatePos, err = ev.NextLogFile(r.format)
	case ev.IsTableMap():
		err = r.tableMap(ev, out)
	case ev.IsWriteRows() || ev.IsUpdateRows() || ev.IsDeleteRows():
		err = r.rows(ev, out)
	}
	if err != nil {
		return fmt.Errorf("decode binlog event type %d: %w", out.Type, err)
	}
	return nil
}

func (r *binlogReader) gtid(ev vtmysql.BinlogEvent, out *binlogEvent) error {
	g, hasBegin, _, _, err := ev.GTID(r.format)
	if err != nil {
		return err
	}
	m, ok := g.(replication.MariadbGTID)
	if !ok {
		return fmt.Errorf("a GTID of type %T: only MariaDB's are read", g)
	}
	out.GTID = gtid{Domain: m.Domain, Server: m.Server, Seq: m.Sequence}
	out.Standalone = !hasBegin
	return nil
}

func (r *binlogReader) tableMap(ev vtmysql.BinlogEvent, out *binlogEvent) error {
	tm, err := ev.TableMap(r.format)
	if err != nil {
		return err
	}
	out.TableID = ev.TableID(r.format)
	r.maps[out.TableID] = tm
	out.Map = &tableMap{Database: tm.Database, Name: tm.Name, Types: tm.Types, Meta: tm.Metadata}
	return nil
}

func (r *binlogReader) rows(ev vtmysql.BinlogEvent, out *binlogEvent) error {
	out.TableID = ev.TableID(r.format)
	tm, ok := r.maps[out.TableID]
	if !ok {
		return fmt.Errorf("rows of table id %d without its TABLE_MAP", out.TableID)
	}
	rows, err := ev.Rows(r.format, tm)
	if err != nil {
		return err
	}
	n := len(tm.Types)
	for _, row := range rows.Rows {
		var before, after *rowImage
		if ev.IsUpdateRows() || ev.IsDeleteRows() {
			before = image(n, &rows.IdentifyColumns, &row.NullIdentifyColumns, row.Identify)
		}
		if ev.IsUpdateRows() || ev.IsWriteRows() {
			after = image(n, &rows.DataColumns, &row.NullColumns, row.Data)
		}
		out.Rows = append(out.Rows, rowPair{Before: before, After: after})
	}
	return nil
}

// image spreads a row's bitmaps over its n columns: present says which
// columns the event holds, nulls which of those (counted among the
// present ones) are NULL.
func image(n int, present, nulls *vtmysql.Bitmap, data []byte) *rowImage {
	img := &rowImage{Present: make([]bool, n), Null: make([]bool, n), Data: data}
	k := 0
	for c := range n {
		if present.Bit(c) {
			img.Present[c], img.Null[c] = true, nulls.Bit(k)
			k++
		}
	}
	return img
}

// binlogErrorCode is the server's or the client's error number in err, 0
// when it has none.
func binlogErrorCode(err error) int {
	var se *sqlerror.SQLError
	if errors.As(err, &se) {
		return int(se.Number())
	}
	return 0
}

// hasChecksum says that an event ends with the CRC32 of what comes before:
// MariaDB sends an artificial ROTATE (at the start of a dump, and when the
// server it streams from restarted) without one even when the binlog's
// events have it, and taking a checksum away that is not there cuts the
// file name short ("binlog.00").
func hasChecksum(raw []byte) bool {
	n := len(raw)
	return n > 4 && crc32.ChecksumIEEE(raw[:n-4]) == binary.LittleEndian.Uint32(raw[n-4:])
}

// earlyRotate reads the artificial ROTATE a server sends before the format
// description, to name the file the stream starts in: after the 19-byte
// header, the position (8 bytes) and the file name, then the checksum.
func (r *binlogReader) earlyRotate(raw []byte, out *binlogEvent) error {
	const header = 19
	end := len(raw)
	if r.checksum && hasChecksum(raw) {
		end -= 4
	}
	if out.Type != evRotate || end < header+8 {
		return fmt.Errorf("event type %d before the format description", out.Type)
	}
	out.RotatePos = binary.LittleEndian.Uint64(raw[header:])
	out.NextFile = string(raw[header+8 : end])
	return nil
}
