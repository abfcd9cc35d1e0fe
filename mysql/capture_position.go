package mysql

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sluicedb/sluice"
)

// gtid is one MariaDB global transaction id, domain-server-sequence.
type gtid struct {
	Domain, Server uint32
	Seq            uint64
}

func (g gtid) String() string { return fmt.Sprintf("%d-%d-%d", g.Domain, g.Server, g.Seq) }

// Position is a point of a MariaDB binlog: its GTID position (the last
// GTID of each replication domain, as @@gtid_binlog_pos writes it) and,
// where known, the binlog file and offset it stands for. Its text is
// "0-1-16,1-2-5@binlog.000003:1234", or the GTID position alone.
//
// Positions are ordered by their GTIDs: every position read from one
// server's binlog is the state of a prefix of that binlog, so one is at or
// after the other in every domain. File and offset are for people, for
// status (bytes behind) and for the check that the server still has the
// binlog; two positions with the same GTIDs are equal whatever they say.
type Position struct {
	GTIDs  []gtid // one per domain, ordered by domain
	File   string
	Offset uint64
}

var _ sluice.Position = Position{}

func (p Position) String() string {
	s := p.gtidText()
	if p.File != "" {
		s += "@" + p.File + ":" + strconv.FormatUint(p.Offset, 10)
	}
	return s
}

func (p Position) gtidText() string {
	parts := make([]string, len(p.GTIDs))
	for i, g := range p.GTIDs {
		parts[i] = g.String()
	}
	return strings.Join(parts, ",")
}

// seq is the sequence number of domain d, 0 when none.
func (p Position) seq(d uint32) uint64 {
	for _, g := range p.GTIDs {
		if g.Domain == d {
			return g.Seq
		}
	}
	return 0
}

// Compare orders two positions by their GTIDs, domain by domain; it fails
// when one is ahead in a domain and behind in another (positions of two
// servers, or of diverged histories).
func (p Position) Compare(other sluice.Position) (int, error) {
	o, ok := other.(Position)
	if !ok {
		return 0, fmt.Errorf("compare MariaDB position %s with %T %v: not a MariaDB position", p, other, other)
	}
	ahead, behind := false, false
	for _, d := range domains(p, o) {
		a, b := p.seq(d), o.seq(d)
		ahead = ahead || a > b
		behind = behind || a < b
	}
	switch {
	case ahead && behind:
		return 0, fmt.Errorf("compare MariaDB positions %s and %s: each is ahead in some domain", p, o)
	case ahead:
		return 1, nil
	case behind:
		return -1, nil
	}
	return 0, nil
}

func domains(ps ...Position) []uint32 {
	var ds []uint32
	for _, p := range ps {
		for _, g := range p.GTIDs {
			if !slices.Contains(ds, g.Domain) {
				ds = append(ds, g.Domain)
			}
		}
	}
	return ds
}

// with returns p advanced by g: g replaces its domain's GTID.
func (p Position) with(g gtid) Position {
	out := Position{GTIDs: make([]gtid, 0, len(p.GTIDs)+1)}
	placed := false
	for _, h := range p.GTIDs {
		switch {
		case h.Domain == g.Domain:
			out.GTIDs, placed = append(out.GTIDs, g), true
		case h.Domain > g.Domain && !placed:
			out.GTIDs, placed = append(out.GTIDs, g, h), true
		default:
			out.GTIDs = append(out.GTIDs, h)
		}
	}
	if !placed {
		out.GTIDs = append(out.GTIDs, g)
	}
	return out
}

// ParsePosition reads a Position from its String.
func ParsePosition(text string) (Position, error) {
	gtids, file, hasFile := strings.Cut(text, "@")
	var p Position
	if gtids != "" {
		for _, part := range strings.Split(gtids, ",") {
			g, err := parseGTID(strings.TrimSpace(part))
			if err != nil {
				return Position{}, fmt.Errorf("parse MariaDB position %q: %w", text, err)
			}
			p = p.with(g)
		}
	}
	if hasFile {
		name, off, ok := strings.Cut(file, ":")
		n, err := strconv.ParseUint(off, 10, 64)
		if !ok || name == "" || err != nil {
			return Position{}, fmt.Errorf("parse MariaDB position %q: want GTIDs@file:offset", text)
		}
		p.File, p.Offset = name, n
	}
	return p, nil
}

func parseGTID(s string) (gtid, error) {
	parts := strings.Split(s, "-")
	if len(parts) != 3 {
		return gtid{}, fmt.Errorf("GTID %q: want domain-server-sequence", s)
	}
	d, err1 := strconv.ParseUint(parts[0], 10, 32)
	srv, err2 := strconv.ParseUint(parts[1], 10, 32)
	seq, err3 := strconv.ParseUint(parts[2], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return gtid{}, fmt.Errorf("GTID %q: want three numbers", s)
	}
	return gtid{Domain: uint32(d), Server: uint32(srv), Seq: seq}, nil
}

// ParsePosition reads a Position back from its String.
func (s *Source) ParsePosition(text string) (sluice.Position, error) {
	return ParsePosition(text)
}
