package spatial

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"
)

// EWKB writes g as PostGIS reads and writes it: little-endian, Z and M as
// flag bits, the SRID after the outer type word when it is not 0. Two equal
// geometries have equal EWKB, whatever form they were read from.
func (g *Geom) EWKB() []byte {
	return g.appendWKB(nil, true)
}

func (g *Geom) appendWKB(b []byte, outer bool) []byte {
	word := uint32(g.Type)
	if g.Z {
		word |= ewkbZ
	}
	if g.M {
		word |= ewkbM
	}
	srid := outer && g.SRID != 0
	if srid {
		word |= ewkbSRID
	}
	b = binary.LittleEndian.AppendUint32(append(b, 1), word)
	if srid {
		b = binary.LittleEndian.AppendUint32(b, g.SRID)
	}
	switch g.Type {
	case Point:
		return g.appendPoint(b)
	case LineString:
		return appendPositions(b, g.Coord)
	case Polygon:
		b = binary.LittleEndian.AppendUint32(b, uint32(len(g.Rings)))
		for _, ring := range g.Rings {
			b = appendPositions(b, ring)
		}
		return b
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(g.Parts)))
	for _, p := range g.Parts {
		b = p.appendWKB(b, false)
	}
	return b
}

func (g *Geom) appendPoint(b []byte) []byte {
	if len(g.Coord) == 0 {
		for range g.dims() {
			b = binary.LittleEndian.AppendUint64(b, emptyCoord)
		}
		return b
	}
	return appendPosition(b, g.Coord[0])
}

func appendPositions(b []byte, ps [][]float64) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(ps)))
	for _, p := range ps {
		b = appendPosition(b, p)
	}
	return b
}

func appendPosition(b []byte, p []float64) []byte {
	for _, v := range p {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return b
}

// emptyCoord is the NaN PostGIS writes for the coordinates of an empty
// point (Go's math.NaN has other bits).
const emptyCoord = 0x7ff8000000000000

// WKT writes g as well-known text, without its SRID: "POINT(1 2)",
// "POLYGON Z ((0 0 1,1 0 1,1 1 1,0 0 1))", "MULTIPOINT EMPTY".
func (g *Geom) WKT() string {
	var b strings.Builder
	g.writeWKT(&b)
	return b.String()
}

// EWKT writes g as PostGIS's extended text, "SRID=4326;POINT(1 2)", or as
// plain WKT when its SRID is 0. PostgreSQL's ST_GeomFromEWKT reads it back.
func (g *Geom) EWKT() string {
	if g.SRID == 0 {
		return g.WKT()
	}
	return "SRID=" + strconv.FormatUint(uint64(g.SRID), 10) + ";" + g.WKT()
}

func (g *Geom) writeWKT(b *strings.Builder) {
	b.WriteString(typeNames[g.Type])
	switch {
	case g.Z && g.M:
		b.WriteString(" ZM ")
	case g.Z:
		b.WriteString(" Z ")
	case g.M:
		b.WriteString(" M ")
	}
	if g.empty() {
		if !g.Z && !g.M {
			b.WriteByte(' ')
		}
		b.WriteString("EMPTY")
		return
	}
	g.writeBody(b)
}

func (g *Geom) empty() bool {
	switch g.Type {
	case Point, LineString:
		return len(g.Coord) == 0
	case Polygon:
		return len(g.Rings) == 0
	}
	return len(g.Parts) == 0
}

// writeBody writes the parenthesised coordinates; members of a Multi* are
// written without their type name, those of a collection with it.
func (g *Geom) writeBody(b *strings.Builder) {
	switch g.Type {
	case Point, LineString:
		writePositions(b, g.Coord)
		return
	case Polygon:
		writeRings(b, g.Rings)
		return
	}
	b.WriteByte('(')
	for i, p := range g.Parts {
		if i > 0 {
			b.WriteByte(',')
		}
		switch {
		case g.Type == GeometryCollection:
			p.writeWKT(b)
		case p.empty():
			b.WriteString("EMPTY")
		default:
			p.writeBody(b)
		}
	}
	b.WriteByte(')')
}

func writeRings(b *strings.Builder, rings [][][]float64) {
	b.WriteByte('(')
	for i, ring := range rings {
		if i > 0 {
			b.WriteByte(',')
		}
		writePositions(b, ring)
	}
	b.WriteByte(')')
}

func writePositions(b *strings.Builder, ps [][]float64) {
	b.WriteByte('(')
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(',')
		}
		for j, v := range p {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(formatCoord(v))
		}
	}
	b.WriteByte(')')
}

// formatCoord writes the shortest decimal that reads back as exactly v.
func formatCoord(v float64) string {
	return strconv.FormatFloat(v, 'g', -1, 64)
}
