package spatial

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Flags of PostGIS's extended WKB type word.
const (
	ewkbZ    = 0x80000000
	ewkbM    = 0x40000000
	ewkbSRID = 0x20000000
)

// maxDepth bounds the nesting of collections, so that hostile input cannot
// exhaust the stack.
const maxDepth = 32

// DecodeWKB reads a geometry in WKB, ISO (Z as type+1000, M +2000, ZM +3000)
// or PostGIS extended (flag bits, optionally with an SRID). The whole input
// must be one geometry.
func DecodeWKB(b []byte) (*Geom, error) {
	r := &reader{b: b}
	g, err := r.geometry(0, true)
	if err != nil {
		return nil, fmt.Errorf("decode WKB: %w", err)
	}
	if r.pos != len(b) {
		return nil, fmt.Errorf("decode WKB: %d bytes after the geometry", len(b)-r.pos)
	}
	return g, nil
}

// DecodeMySQL reads MySQL's and MariaDB's internal form of a spatial value:
// the SRID as 4 little-endian bytes, then the WKB.
func DecodeMySQL(b []byte) (*Geom, error) {
	if len(b) < 4 {
		return nil, fmt.Errorf("decode MySQL geometry: %d bytes, too short for an SRID", len(b))
	}
	g, err := DecodeWKB(b[4:])
	if err != nil {
		return nil, err
	}
	g.SRID = binary.LittleEndian.Uint32(b)
	return g, nil
}

var errShort = errors.New("unexpected end of input")

type reader struct {
	b     []byte
	pos   int
	order binary.ByteOrder
}

func (r *reader) byteOrder() error {
	if r.pos >= len(r.b) {
		return errShort
	}
	switch r.b[r.pos] {
	case 0:
		r.order = binary.BigEndian
	case 1:
		r.order = binary.LittleEndian
	default:
		return fmt.Errorf("byte order %d at offset %d is neither 0 nor 1", r.b[r.pos], r.pos)
	}
	r.pos++
	return nil
}

func (r *reader) uint32() (uint32, error) {
	if len(r.b)-r.pos < 4 {
		return 0, errShort
	}
	v := r.order.Uint32(r.b[r.pos:])
	r.pos += 4
	return v, nil
}

// count reads a number of elements, each at least min bytes long, and
// refuses a count the remaining input cannot hold.
func (r *reader) count(min int) (int, error) {
	n, err := r.uint32()
	if err != nil {
		return 0, err
	}
	if int64(n)*int64(min) > int64(len(r.b)-r.pos) {
		return 0, fmt.Errorf("%d elements do not fit in the %d bytes left", n, len(r.b)-r.pos)
	}
	return int(n), nil
}

// header reads the byte order and type word of one geometry.
func (r *reader) header(outer bool) (*Geom, error) {
	if err := r.byteOrder(); err != nil {
		return nil, err
	}
	word, err := r.uint32()
	if err != nil {
		return nil, err
	}
	g := &Geom{Z: word&ewkbZ != 0, M: word&ewkbM != 0}
	if word&ewkbSRID != 0 {
		if !outer {
			return nil, errors.New("an SRID inside a collection")
		}
		if g.SRID, err = r.uint32(); err != nil {
			return nil, err
		}
	}
	base := word &^ (ewkbZ | ewkbM | ewkbSRID)
	switch base / 1000 {
	case 1:
		g.Z = true
	case 2:
		g.M = true
	case 3:
		g.Z, g.M = true, true
	}
	if base >= 4000 {
		return nil, fmt.Errorf("unknown geometry type %d", base)
	}
	g.Type = int(base % 1000)
	return g, checkType(g.Type)
}

func (r *reader) geometry(depth int, outer bool) (*Geom, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("collections nested deeper than %d", maxDepth)
	}
	g, err := r.header(outer)
	if err != nil {
		return nil, err
	}
	switch g.Type {
	case Point:
		err = r.point(g)
	case LineString:
		g.Coord, err = r.positions(g.dims())
	case Polygon:
		g.Rings, err = r.rings(g.dims())
	default:
		err = r.parts(g, depth)
	}
	return g, err
}

func (r *reader) point(g *Geom) error {
	p, err := r.position(g.dims())
	if err != nil {
		return err
	}
	if !allNaN(p) { // an empty point is written with NaN coordinates
		g.Coord = [][]float64{p}
	}
	return nil
}

func allNaN(p []float64) bool {
	for _, v := range p {
		if !math.IsNaN(v) {
			return false
		}
	}
	return true
}

func (r *reader) position(dims int) ([]float64, error) {
	if len(r.b)-r.pos < 8*dims {
		return nil, errShort
	}
	p := make([]float64, dims)
	for i := range p {
		p[i] = math.Float64frombits(r.order.Uint64(r.b[r.pos:]))
		r.pos += 8
	}
	return p, nil
}

func (r *reader) positions(dims int) ([][]float64, error) {
	n, err := r.count(8 * dims)
	if err != nil {
		return nil, err
	}
	ps := make([][]float64, n)
	for i := range ps {
		if ps[i], err = r.position(dims); err != nil {
			return nil, err
		}
	}
	return ps, nil
}

func (r *reader) rings(dims int) ([][][]float64, error) {
	n, err := r.count(4)
	if err != nil {
		return nil, err
	}
	rings := make([][][]float64, n)
	for i := range rings {
		if rings[i], err = r.positions(dims); err != nil {
			return nil, err
		}
	}
	return rings, nil
}

// parts reads the members of a Multi* or a collection; each has its own
// byte order and type word.
func (r *reader) parts(g *Geom, depth int) error {
	n, err := r.count(5)
	if err != nil {
		return err
	}
	order := r.order
	g.Parts = make([]*Geom, n)
	for i := range g.Parts {
		p, err := r.geometry(depth+1, false)
		if err != nil {
			return err
		}
		if want := memberType(g.Type); want != 0 && p.Type != want {
			return fmt.Errorf("a %s inside a %s", typeNames[p.Type], typeNames[g.Type])
		}
		if p.Z != g.Z || p.M != g.M {
			return errors.New("a member with other dimensions than its collection")
		}
		g.Parts[i] = p
	}
	r.order = order
	return nil
}
