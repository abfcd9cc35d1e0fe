package sqlserver

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/sluicedb/sluice"
)

// Position is a point in a database's change data capture: a log sequence
// number (the commit LSN a change row's __$start_lsn holds) and a seqval
// within it (the change's own LSN). A transaction's Position is its commit
// LSN with the highest seqval: everything up to and including it. Its
// String is the LSN in hex as SQL Server prints binary(10) without 0x
// ("0000002A000001A00003"), followed by "/" and the seqval when it is not
// the whole transaction.
type Position struct {
	LSN, Seq [10]byte
}

var _ sluice.Position = Position{}

// allSeq is the highest seqval: the whole transaction.
var allSeq = [10]byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}

// wholeTx is the position after every change of the transaction at lsn.
func wholeTx(lsn [10]byte) Position { return Position{LSN: lsn, Seq: allSeq} }

func (p Position) String() string {
	s := strings.ToUpper(hex.EncodeToString(p.LSN[:]))
	if p.Seq != allSeq {
		s += "/" + strings.ToUpper(hex.EncodeToString(p.Seq[:]))
	}
	return s
}

// Compare orders by LSN, then seqval.
func (p Position) Compare(other sluice.Position) (int, error) {
	o, ok := other.(Position)
	if !ok {
		return 0, fmt.Errorf("compare SQL Server position %s with %T %s", p, other, other)
	}
	if n := bytes.Compare(p.LSN[:], o.LSN[:]); n != 0 {
		return n, nil
	}
	return bytes.Compare(p.Seq[:], o.Seq[:]), nil
}

// ParsePosition reads a Position's String back.
func ParsePosition(text string) (Position, error) {
	lsn, seq, hasSeq := strings.Cut(strings.TrimPrefix(strings.TrimSpace(text), "0x"), "/")
	var p Position
	if err := parseLSN(lsn, &p.LSN); err != nil {
		return Position{}, fmt.Errorf("parse SQL Server position %q: %w", text, err)
	}
	p.Seq = allSeq
	if hasSeq {
		if err := parseLSN(seq, &p.Seq); err != nil {
			return Position{}, fmt.Errorf("parse SQL Server position %q: seqval: %w", text, err)
		}
	}
	return p, nil
}

func parseLSN(text string, out *[10]byte) error {
	b, err := hex.DecodeString(text)
	if err != nil || len(b) != 10 {
		return fmt.Errorf("want 20 hex digits (a 10-byte LSN), got %q", text)
	}
	copy(out[:], b)
	return nil
}

// ParsePosition reads a Position or a TrackingPosition back from its
// String.
func (s *Source) ParsePosition(text string) (sluice.Position, error) {
	if strings.HasPrefix(text, trackingPrefix) {
		return ParseTrackingPosition(text)
	}
	return ParsePosition(text)
}

// lsnOf reads a binary(10) LSN as the driver returns it.
func lsnOf(v []byte) ([10]byte, error) {
	var lsn [10]byte
	if len(v) != 10 {
		return lsn, fmt.Errorf("an LSN of %d bytes, want 10", len(v))
	}
	copy(lsn[:], v)
	return lsn, nil
}
