package postgres

import (
	"fmt"

	"github.com/jackc/pglogrepl"
	"github.com/sluicedb/sluice"
)

// LSN is a position in PostgreSQL's write-ahead log, written as PostgreSQL
// writes it ("16/B374D848"). A transaction's Position is the LSN just past
// the start of its commit record: a snapshot taken at LSN p holds exactly
// the transactions whose commit record starts before p, i.e. whose
// Position is at or before p, and a stream started at a transaction's
// Position delivers only the transactions that commit after it.
type LSN uint64

var _ sluice.Position = LSN(0)

func (l LSN) String() string { return pglogrepl.LSN(l).String() }

// Compare orders two LSNs; other must be an LSN.
func (l LSN) Compare(other sluice.Position) (int, error) {
	o, ok := other.(LSN)
	if !ok {
		return 0, fmt.Errorf("compare PostgreSQL position %s with %T %v: not an LSN", l, other, other)
	}
	switch {
	case l < o:
		return -1, nil
	case l > o:
		return 1, nil
	}
	return 0, nil
}

// ParseLSN reads an LSN written as "XXXXXXXX/XXXXXXXX".
func ParseLSN(text string) (LSN, error) {
	l, err := pglogrepl.ParseLSN(text)
	if err != nil {
		return 0, fmt.Errorf("parse PostgreSQL position %q: want an LSN like 16/B374D848", text)
	}
	return LSN(l), nil
}

// ParsePosition reads a Position back from its String.
func (s *Source) ParsePosition(text string) (sluice.Position, error) {
	return ParseLSN(text)
}

// txPosition is the Position of the transaction whose commit record
// starts at commit.
func txPosition(commit pglogrepl.LSN) LSN { return LSN(commit) + 1 }
